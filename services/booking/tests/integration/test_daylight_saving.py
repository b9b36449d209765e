"""Weeks across both daylight-saving changes, through the database and the API."""

from datetime import date, datetime

import asyncpg
from booking_support import UNIT_FALKENBERG, citizen, personnummer

from nara.booking.adapters.schedule import PostgresSchedule
from nara.booking.service.schedule import generate_slots
from nara.shared.clock import STOCKHOLM


async def test_slots_around_the_spring_change_keep_their_local_time_and_move_in_utc(booking):
    connection = await asyncpg.connect(booking.database_url)
    try:
        await generate_slots(
            PostgresSchedule(connection), date(2028, 3, 20), date(2028, 3, 31)
        )  # 26 March 2028 springs forward (and Easter is weeks away: 2027's Friday and Monday were holidays)
    finally:
        await connection.close()

    response = await booking.client.get(
        "/api/v1/slots",
        headers=citizen(personnummer(200)),
        params={
            "unit": UNIT_FALKENBERG,
            "profession": "nurse",
            "contact_form": "clinic",
            "page_size": 100,
            "from": datetime(2028, 3, 24, tzinfo=STOCKHOLM).isoformat(),
            "to": datetime(2028, 3, 28, tzinfo=STOCKHOLM).isoformat(),
        },
    )
    slots = response.json()["slots"]
    friday = [s for s in slots if s["start_local"].startswith("2028-03-24")]
    monday = [s for s in slots if s["start_local"].startswith("2028-03-27")]

    assert friday[0]["start_local"] == "2028-03-24T08:00:00+01:00" and friday[0]["start"] == "2028-03-24T07:00:00+00:00"
    assert monday[0]["start_local"] == "2028-03-27T08:00:00+02:00" and monday[0]["start"] == "2028-03-27T06:00:00+00:00"
    assert [s["start_local"][11:16] for s in friday] == [s["start_local"][11:16] for s in monday]
    assert not [s for s in slots if s["start_local"][:10] in ("2028-03-25", "2028-03-26")]  # a weekend


async def test_slots_around_the_autumn_change_keep_their_local_time_and_move_in_utc(booking):
    connection = await asyncpg.connect(booking.database_url)
    try:
        # 31 October 2027 falls back: Friday the 29th is summer time, Monday 1 November winter time.
        await generate_slots(PostgresSchedule(connection), date(2027, 10, 25), date(2027, 11, 5))
    finally:
        await connection.close()

    response = await booking.client.get(
        "/api/v1/slots",
        headers=citizen(personnummer(201)),
        params={
            "unit": UNIT_FALKENBERG,
            "profession": "nurse",
            "contact_form": "clinic",
            "page_size": 100,
            "from": datetime(2027, 10, 29, tzinfo=STOCKHOLM).isoformat(),
            "to": datetime(2027, 11, 2, tzinfo=STOCKHOLM).isoformat(),
        },
    )
    slots = response.json()["slots"]
    friday = [s for s in slots if s["start_local"].startswith("2027-10-29")]
    monday = [s for s in slots if s["start_local"].startswith("2027-11-01")]

    assert friday[0]["start_local"] == "2027-10-29T08:00:00+02:00" and friday[0]["start"] == "2027-10-29T06:00:00+00:00"
    assert monday[0]["start_local"] == "2027-11-01T08:00:00+01:00" and monday[0]["start"] == "2027-11-01T07:00:00+00:00"
    assert [s["start_local"][11:16] for s in friday] == [s["start_local"][11:16] for s in monday]
