"""The guarantee monitor's public API (contract.md), as the console reads the clocks it shows.

The monitor's clock is the truth about a contact's guarantee: its status, time left and the booked time it
counts. Every call forwards the staff member's own bearer token, so the monitor applies its own access rules.
A monitor that does not answer in time, or fails, raises MonitorUnavailable, and the console falls back to
triage's own computation with a note that says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

from nara.shared.care_guarantee import ClockStatus

DEFAULT_TIMEOUT_SECONDS = 1.5  # the queue refreshes every 10 s: a slow monitor must not hold the page up


class MonitorUnavailable(Exception):
    """The guarantee monitor could not be reached, failed, or answered something unreadable."""


@dataclass(frozen=True)
class Measure:
    """A regional limit beside the national one (or the national one itself), as the monitor keeps it."""

    kind: str  # national or regional
    days: int | None
    deadline: datetime | None
    hours_left: float | None
    status: ClockStatus | None


@dataclass(frozen=True)
class Clock:
    """One contact's clock as the monitor has it."""

    contact_id: str
    status: ClockStatus
    deadline: datetime | None
    hours_left: float | None
    reason: str | None
    booked_start: datetime | None = None
    booked_end: datetime | None = None
    listing: str | None = None
    measures: tuple[Measure, ...] = field(default_factory=tuple)

    @property
    def regional(self) -> Measure | None:
        return next((m for m in self.measures if m.kind == "regional"), None)


@dataclass(frozen=True)
class MonitorClient:
    base_url: str
    token: str
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS
    transport: httpx.AsyncBaseTransport | None = None  # tests may inject one

    async def clocks_at(self, unit: str) -> dict[str, Clock]:
        """The open contacts' clocks at one unit, by contact id."""
        body = await self._get("/api/v1/clocks", params={"unit": unit, "open": "true", "limit": "1000"})
        if not isinstance(body, list):
            raise MonitorUnavailable("GET /api/v1/clocks: not a list")
        clocks = [read_clock(item) for item in body if isinstance(item, dict)]
        return {clock.contact_id: clock for clock in clocks if clock is not None}

    async def clock(self, contact_id: str) -> Clock | None:
        """One contact's clock; None if the monitor has not heard of the contact (yet)."""
        try:
            body = await self._get(f"/api/v1/clocks/{contact_id}")
        except _NotFound:
            return None
        return read_clock(body) if isinstance(body, dict) else None

    async def _get(self, path: str, params: dict[str, str] | None = None) -> Any:
        timeout = httpx.Timeout(self.timeout_seconds, connect=min(self.timeout_seconds, 0.5))
        try:
            async with httpx.AsyncClient(base_url=self.base_url, timeout=timeout, transport=self.transport) as client:
                response = await client.get(path, params=params, headers={"Authorization": f"Bearer {self.token}"})
        except httpx.HTTPError as failure:
            raise MonitorUnavailable(f"GET {path}: {type(failure).__name__}") from failure
        if response.status_code == 404:
            raise _NotFound()
        if response.status_code >= 400:
            raise MonitorUnavailable(f"GET {path}: HTTP {response.status_code}")
        try:
            return response.json()
        except ValueError:
            raise MonitorUnavailable(f"GET {path}: not JSON") from None


class _NotFound(Exception):
    pass


def read_clock(item: dict[str, Any]) -> Clock | None:
    """A clock from the monitor's JSON; the fields beyond the contract's first ones are read when present."""
    contact_id, status = item.get("contact_id"), item.get("status")
    if not isinstance(contact_id, str) or status not in set(ClockStatus):
        return None
    booking: dict[str, Any] = item["booking"] if isinstance(item.get("booking"), dict) else {}
    return Clock(
        contact_id=contact_id,
        status=ClockStatus(status),
        deadline=_time(item.get("deadline")),
        hours_left=_number(item.get("hours_left")),
        reason=item.get("reason") if isinstance(item.get("reason"), str) else None,
        booked_start=_time(booking.get("start") or item.get("booked_start")),
        booked_end=_time(booking.get("end") or item.get("booked_end")),
        listing=item.get("listing") if item.get("listing") in ("here", "elsewhere", "unknown") else None,
        measures=_measures(item.get("measures")),
    )


def _measures(raw: Any) -> tuple[Measure, ...]:
    """{"national": {...}, "regional": {...} | null}, or a list of measures each naming its kind."""
    if isinstance(raw, dict):
        return tuple(_measure(value, kind) for kind, value in raw.items() if isinstance(value, dict))
    if isinstance(raw, list):
        return tuple(_measure(value, str(value.get("kind") or "national")) for value in raw if isinstance(value, dict))
    return ()


def _measure(item: dict[str, Any], kind: str) -> Measure:
    days = item.get("days")
    return Measure(
        kind=kind,
        days=days if isinstance(days, int) else None,
        deadline=_time(item.get("deadline")),
        hours_left=_number(item.get("hours_left")),
        status=ClockStatus(item["status"]) if item.get("status") in set(ClockStatus) else None,
    )


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
