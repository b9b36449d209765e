"""Slots roll forward by themselves (issue 15): a new practitioner's template gives bookable slots without a
restart, and passes run at once from several instances never make a slot twice."""

import asyncio
from datetime import date, datetime, time, timedelta

import asyncpg
import pytest
from booking_support import UNIT_FYLLINGE, in_process_booking, personnummer

from nara.booking.adapters.schedule import PostgresSchedule
from nara.booking.adapters.unit_of_work import PostgresUnitOfWork
from nara.booking.domain.holidays import HolidayCalendar
from nara.booking.domain.schedule import slots_from_templates
from nara.booking.service.hours import Horizon
from nara.booking.service.schedule import roll_slots_forward
from nara.devstack.testing import eventually
from nara.shared.clock import STOCKHOLM

NEW_NURSE = "SE2321000115-P000000999"


@pytest.fixture(scope="module")
async def rolling(infrastructure):
    """A booking service with the demo data whose slot horizon is checked twice a second."""
    async with in_process_booking(infrastructure, slot_horizon_every_seconds=0.5) as booking:
        yield booking


async def test_the_slots_reach_eight_weeks_ahead_from_the_start(rolling):
    [row] = await rolling.fetch("SELECT max(start_at) AS last FROM slots")

    last_day = row["last"].astimezone(STOCKHOLM).date()
    assert date(2027, 1, 14) <= last_day <= date(2027, 1, 17)  # 23 Nov 2026 + 56 days, the last weekday


async def test_a_new_practitioners_template_is_bookable_without_a_restart(rolling):
    # Straight into the tables, past the API (which would make the slots at once): the background pass must.
    await rolling.fetch(
        "INSERT INTO practitioners (hsa_id, name, profession, unit) VALUES ($1, 'Nya Sjuksköterskan', 'nurse', $2)",
        NEW_NURSE,
        UNIT_FYLLINGE,
    )
    await rolling.fetch(
        "INSERT INTO weekly_templates (practitioner, time_type, weekday, starts, ends) "
        "VALUES ($1, 'SSK_BESOK', 3, '16:00', '17:00')",  # Wednesdays
        NEW_NURSE,
    )

    mine = await eventually(
        lambda: rolling.fetch("SELECT id FROM slots WHERE practitioner = $1", NEW_NURSE),
        what="the new practitioner's slots, from the background pass",
        within_seconds=30,
    )
    booked = await rolling.book(personnummer(8201), str(mine[0]["id"]))

    assert booked.status_code == 201, booked.text
    assert booked.json()["practitioner"]["hsa_id"] == NEW_NURSE


async def test_passes_at_once_from_several_instances_make_each_slot_once(rolling):
    today, horizon = date(2027, 3, 1), 21  # beyond what the service has rolled
    connections = [await asyncpg.connect(rolling.database_url) for _ in range(4)]
    pools = [await asyncpg.create_pool(rolling.database_url, min_size=1, max_size=2) for _ in range(4)]
    try:
        now = datetime.combine(today, time(0), STOCKHOLM)

        async def one_pass(pool: asyncpg.Pool) -> int:  # an instance of its own: its own pool
            return await roll_slots_forward(lambda: PostgresUnitOfWork(pool), now, Horizon(horizon))

        counts = await asyncio.gather(*(one_pass(p) for p in pools))
        await asyncio.gather(*(one_pass(p) for p in pools))  # and again: nothing new
        schedule = PostgresSchedule(connections[0])
        planned = slots_from_templates(
            await schedule.weekly_templates(None),
            await schedule.time_types(),
            today,
            today + timedelta(days=horizon - 1),
            HolidayCalendar().closed_days(today, today + timedelta(days=horizon - 1)),
        )
        start = datetime.combine(today, time(0), STOCKHOLM)
        [row] = await connections[0].fetch(
            "SELECT count(*) AS n, count(DISTINCT (practitioner, start_at)) AS distinct_starts FROM slots "
            "WHERE start_at >= $1 AND start_at < $2",
            start,
            start + timedelta(days=horizon),
        )
    finally:
        for connection in connections:
            await connection.close()
        for pool in pools:
            await pool.close()

    assert set(counts) == {len(planned)}
    assert row["n"] == row["distinct_starts"] == len(planned) > 0


async def test_instances_adding_the_same_slots_in_opposite_orders_do_not_deadlock(rolling):
    first, last = date(2027, 9, 6), date(2027, 9, 24)
    connections = [await asyncpg.connect(rolling.database_url) for _ in range(2)]
    try:
        schedule = PostgresSchedule(connections[0])
        planned = slots_from_templates(await schedule.weekly_templates(None), await schedule.time_types(), first, last)

        async def add(connection: asyncpg.Connection, slots: list) -> None:
            async with connection.transaction():
                await PostgresSchedule(connection).add_planned_slots(slots)

        # Each waits on the rows the other holds, unless both insert in one order.
        await asyncio.gather(add(connections[0], planned), add(connections[1], planned[::-1]))
        [row] = await connections[0].fetch(
            "SELECT count(*) AS n FROM slots WHERE start_at >= $1 AND start_at < $2",
            datetime.combine(first, time(0), STOCKHOLM),
            datetime.combine(last + timedelta(days=1), time(0), STOCKHOLM),
        )
    finally:
        for connection in connections:
            await connection.close()

    assert row["n"] == len(planned) > 1000
