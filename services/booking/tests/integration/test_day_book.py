"""The day's book (issue 15): every time of a day with its state, per practitioner or profession, for the unit's
staff alone, and every patient shown access-logged."""

from datetime import date, datetime

import pytest
from booking_support import (
    MONDAY_MORNING,
    UNIT_FALKENBERG,
    UNIT_OSKARSTROM,
    citizen,
    in_process_booking,
    personnummer,
    pseudonym,
    staff,
)

from nara.shared.clock import STOCKHOLM

NURSE = "SE2321000115-P000000103"  # Maria Svensson, Falkenberg: SSK_BESOK 08:00-12:00 on weekdays
DISTRICT_NURSE = "SE2321000115-P000000104"  # Karin Nilsson, Falkenberg: a drop-in for 4, Tuesdays 13:00-15:00
WEDNESDAY = date(2026, 11, 25)
TUESDAY = date(2026, 11, 24)
RECEPTION = "SE2321000115-P000000951"


@pytest.fixture(scope="module")
async def booking(infrastructure):
    async with in_process_booking(infrastructure, prefix="daybook") as booking:
        yield booking


async def read(booking, day: date, *, headers=None, **filters):
    params = {"date": day.isoformat(), **filters}
    return await booking.client.get(
        f"/api/v1/care-units/{UNIT_FALKENBERG}/day-book", params=params, headers=headers or staff()
    )


async def slots_of(booking, day: date, practitioner: str) -> dict[str, dict]:
    """The practitioner's times that day by Stockholm wall clock ("08:20")."""
    response = await read(booking, day, practitioner=practitioner)
    assert response.status_code == 200, response.text
    [their_day] = response.json()["practitioners"]
    return {slot["start_local"][11:16]: slot for slot in their_day["slots"]}


async def book_for(booking, pnr: str, slot_id: str) -> str:
    booked = await booking.client.post(
        "/api/v1/appointments", json={"slot_id": slot_id, "patient": pnr}, headers=staff()
    )
    assert booked.status_code == 201, booked.text
    return booked.json()["id"]


async def test_every_state_of_a_time_is_shown(booking):
    before = await slots_of(booking, WEDNESDAY, NURSE)
    completed, no_show, booked, cancelled = (personnummer(n) for n in (1501, 1502, 1503, 1504))
    to_move, holding = personnummer(1505), personnummer(1506)
    first = await book_for(booking, completed, before["08:00"]["id"])
    second = await book_for(booking, no_show, before["08:20"]["id"])
    await book_for(booking, booked, before["08:40"]["id"])
    cancelled_id = await book_for(booking, cancelled, before["09:00"]["id"])
    cancel = await booking.client.post(
        f"/api/v1/appointments/{cancelled_id}/cancel", json={"reason": "Patienten är frisk"}, headers=staff()
    )
    block = await booking.client.post(f"/api/v1/slots/{before['09:20']['id']}/block", headers=staff())
    held = await booking.client.post("/api/v1/holds", json={"slot_id": before["09:40"]["id"]}, headers=citizen(holding))
    await book_for(booking, to_move, before["10:00"]["id"])
    # What a template change does to a booked time (service/hours.py): withdrawn, the booking kept.
    await booking.fetch(
        "UPDATE slots SET withdrawn_at = $2, withdrawn_reason = 'Mallen ändrad' WHERE id = $1",
        __import__("uuid").UUID(before["10:00"]["id"]),
        MONDAY_MORNING,
    )
    assert (cancel.status_code, block.status_code, held.status_code) == (200, 200, 201)

    now = await slots_of(booking, WEDNESDAY, NURSE)

    assert before["08:00"]["state"] == "free" and before["08:00"]["free_seats"] == 1
    assert now["08:40"]["state"] == "booked" and now["08:40"]["free_seats"] == 0
    [on_booked] = now["08:40"]["bookings"]
    assert on_booked["patient"] == pseudonym(booked) and on_booked["status"] == "booked"
    assert now["09:00"]["state"] == "free"
    assert [(b["status"], b["end_reason"]) for b in now["09:00"]["bookings"]] == [("cancelled", "Patienten är frisk")]
    assert now["09:20"]["state"] == "blocked"
    assert now["09:40"]["state"] == "held" and now["09:40"]["bookings"] == [] and now["09:40"]["live_holds"] == 1
    assert now["10:00"]["state"] == "withdrawn" and now["10:00"]["withdrawn_reason"] == "Mallen ändrad"
    assert [b["to_move"] for b in now["10:00"]["bookings"]] == [True]
    assert now["10:20"]["state"] == "free"
    assert now["08:00"]["start_local"] == "2026-11-25T08:00:00+01:00"
    assert now["08:00"]["start"] == "2026-11-25T07:00:00Z"

    booking.clock.set(datetime(2026, 11, 25, 11, 0, tzinfo=STOCKHOLM))
    try:
        done = await booking.client.post(
            f"/api/v1/appointments/{first}/complete", json={"medical_assessment": True}, headers=staff()
        )
        missed = await booking.client.post(f"/api/v1/appointments/{second}/no-show", headers=staff())
        later = await slots_of(booking, WEDNESDAY, NURSE)
    finally:
        booking.clock.set(MONDAY_MORNING)

    assert (done.status_code, missed.status_code) == (200, 200)
    assert later["08:00"]["state"] == "booked"
    assert [(b["status"], b["medical_assessment"]) for b in later["08:00"]["bookings"]] == [("completed", True)]
    assert [b["status"] for b in later["08:20"]["bookings"]] == ["no_show"]
    assert later["09:40"]["state"] == "free"  # the hold lapsed


async def test_a_drop_in_shows_each_booking_of_its_places(booking):
    before = await slots_of(booking, TUESDAY, DISTRICT_NURSE)
    drop_in = before["13:00"]
    patients = [personnummer(n) for n in (1601, 1602, 1603)]
    for pnr in patients:
        await book_for(booking, pnr, drop_in["id"])

    after = (await slots_of(booking, TUESDAY, DISTRICT_NURSE))["13:00"]

    assert drop_in["capacity"] == 4 and drop_in["time_type"]["code"] == "DSK_DROPIN"
    assert after["state"] == "booked" and after["free_seats"] == 1
    assert sorted(b["patient"] for b in after["bookings"]) == sorted(pseudonym(p) for p in patients)


async def test_the_book_is_per_practitioner_or_profession_and_everyone_by_default(booking):
    everyone = await read(booking, WEDNESDAY)
    nurses = await read(booking, WEDNESDAY, profession="nurse")
    one = await read(booking, WEDNESDAY, practitioner=DISTRICT_NURSE)
    stranger = await read(booking, WEDNESDAY, practitioner="SE2321000115-P000000999")
    bad_date = await read(booking, date(2026, 11, 25), headers=None, profession="surgeon")

    body = everyone.json()
    assert everyone.status_code == 200
    assert body["unit"] == {"hsa_id": UNIT_FALKENBERG, "name": "Vårdcentralen Falkenberg"}
    assert len(body["practitioners"]) == len(body["staff"]) >= 9
    for practitioner in body["practitioners"]:
        starts = [slot["start"] for slot in practitioner["slots"]]
        assert starts == sorted(starts)
    assert {p["profession"] for p in nurses.json()["practitioners"]} == {"nurse"}
    assert [p["hsa_id"] for p in one.json()["practitioners"]] == [DISTRICT_NURSE]
    assert stranger.status_code == 404 and stranger.headers["content-type"] == "application/problem+json"
    assert bad_date.status_code == 422


async def test_only_the_units_own_staff_read_its_book(booking):
    other_unit = await read(booking, WEDNESDAY, headers=staff([UNIT_OSKARSTROM]))
    as_citizen = await read(booking, WEDNESDAY, headers=citizen(personnummer(1701)))
    as_ops = await read(booking, WEDNESDAY, headers=staff(role="ops"))
    as_clinician = await read(booking, WEDNESDAY, headers=staff(role="clinician"))
    as_scheduler = await read(booking, WEDNESDAY, headers=staff(role="scheduler"))
    no_login = await booking.client.get(f"/api/v1/care-units/{UNIT_FALKENBERG}/day-book")

    assert other_unit.status_code == 403 and other_unit.json()["detail"].startswith("Du kan bara")
    assert as_citizen.status_code == 403
    assert as_ops.status_code == 403
    assert as_clinician.status_code == 200 and as_scheduler.status_code == 200
    assert no_login.status_code == 401


async def test_every_patient_shown_is_access_logged_once_per_read(booking):
    day = date(2026, 11, 26)
    slots = await slots_of(booking, day, NURSE)
    patients = [personnummer(n) for n in (1801, 1802)]
    await book_for(booking, patients[0], slots["08:00"]["id"])
    await book_for(booking, patients[1], slots["08:20"]["id"])
    reader = staff(hsa_id=RECEPTION)

    await read(booking, day, headers=reader, practitioner=NURSE)
    await read(booking, day, headers=reader, practitioner=NURSE)
    await read(booking, day, headers=reader, practitioner=DISTRICT_NURSE)  # Thursday's drop-in: nobody booked

    logged = await booking.fetch(
        "SELECT patient, resource, staff_role FROM access_log WHERE staff_id = $1 AND action = $2",
        RECEPTION,
        "read day's book",
    )
    assert sorted(row["patient"] for row in logged) == sorted([pseudonym(p) for p in patients] * 2)
    assert {row["resource"] for row in logged} == {f"day-book/{UNIT_FALKENBERG}/2026-11-26"}
    assert {row["staff_role"] for row in logged} == {"reception"}
