"""Weeks across both daylight-saving changes, through the database and the API."""

from datetime import UTC, date, datetime, time, timedelta

import asyncpg
import pytest
from booking_support import UNIT_FALKENBERG, citizen, personnummer

from nara.booking.adapters.schedule import PostgresSchedule
from nara.booking.service.schedule import generate_slots
from nara.shared.clock import STOCKHOLM


async def nurse_slots(booking, first: date, last: date, shown_from: date, shown_to: date) -> list[dict]:
    """Generate the demo templates' slots for first..last, then list Falkenberg's nurse visits in the window."""
    connection = await asyncpg.connect(booking.database_url)
    try:
        await generate_slots(PostgresSchedule(connection), first, last)
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
            "from": datetime.combine(shown_from, time(0), STOCKHOLM).isoformat(),
            "to": datetime.combine(shown_to, time(0), STOCKHOLM).isoformat(),
        },
    )
    assert response.status_code == 200, response.text
    return response.json()["slots"]


@pytest.mark.parametrize(
    ("friday", "monday", "friday_offset", "monday_offset"),
    [
        # 26 March 2028 springs forward (and Easter is weeks away: 2027's Friday and Monday were holidays).
        (date(2028, 3, 24), date(2028, 3, 27), "+01:00", "+02:00"),
        # 31 October 2027 falls back.
        (date(2027, 10, 29), date(2027, 11, 1), "+02:00", "+01:00"),
    ],
)
async def test_slots_around_a_change_keep_their_local_time_and_move_in_utc(
    booking, friday, monday, friday_offset, monday_offset
):
    slots = await nurse_slots(
        booking, friday - timedelta(days=4), monday + timedelta(days=4), friday, monday + timedelta(days=1)
    )
    on_friday = [s for s in slots if s["start_local"].startswith(friday.isoformat())]
    on_monday = [s for s in slots if s["start_local"].startswith(monday.isoformat())]

    for day, offset, first in ((friday, friday_offset, on_friday[0]), (monday, monday_offset, on_monday[0])):
        assert first["start_local"] == f"{day}T08:00:00{offset}"
        in_utc = datetime.combine(day, time(8), STOCKHOLM).astimezone(UTC)
        assert datetime.fromisoformat(first["start"]) == in_utc and in_utc.hour == 8 - int(offset[1:3])
    assert [s["start_local"][11:16] for s in on_friday] == [s["start_local"][11:16] for s in on_monday]
    assert not [s for s in slots if friday.isoformat() < s["start_local"][:10] < monday.isoformat()]  # a weekend
