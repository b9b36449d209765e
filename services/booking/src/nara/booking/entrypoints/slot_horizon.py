"""Slots roll forward by themselves: at start and then every `slot_horizon_every_seconds`, the slots of the next
`slot_horizon_days` days are generated from the weekly templates, so no restart is needed for a new week or a new
template. Every instance runs it; the pass is idempotent (service/schedule.py, roll_slots_forward)."""

from __future__ import annotations

import asyncio
import logging

import asyncpg
from fastapi import FastAPI

from nara.shared.clock import to_stockholm
from nara.shared.retention import BackgroundTask

from ..adapters.schedule import PostgresSchedule
from ..domain.holidays import HolidayCalendar
from ..service.schedule import roll_slots_forward
from ..settings import BookingSettings

log = logging.getLogger(__name__)


async def roll_once(app: FastAPI, settings: BookingSettings) -> int:
    """One pass, in one transaction: how many slots the templates give for the horizon."""
    holidays = HolidayCalendar(settings.closed_holiday_eves)
    today = to_stockholm(app.state.clock.now()).date()
    async with app.state.pool.acquire() as connection, connection.transaction():
        return await roll_slots_forward(PostgresSchedule(connection), today, settings.slot_horizon_days, holidays)


def keep_slots_ahead(settings: BookingSettings) -> BackgroundTask:
    async def keep_rolling(app: FastAPI) -> None:
        while True:
            await asyncio.sleep(settings.slot_horizon_every_seconds)
            try:
                await roll_once(app, settings)
            except (asyncpg.PostgresError, OSError) as failed:  # the next pass tries again; slots exist ahead
                log.warning("could not roll the slots forward", extra={"error": type(failed).__name__})

    return keep_rolling
