"""Where the entrypoints get their adapters: the unit of work and the read side on the app's pool."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from datetime import datetime

from fastapi import Request

from nara.shared.clock import Clock

from ..adapters.unit_of_work import PostgresUnitOfWork, Reads, reading
from ..service.hours import Horizon
from .slot_horizon import horizon_of


def unit_of_work(request: Request) -> PostgresUnitOfWork:
    return PostgresUnitOfWork(request.app.state.pool)


def reads(request: Request) -> AbstractAsyncContextManager[Reads]:
    return reading(request.app.state.pool)


def now_of(request: Request) -> datetime:
    """The injected clock's now (app.state.clock), for every page and route."""
    clock: Clock = request.app.state.clock
    return clock.now()


def horizon(request: Request) -> Horizon:
    """How far ahead a schedule change regenerates the slots (settings slot_horizon_days, closed eves)."""
    return horizon_of(request.app.state.settings)
