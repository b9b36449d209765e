"""A public holiday has no slots, through the database and the API (the demo unit's weekday templates)."""

from datetime import date, datetime

import asyncpg
from booking_support import UNIT_FALKENBERG, citizen, personnummer

from nara.booking.adapters.schedule import PostgresSchedule
from nara.booking.service.schedule import generate_slots
from nara.shared.clock import STOCKHOLM


async def test_kristi_himmelsfardsdag_has_no_slots_and_the_days_around_it_do(booking):
    connection = await asyncpg.connect(booking.database_url)
    try:
        await generate_slots(PostgresSchedule(connection), date(2027, 5, 3), date(2027, 5, 7))
    finally:
        await connection.close()

    response = await booking.client.get(
        "/api/v1/slots",
        headers=citizen(personnummer(202)),
        params={
            "unit": UNIT_FALKENBERG,
            "profession": "nurse",
            "page_size": 100,
            "from": datetime(2027, 5, 5, tzinfo=STOCKHOLM).isoformat(),
            "to": datetime(2027, 5, 8, tzinfo=STOCKHOLM).isoformat(),
        },
    )

    assert response.status_code == 200, response.text
    days = {slot["start_local"][:10] for slot in response.json()["slots"]}
    assert days == {"2027-05-05", "2027-05-07"}  # Thursday 6 May 2027 is Kristi himmelsfärdsdag
