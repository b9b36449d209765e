"""Slots roll forward by themselves: at start and then every `slot_horizon_every_seconds`, the slots of the next
`slot_horizon_days` days are made to match the weekly templates, closures and holidays, so no restart is needed for
a new week or a new template. Every instance runs it; the pass is idempotent (service/schedule.py,
roll_slots_forward)."""

from __future__ import annotations

import asyncio
import logging

import asyncpg
from fastapi import FastAPI

from nara.shared.retention import BackgroundTask

from ..adapters.unit_of_work import PostgresUnitOfWork
from ..domain.holidays import HolidayCalendar
from ..service.hours import Horizon
from ..service.schedule import roll_slots_forward
from ..settings import BookingSettings

log = logging.getLogger(__name__)


async def roll_once(app: FastAPI, settings: BookingSettings) -> int:
    """One pass, a transaction per unit: how many slots the schedules give for the horizon."""
    return await roll_slots_forward(
        lambda: PostgresUnitOfWork(app.state.pool), app.state.clock.now(), horizon_of(settings)
    )


def horizon_of(settings: BookingSettings) -> Horizon:
    return Horizon(settings.slot_horizon_days, HolidayCalendar(settings.closed_holiday_eves))


def keep_slots_ahead(settings: BookingSettings) -> BackgroundTask:
    async def keep_rolling(app: FastAPI) -> None:
        while True:
            await asyncio.sleep(settings.slot_horizon_every_seconds)
            try:
                await roll_once(app, settings)
            except (asyncpg.PostgresError, OSError) as failed:  # the next pass tries again; slots exist ahead
                log.warning("could not roll the slots forward", extra={"error": type(failed).__name__})

    return keep_rolling
