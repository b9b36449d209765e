"""What the hours pages (weekly templates, closures, bookings to move) share: reading a form's times and dates into
values or Swedish errors, and the horizon a change regenerates."""

from __future__ import annotations

import re
from datetime import date, time

from ...domain.hours import WEEKDAY_NAMES

Errors = list[tuple[str | None, str]]
WALL_CLOCK = re.compile(r"^([01]?[0-9]|2[0-3])[:.]([0-5][0-9])$")
WEEKDAYS = [(str(number), name.capitalize()) for number, name in enumerate(WEEKDAY_NAMES, start=1)]


def wall_clock(value: str, field: str, label: str, errors: Errors) -> time | None:
    found = WALL_CLOCK.match(value.strip())
    if not found:
        errors.append((field, f"Skriv {label} som TT:MM, till exempel 08:30."))
        return None
    return time(int(found.group(1)), int(found.group(2)))


def calendar_day(value: str, field: str, label: str, errors: Errors, *, required: bool = False) -> date | None:
    value = value.strip()
    if not value:
        if required:
            errors.append((field, f"Skriv {label} som ÅÅÅÅ-MM-DD, till exempel 2026-12-24."))
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        day = None
    if day is None or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value) or not 2000 <= day.year <= 2099:
        errors.append((field, f"Skriv {label} som ÅÅÅÅ-MM-DD, till exempel 2026-12-24."))
        return None
    return day
