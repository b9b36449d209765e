"""An injectable clock: code asks a Clock for the time, so deadline logic can be tested at any moment."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware in UTC."""
        ...


class SystemClock:
    """The real time, for production."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class SettableClock:
    """A clock that stands still until a test sets or advances it."""

    def __init__(self, start: datetime) -> None:
        self._now = _as_utc(start)

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = _as_utc(moment)

    def advance(self, by: timedelta) -> None:
        # Arithmetic in UTC, so advancing across a daylight-saving change adds exactly `by` of real time.
        self._now = self._now + by


def to_stockholm(moment: datetime) -> datetime:
    """The same moment on Swedish wall-clock time, for display."""
    return _require_aware(moment).astimezone(STOCKHOLM)


def _as_utc(moment: datetime) -> datetime:
    return _require_aware(moment).astimezone(UTC)


def _require_aware(moment: datetime) -> datetime:
    if not isinstance(moment, datetime):
        raise TypeError(f"expected a datetime, got {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(
            f"naive datetime {moment.isoformat()} has no timezone, so it is not a moment in time; "
            "give it one, e.g. datetime(..., tzinfo=UTC) or tzinfo=STOCKHOLM"
        )
    return moment
