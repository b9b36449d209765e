"""The national care guarantee's day count, which booking and the guarantee monitor must agree on."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

from .clock import STOCKHOLM

NATIONAL_DAYS = 3


def guarantee_deadline(sought_at: datetime, days: int = NATIONAL_DAYS) -> datetime:
    """The first instant after the guarantee: midnight starting local day `days + 1`, the contact day being day 0.

    Calendar days in Europe/Stockholm, weekends and holidays included; computed on local dates, so a
    daylight-saving change in between does not move it. Returned in UTC.
    """
    if sought_at.tzinfo is None:
        raise ValueError("sought_at must carry a timezone")
    return _end_of_day_after(sought_at.astimezone(STOCKHOLM).date(), days)


@lru_cache(maxsize=4096)
def _end_of_day_after(local_day: date, days: int) -> datetime:
    # Asked for again and again with the same few dates (the guarantee monitor, for every clock it looks at).
    return datetime.combine(local_day + timedelta(days=days + 1), time(0), STOCKHOLM).astimezone(UTC)
