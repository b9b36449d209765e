"""Hold, book, rebook, cancel, idempotency, notice and access, through the API against the real database."""

import asyncio
from datetime import timedelta

import asyncpg
from booking_support import UNIT_FALKENBERG, UNIT_FYLLINGE, UNIT_OSKARSTROM, citizen, personnummer, pseudonym, staff


async def test_a_hold_keeps_the_slot_from_others_and_lapses_by_itself(booking):
    holder, other = personnummer(1), personnummer(2)
    [slot] = await booking.free_slots(holder, UNIT_FALKENBERG, profession="nurse", count=1)

    held = await booking.client.post("/api/v1/holds", json={"slot_id": slot["id"]}, headers=citizen(holder))
    while_held = await booking.book(other, slot["id"])
    booking.clock.advance(timedelta(minutes=5, seconds=1))
    after_lapse = await booking.book(other, slot["id"])
    holder_too_late = await booking.book(holder, slot["id"])
    booking.clock.advance(-timedelta(minutes=5, seconds=1))

    assert held.status_code == 201
    assert while_held.status_code == 409 and while_held.json()["code"] == "slot_taken"
    assert after_lapse.status_code == 201
    assert holder_too_late.status_code == 409
    [row] = await booking.fetch("SELECT reserved FROM slots WHERE id = $1::uuid", slot["id"])
    assert row["reserved"] == 1


async def test_booking_a_held_slot_uses_the_hold_and_takes_one_seat(booking):
    pnr = personnummer(3)
    [slot] = await booking.free_slots(pnr, UNIT_FALKENBERG, profession="nurse", count=1)

    await booking.client.post("/api/v1/holds", json={"slot_id": slot["id"]}, headers=citizen(pnr))
    booked = await booking.book(pnr, slot["id"])

    assert booked.status_code == 201 and booked.json()["status"] == "booked"
    [row] = await booking.fetch("SELECT reserved FROM slots WHERE id = $1::uuid", slot["id"])
    assert row["reserved"] == 1
    assert not await booking.fetch("SELECT 1 FROM holds WHERE slot_id = $1::uuid", slot["id"])


async def test_a_repeated_request_with_the_same_idempotency_key_returns_the_first_answer(booking):
    pnr = personnummer(4)
    first_slot, second_slot = await booking.free_slots(pnr, UNIT_FALKENBERG, profession="nurse", count=2)
    key = {"Idempotency-Key": "book-4-a"}

    answers = await asyncio.gather(
        *(
            booking.client.post(
                "/api/v1/appointments", json={"slot_id": first_slot["id"]}, headers={**citizen(pnr), **key}
            )
            for _ in range(5)
        )
    )
    reused = await booking.client.post(
        "/api/v1/appointments", json={"slot_id": second_slot["id"]}, headers={**citizen(pnr), **key}
    )

    assert {a.status_code for a in answers} == {201}
    assert len({a.json()["id"] for a in answers}) == 1
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"
    rows = await booking.fetch("SELECT count(*) AS n FROM appointments WHERE patient = $1", pseudonym(pnr))
    assert rows[0]["n"] == 1


async def test_a_refusal_is_also_the_answer_repeated_under_its_key(booking):
    pnr = personnummer(5)
    [slot] = await booking.free_slots(pnr, UNIT_FALKENBERG, profession="nurse", count=1)
    await booking.book(personnummer(6), slot["id"])
    key = {"Idempotency-Key": "book-5"}

    first = await booking.client.post(
        "/api/v1/appointments", json={"slot_id": slot["id"]}, headers={**citizen(pnr), **key}
    )
    again = await booking.client.post(
        "/api/v1/appointments", json={"slot_id": slot["id"]}, headers={**citizen(pnr), **key}
    )

    assert first.status_code == again.status_code == 409
    assert first.json() == again.json()


async def test_idempotency_keys_are_forgotten_after_their_retention_and_not_before(booking):
    from nara.shared.retention import forget_rows

    pnr = personnummer(50)
    [slot] = await booking.free_slots(pnr, UNIT_FALKENBERG, profession="nurse", count=1)
    key = {"Idempotency-Key": "book-50"}
    first = await booking.client.post(
        "/api/v1/appointments", json={"slot_id": slot["id"]}, headers={**citizen(pnr), **key}
    )
    assert first.status_code == 201
    made_at = booking.clock.now()

    connection = await asyncpg.connect(booking.database_url)
    try:
        kept = await forget_rows(connection, "idempotent_requests", "created_at", before=made_at - timedelta(seconds=1))
        still_there = await connection.fetchval("SELECT count(*) FROM idempotent_requests WHERE key = 'book-50'")
        forgotten = await forget_rows(
            connection, "idempotent_requests", "created_at", before=made_at + timedelta(seconds=1)
        )
        gone = await connection.fetchval("SELECT count(*) FROM idempotent_requests WHERE key = 'book-50'")
    finally:
        await connection.close()

    assert (still_there, gone) == (1, 0)
    assert kept == 0 and forgotten >= 1
    # The key is free again: the same request is now a new booking attempt, refused as the time is taken.
    again = await booking.client.post(
        "/api/v1/appointments", json={"slot_id": slot["id"]}, headers={**citizen(pnr), **key}
    )
    assert again.status_code == 409


async def test_rebooking_moves_the_time_and_keeps_the_history(booking):
    pnr = personnummer(7)
    old, new = await booking.free_slots(pnr, UNIT_OSKARSTROM, profession="nurse", count=2)
    booked = (await booking.book(pnr, old["id"])).json()

    moved = await booking.client.post(
        f"/api/v1/appointments/{booked['id']}/rebook", json={"slot_id": new["id"]}, headers=citizen(pnr)
    )
    detail = await booking.client.get(f"/api/v1/appointments/{moved.json()['id']}", headers=citizen(pnr))

    assert moved.status_code == 200
    assert moved.json()["start"] == new["start"] and moved.json()["replaces"] == booked["id"]
    assert [h["status"] for h in detail.json()["history"]] == ["rebooked", "booked"]
    reserved = {
        str(r["id"]): r["reserved"]
        for r in await booking.fetch(
            "SELECT id, reserved FROM slots WHERE id = ANY($1::uuid[])", [old["id"], new["id"]]
        )
    }
    assert reserved == {old["id"]: 0, new["id"]: 1}


async def test_concurrent_rebooks_of_one_appointment_never_leave_two_active(booking):
    pnr = personnummer(8)
    first, *targets = await booking.free_slots(pnr, UNIT_OSKARSTROM, profession="district_nurse", count=11)
    booked = (await booking.book(pnr, first["id"])).json()

    answers = await asyncio.gather(
        *(
            booking.client.post(
                f"/api/v1/appointments/{booked['id']}/rebook", json={"slot_id": target["id"]}, headers=citizen(pnr)
            )
            for target in targets
        )
    )

    assert sorted(a.status_code for a in answers) == [200] + [409] * (len(targets) - 1)
    active = await booking.fetch(
        "SELECT slot_id FROM appointments WHERE patient = $1 AND status = 'booked'", pseudonym(pnr)
    )
    assert len(active) == 1
    reserved = await booking.fetch(
        "SELECT sum(reserved) AS n FROM slots WHERE id = ANY($1::uuid[])", [first["id"], *(t["id"] for t in targets)]
    )
    assert reserved[0]["n"] == 1


async def test_citizens_cancel_only_with_notice_and_staff_may_cancel_later(booking):
    pnr = personnummer(9)
    soon = next(
        s
        for s in await booking.free_slots(pnr, UNIT_FYLLINGE, profession="nurse", days_ahead=0, count=20)
        if s["time_type"]["code"] == "SSK_BESOK"
    )
    booked = (await booking.book(pnr, soon["id"])).json()

    by_citizen = await booking.client.post(
        f"/api/v1/appointments/{booked['id']}/cancel", json={"reason": "Kan inte komma"}, headers=citizen(pnr)
    )
    by_staff = await booking.client.post(
        f"/api/v1/appointments/{booked['id']}/cancel",
        json={"reason": "Patienten ringde"},
        headers=staff([UNIT_FYLLINGE]),
    )

    assert by_citizen.status_code == 409 and by_citizen.json()["code"] == "notice_too_short"
    assert "24 timmar" in by_citizen.json()["detail"]
    assert by_staff.status_code == 200 and by_staff.json()["status"] == "cancelled"
    [row] = await booking.fetch("SELECT reserved FROM slots WHERE id = $1::uuid", soon["id"])
    assert row["reserved"] == 0


async def test_a_cancel_needs_a_reason(booking):
    pnr = personnummer(10)
    [slot] = await booking.free_slots(pnr, UNIT_FYLLINGE, profession="nurse", days_ahead=3, count=1)
    booked = (await booking.book(pnr, slot["id"])).json()

    answer = await booking.client.post(
        f"/api/v1/appointments/{booked['id']}/cancel", json={"reason": ""}, headers=citizen(pnr)
    )

    assert answer.status_code == 422


async def test_another_citizens_appointment_answers_404_and_reveals_nothing(booking):
    owner, stranger = personnummer(11), personnummer(12)
    [slot] = await booking.free_slots(owner, UNIT_FYLLINGE, profession="nurse", days_ahead=4, count=1)
    booked = (await booking.book(owner, slot["id"])).json()
    missing = "00000000-0000-4000-8000-000000000000"

    answers = [
        await booking.client.get(f"/api/v1/appointments/{booked['id']}", headers=citizen(stranger)),
        await booking.client.post(
            f"/api/v1/appointments/{booked['id']}/cancel", json={"reason": "x"}, headers=citizen(stranger)
        ),
        await booking.client.post(
            f"/api/v1/appointments/{booked['id']}/rebook", json={"slot_id": slot["id"]}, headers=citizen(stranger)
        ),
        await booking.client.get(f"/api/v1/appointments/{booked['id']}", headers=staff([UNIT_FALKENBERG])),
    ]
    unknown = await booking.client.get(f"/api/v1/appointments/{missing}", headers=citizen(stranger))
    own_list = await booking.client.get("/api/v1/appointments", headers=citizen(stranger))

    assert [a.status_code for a in answers] == [404, 404, 404, 404]
    assert all(a.json() == unknown.json() for a in answers)
    assert own_list.json() == []


async def test_nothing_in_the_past_is_bookable(booking):
    pnr = personnummer(13)
    past = await booking.fetch("SELECT id FROM slots WHERE start_at < $1 LIMIT 1", booking.clock.now())

    answer = await booking.book(pnr, str(past[0]["id"]))

    assert answer.status_code == 409 and answer.json()["code"] == "slot_not_bookable"


async def test_a_citizen_holds_at_most_the_configured_number_of_future_web_bookings_per_unit(booking):
    pnr = personnummer(14)
    slots = await booking.free_slots(pnr, UNIT_FYLLINGE, profession="physiotherapist", days_ahead=5, count=4)

    answers = [await booking.book(pnr, slot["id"]) for slot in slots]

    assert [a.status_code for a in answers] == [201, 201, 201, 409]
    assert answers[-1].json()["code"] == "too_many_bookings"


async def test_hidden_time_types_are_not_bookable_on_the_web_without_triage(booking):
    pnr = personnummer(15)
    hidden = await booking.fetch(
        "SELECT s.id FROM slots s WHERE s.time_type = 'LAK_BESOK' AND s.start_at > $1 LIMIT 1",
        booking.clock.now() + timedelta(days=2),
    )
    listed = await booking.free_slots(pnr, UNIT_FALKENBERG, profession="doctor", count=5)

    answer = await booking.book(pnr, str(hidden[0]["id"]), reason="Ont i halsen")

    assert listed == []
    assert answer.status_code == 403 and answer.json()["code"] == "not_allowed_on_web"
