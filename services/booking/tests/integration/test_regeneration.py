"""Changes that touch booked times never lose a booking (issue 15): a closure, an absence or a changed template
withdraws the free times it takes away and keeps the booked ones booked, lists them for staff to move, and
announces each displaced appointment once; moved or cancelled, it leaves the list. Against real PostgreSQL and
Kafka, with the clock on Monday 23 November 2026, 09:00 in Stockholm."""

import asyncio
from datetime import date, datetime, time, timedelta

import asyncpg
import pytest
from booking_support import (
    UNIT_FALKENBERG,
    UNIT_OSKARSTROM,
    citizen,
    in_process_booking,
    personnummer,
    pseudonym,
    read_events_until,
    staff,
)

from nara.booking.adapters.unit_of_work import PostgresUnitOfWork
from nara.booking.service.hours import Horizon
from nara.booking.service.schedule import roll_slots_forward
from nara.shared.clock import STOCKHOLM

NURSE = "SE2321000115-P000000103"  # Maria Svensson, Falkenberg: SSK_BESOK weekdays 08:00-12:00, 20 minutes
PHYSIO = "SE2321000115-P000000105"  # Johan Berg, Falkenberg: FYS_BESOK weekdays 08:00-16:00, 45 minutes
DOCTOR = "SE2321000115-P000000101"
SCHEDULER = staff([UNIT_FALKENBERG], role="scheduler", hsa_id="SE2321000115-P000000950")
RECEPTION = staff([UNIT_FALKENBERG])
DISPLACED = "se.nara.appointment.displaced.v1"


@pytest.fixture(scope="module")
async def booking(infrastructure):
    async with in_process_booking(infrastructure, prefix="regeneration") as booking:
        yield booking


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), STOCKHOLM)


async def live_slot(booking, practitioner: str, start: datetime) -> str:
    [row] = await booking.fetch(
        "SELECT id FROM slots WHERE practitioner = $1 AND start_at = $2 AND withdrawn_at IS NULL", practitioner, start
    )
    return str(row["id"])


async def book(booking, pnr: str, practitioner: str, start: datetime) -> dict:
    answer = await booking.book(pnr, await live_slot(booking, practitioner, start))
    assert answer.status_code == 201, answer.text
    return answer.json()


async def to_move(booking, headers=RECEPTION, unit=UNIT_FALKENBERG) -> list[dict]:
    answer = await booking.client.get(f"/api/v1/care-units/{unit}/appointments-to-move", headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def displaced_in_outbox(booking, appointment_id: str) -> int:
    [row] = await booking.fetch(
        """SELECT count(*) AS n FROM outbox WHERE convert_from(value, 'UTF8')::jsonb ->> 'type' = $1
           AND convert_from(value, 'UTF8')::jsonb -> 'data' ->> 'appointment_id' = $2""",
        DISPLACED,
        appointment_id,
    )
    return int(row["n"])


async def slots_on(booking, practitioner: str, day: date) -> list[asyncpg.Record]:
    return await booking.fetch(
        "SELECT id, start_at, end_at, withdrawn_at, withdrawn_reason, reserved FROM slots "
        "WHERE practitioner = $1 AND start_at >= $2 AND start_at < $3 ORDER BY start_at",
        practitioner,
        at(day, 0),
        at(day + timedelta(days=1), 0),
    )


async def roll(booking) -> int:
    pool = booking.app.state.pool
    return await roll_slots_forward(lambda: PostgresUnitOfWork(pool), booking.clock.now(), Horizon())


async def test_a_closure_on_a_booked_day_keeps_the_booking_lists_it_and_announces_it_once(booking, kafka_bootstrap):
    day = date(2026, 11, 25)  # a Wednesday
    pnr = personnummer(7001)
    booked = await book(booking, pnr, NURSE, at(day, 10))

    closed = await booking.client.post(
        f"/api/v1/care-units/{UNIT_FALKENBERG}/closures",
        json={"first_day": day.isoformat(), "reason": "Personaldag"},
        headers=SCHEDULER,
    )

    assert closed.status_code == 201, closed.text
    assert closed.json()["kind"] == "unit_closed"
    assert closed.json()["change"]["displaced_bookings"] == 1
    mine = await booking.client.get(f"/api/v1/appointments/{booked['id']}", headers=citizen(pnr))
    assert mine.json()["status"] == "booked"  # never lost
    listed = [b for b in await to_move(booking) if b["appointment_id"] == booked["id"]]
    assert listed and listed[0]["withdrawn_reason"] == "unit_closed"
    assert listed[0]["withdrawn_reason_text"] == "Enheten är stängd"
    assert listed[0]["practitioner"]["hsa_id"] == NURSE
    assert "patient" not in listed[0]
    # Every time of the day is withdrawn, none deleted, and nobody can book one.
    day_slots = await slots_on(booking, NURSE, day)
    assert day_slots and all(s["withdrawn_reason"] == "unit_closed" for s in day_slots)
    free = await booking.client.get(
        "/api/v1/slots",
        params={"unit": UNIT_FALKENBERG, "from": at(day, 0).isoformat(), "to": at(day, 23).isoformat()},
        headers=citizen(personnummer(7002)),
    )
    assert free.status_code == 200 and free.json()["slots"] == []
    # Announced on Kafka, without a personnummer, with what staff need to find it.
    events, raw = await read_events_until(
        kafka_bootstrap,
        "nara.appointments.v1",
        lambda seen: any(e.type == DISPLACED and e.data.appointment_id == booked["id"] for e in seen),
    )
    [event] = [e for e in events if e.type == DISPLACED and e.data.appointment_id == booked["id"]]
    assert event.subject == event.data.patient == pseudonym(pnr)
    assert (event.data.unit, event.data.reason, event.data.lineage) == (UNIT_FALKENBERG, "unit_closed", booked["id"])
    assert pnr not in b"".join(r.value for r in raw).decode()
    # The same closure again, the same regeneration again and the horizon job announce nothing new.
    again = await booking.client.post(
        f"/api/v1/care-units/{UNIT_FALKENBERG}/closures",
        json={"first_day": day.isoformat(), "reason": "Personaldag"},
        headers=SCHEDULER,
    )
    assert again.status_code == 201 and again.json()["change"]["displaced_bookings"] == 0
    await roll(booking)
    await roll(booking)
    assert await displaced_in_outbox(booking, booked["id"]) == 1


async def test_the_list_to_move_is_access_logged_for_every_patient_shown(booking):
    day = date(2026, 11, 27)  # a Friday
    pnr = personnummer(7011)
    await book(booking, pnr, NURSE, at(day, 9))
    await booking.client.post(
        f"/api/v1/care-units/{UNIT_FALKENBERG}/closures",
        json={"practitioner": NURSE, "first_day": day.isoformat(), "reason": "Kurs"},
        headers=SCHEDULER,
    )

    await to_move(booking)

    logged = await booking.fetch(
        "SELECT staff_id, action FROM access_log WHERE patient = $1 AND action = 'list bookings to move'",
        pseudonym(pnr),
    )
    assert logged and logged[0]["staff_id"] == "SE2321000115-P000000901"


async def test_an_absence_withdraws_only_that_practitioners_times_and_a_cancel_takes_it_off_the_list(booking):
    day = date(2026, 12, 1)  # a Tuesday
    pnr = personnummer(7021)
    booked = await book(booking, pnr, NURSE, at(day, 8, 20))

    away = await booking.client.post(
        f"/api/v1/care-units/{UNIT_FALKENBERG}/closures",
        json={"practitioner": NURSE, "first_day": day.isoformat(), "last_day": day.isoformat(), "reason": "Ledig"},
        headers=SCHEDULER,
    )

    assert away.status_code == 201, away.text
    assert away.json()["kind"] == "practitioner_away"
    assert all(s["withdrawn_reason"] == "practitioner_away" for s in await slots_on(booking, NURSE, day))
    assert all(s["withdrawn_at"] is None for s in await slots_on(booking, DOCTOR, day))  # the others still work
    assert await displaced_in_outbox(booking, booked["id"]) == 1
    listed = [b for b in await to_move(booking) if b["appointment_id"] == booked["id"]]
    assert listed[0]["withdrawn_reason"] == "practitioner_away"

    cancelled = await booking.client.post(
        f"/api/v1/appointments/{booked['id']}/cancel", json={"reason": "Behandlaren är borta"}, headers=RECEPTION
    )

    assert cancelled.status_code == 200, cancelled.text
    assert booked["id"] not in [b["appointment_id"] for b in await to_move(booking)]


async def test_staff_move_a_displaced_booking_with_the_usual_rebook_and_it_leaves_the_list(booking):
    day = date(2026, 12, 2)  # a Wednesday
    pnr = personnummer(7031)
    booked = await book(booking, pnr, NURSE, at(day, 11))
    await booking.client.post(
        f"/api/v1/care-units/{UNIT_FALKENBERG}/closures",
        json={"practitioner": NURSE, "first_day": day.isoformat(), "reason": "Sjuk"},
        headers=SCHEDULER,
    )
    new_time = await live_slot(booking, NURSE, at(day + timedelta(days=1), 11))

    moved = await booking.client.post(
        f"/api/v1/appointments/{booked['id']}/rebook", json={"slot_id": new_time}, headers=RECEPTION
    )

    assert moved.status_code == 200, moved.text
    assert booked["id"] not in [b["appointment_id"] for b in await to_move(booking)]
    assert moved.json()["id"] not in [b["appointment_id"] for b in await to_move(booking)]
    [old] = [s for s in await slots_on(booking, NURSE, day) if s["start_at"] == at(day, 11)]
    assert old["reserved"] == 0  # the seat went back with the move


async def test_citizens_can_neither_hold_nor_book_a_withdrawn_time(booking):
    day = date(2026, 12, 3)
    await booking.client.post(
        f"/api/v1/care-units/{UNIT_FALKENBERG}/closures",
        json={"practitioner": NURSE, "first_day": day.isoformat(), "reason": "Ledig"},
        headers=SCHEDULER,
    )
    [withdrawn] = [s for s in await slots_on(booking, NURSE, day) if s["start_at"] == at(day, 9)]
    pnr = personnummer(7041)

    held = await booking.client.post("/api/v1/holds", json={"slot_id": str(withdrawn["id"])}, headers=citizen(pnr))
    booked = await booking.book(pnr, str(withdrawn["id"]))

    assert held.status_code == 409, held.text
    assert booked.status_code == 409, booked.text


async def test_removing_a_closure_brings_the_free_times_back(booking):
    day = date(2026, 12, 4)
    added = await booking.client.post(
        f"/api/v1/care-units/{UNIT_FALKENBERG}/closures",
        json={"first_day": day.isoformat(), "reason": "Flytt"},
        headers=SCHEDULER,
    )
    assert all(s["withdrawn_at"] is not None for s in await slots_on(booking, NURSE, day))

    removed = await booking.client.delete(
        f"/api/v1/care-units/{UNIT_FALKENBERG}/closures/{added.json()['id']}", headers=SCHEDULER
    )

    assert removed.status_code == 200, removed.text
    assert removed.json()["reinstated_slots"] > 0
    assert all(s["withdrawn_at"] is None for s in await slots_on(booking, NURSE, day))


async def test_shorter_hours_keep_a_booked_time_and_withdraw_the_free_ones_and_the_old_hours_bring_them_back(booking):
    day = date(2026, 12, 10)  # a Thursday
    pnr = personnummer(7051)
    booked = await book(booking, pnr, PHYSIO, at(day, 14, 45))
    templates = await booking.client.get(
        f"/api/v1/care-units/{UNIT_FALKENBERG}/templates", params={"practitioner": PHYSIO}, headers=SCHEDULER
    )
    [thursday] = [t for t in templates.json() if t["weekday"] == 4]
    before = len([s for s in await slots_on(booking, PHYSIO, day) if s["withdrawn_at"] is None])

    changed = await booking.client.put(
        f"/api/v1/care-units/{UNIT_FALKENBERG}/templates/{thursday['id']}",
        json={**thursday, "end": "10:00"},  # 08:00-10:00: two 45-minute times remain
        headers=SCHEDULER,
    )

    assert changed.status_code == 200, changed.text
    after = await slots_on(booking, PHYSIO, day)
    assert [s["start_at"] for s in after if s["withdrawn_at"] is None] == [at(day, 8), at(day, 8, 45)]
    assert len(after) == before  # withdrawn, never deleted
    mine = await booking.client.get(f"/api/v1/appointments/{booked['id']}", headers=citizen(pnr))
    assert mine.json()["status"] == "booked"
    assert booked["id"] in [b["appointment_id"] for b in await to_move(booking)]
    assert await displaced_in_outbox(booking, booked["id"]) == 1

    back = await booking.client.put(
        f"/api/v1/care-units/{UNIT_FALKENBERG}/templates/{thursday['id']}", json=thursday, headers=SCHEDULER
    )

    assert back.status_code == 200, back.text
    assert all(s["withdrawn_at"] is None for s in await slots_on(booking, PHYSIO, day))
    assert booked["id"] not in [b["appointment_id"] for b in await to_move(booking)]  # its time is back


async def test_horizon_passes_at_once_withdraw_once_and_announce_once(booking):
    day = date(2026, 12, 14)  # a Monday
    pnr = personnummer(7061)
    booked = await book(booking, pnr, NURSE, at(day, 10, 20))
    connection = await asyncpg.connect(booking.database_url)
    try:  # a closure written straight into the table: only the horizon job notices it
        await connection.execute(
            """INSERT INTO closures (id, unit, practitioner, first_day, last_day, reason, created_by, created_at)
               VALUES (gen_random_uuid(), $1, NULL, $2, $2, 'Strömavbrott', 'test', now())""",
            UNIT_FALKENBERG,
            day,
        )
    finally:
        await connection.close()
    pools = [await asyncpg.create_pool(booking.database_url, min_size=1, max_size=2) for _ in range(3)]
    try:
        now = booking.clock.now()
        await asyncio.gather(*(roll_slots_forward(lambda p=p: PostgresUnitOfWork(p), now, Horizon()) for p in pools))
    finally:
        for pool in pools:
            await pool.close()

    assert await displaced_in_outbox(booking, booked["id"]) == 1
    [row] = await booking.fetch(
        "SELECT count(*) AS n, count(DISTINCT (practitioner, start_at)) AS starts FROM slots "
        "WHERE unit = $1 AND withdrawn_at IS NULL",
        UNIT_FALKENBERG,
    )
    assert row["n"] == row["starts"]


async def test_a_closure_at_another_unit_leaves_this_ones_list_alone(booking):
    oskarstrom_scheduler = staff([UNIT_OSKARSTROM], role="scheduler")
    added = await booking.client.post(
        f"/api/v1/care-units/{UNIT_OSKARSTROM}/closures",
        json={"first_day": "2026-12-16", "reason": "Stängt"},
        headers=oskarstrom_scheduler,
    )
    assert added.status_code == 201, added.text

    listed = await to_move(booking, staff([UNIT_OSKARSTROM]), UNIT_OSKARSTROM)

    assert all(b["unit"] == UNIT_OSKARSTROM for b in listed)


async def test_a_live_hold_on_a_withdrawn_time_is_dropped_and_its_seat_given_back(booking):
    day = date(2026, 12, 8)  # a Tuesday
    pnr = personnummer(7071)
    slot_id = await live_slot(booking, NURSE, at(day, 11, 20))
    held = await booking.client.post("/api/v1/holds", json={"slot_id": slot_id}, headers=citizen(pnr))
    assert held.status_code == 201, held.text

    away = await booking.client.post(
        f"/api/v1/care-units/{UNIT_FALKENBERG}/closures",
        json={"practitioner": NURSE, "first_day": day.isoformat(), "reason": "Ledig"},
        headers=SCHEDULER,
    )

    assert away.status_code == 201, away.text
    assert away.json()["change"]["displaced_bookings"] == 0  # a hold is not a booking: nothing to move
    [slot] = await booking.fetch("SELECT reserved, withdrawn_at FROM slots WHERE id = $1::uuid", slot_id)
    assert slot["withdrawn_at"] is not None and slot["reserved"] == 0
    assert not await booking.fetch("SELECT 1 FROM holds WHERE slot_id = $1::uuid", slot_id)
    booked = await booking.book(pnr, slot_id)
    assert booked.status_code == 409


async def test_a_practitioner_who_stops_has_no_times_after_their_last_day(booking):
    last_day = date(2026, 12, 16)  # a Wednesday
    pnr = personnummer(7081)
    after = await book(booking, pnr, PHYSIO, at(date(2026, 12, 18), 9, 30))
    await booking.fetch("UPDATE practitioners SET active_to = $2 WHERE hsa_id = $1", PHYSIO, last_day)

    await roll(booking)  # what the lead's set-up pages call (regenerate_unit) after such a change

    assert all(s["withdrawn_at"] is None for s in await slots_on(booking, PHYSIO, last_day))
    later = await slots_on(booking, PHYSIO, date(2026, 12, 17))
    assert later and all(s["withdrawn_reason"] == "schedule_changed" for s in later)
    assert after["id"] in [b["appointment_id"] for b in await to_move(booking)]
    await booking.fetch("UPDATE practitioners SET active_to = NULL WHERE hsa_id = $1", PHYSIO)
    await roll(booking)
    assert all(s["withdrawn_at"] is None for s in await slots_on(booking, PHYSIO, date(2026, 12, 17)))
