"""What every console page shares besides the page kit: running a use case in one unit of work, the clock and
policy, and the booking service and guarantee monitor, asked on the logged-in person's behalf."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

from fastapi import Request

from nara.shared.care_guarantee import CareGuaranteePolicy
from nara.shared.web.login import Staff

from ...adapters.booking_client import BookingClient, BookingRefused, BookingUnavailable
from ...adapters.monitor_client import Clock, MonitorClient, MonitorUnavailable
from ...service.unit_of_work import UnitOfWork
from ..transactions import units_of

log = logging.getLogger(__name__)


async def in_transaction(request: Request, action: Callable[[UnitOfWork], Awaitable[Any]]) -> Any:
    """Run one use case in its own unit of work; a ContactRefused rolls it back and propagates."""
    async with units_of(request).start() as uow:
        return await action(uow)


def now_of(request: Request) -> datetime:
    now: datetime = request.app.state.clock.now()
    return now


def policy_of(request: Request) -> CareGuaranteePolicy:
    """The one care guarantee policy (national and regional deadlines) every service asks."""
    policy: CareGuaranteePolicy = request.app.state.policy
    return policy


def booking(request: Request, staff: Staff) -> BookingClient:
    return BookingClient(request.app.state.settings.booking_url, staff.token)


async def future_bookings(request: Request, staff: Staff, contact: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The contact's booked times still ahead, from booking; None when booking does not answer."""
    try:
        found: list[dict[str, Any]] = await booking(request, staff).future_appointments_of_contact(
            contact["id"], now_of(request)
        )
    except (BookingUnavailable, BookingRefused) as failure:
        log.warning("could not read the contact's bookings", extra={"failure": str(failure)})
        return None
    return found


def monitor(request: Request, staff: Staff) -> MonitorClient:
    settings = request.app.state.settings
    return MonitorClient(settings.guarantee_monitor_url, staff.token, settings.guarantee_monitor_timeout_seconds)


async def monitor_clocks(request: Request, staff: Staff, units: Sequence[str]) -> dict[str, Clock] | None:
    """The monitor's clocks at these units by contact id, or None when the monitor does not answer."""
    client = monitor(request, staff)
    try:
        found = await asyncio.gather(*(client.clocks_at(unit) for unit in units))
    except MonitorUnavailable as failure:
        log.warning(
            "guarantee monitor unavailable; the console shows its own computation", extra={"failure": str(failure)}
        )
        return None
    return {contact_id: clock for clocks in found for contact_id, clock in clocks.items()}


async def monitor_clock(request: Request, staff: Staff, contact_id: str) -> tuple[Clock | None, bool]:
    """(the contact's clock or None, whether the monitor answered)."""
    try:
        return await monitor(request, staff).clock(contact_id), True
    except MonitorUnavailable as failure:
        log.warning(
            "guarantee monitor unavailable; the console shows its own computation", extra={"failure": str(failure)}
        )
        return None, False
