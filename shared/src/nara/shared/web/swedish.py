"""Swedish dates, times and numbers as people read them, on Stockholm's calendar and wall clock.

The page kit shows them in one style, as the Jinja filters in FILTERS: times 08:00, dates 'tisdag 24 november'.
clock_time and date_time default to the same ':' (issue 17: one time style everywhere, never 8:00 or 08.00).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from nara.shared.clock import to_stockholm

from .labels import PROFESSIONS, label

WEEKDAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")
MONTHS = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)

# The three demo care units (booking's demo data); a unit not listed shows its HSA-id.
UNITS = {
    "SE2321000115-E00000000011": "Vårdcentralen Falkenberg",
    "SE2321000115-E00000000012": "Vårdcentralen Oskarström",
    "SE2321000115-E00000000013": "Vårdcentralen Fyllinge",
}

__all__ = [
    "FILTERS",
    "MONTHS",
    "PROFESSIONS",
    "UNITS",
    "WEEKDAYS",
    "clock_time",
    "date_text",
    "date_time",
    "decimal",
    "last_day_before",
    "month_name",
    "percent",
    "unit_name",
]


def unit_name(hsa_id: str | None) -> str:
    return UNITS.get(hsa_id or "", hsa_id or "okänd enhet")


def clock_time(moment: datetime, separator: str = ":") -> str:
    """Swedish clock time in Stockholm, e.g. 09:05."""
    return to_stockholm(moment).strftime(f"%H{separator}%M")


def date_text(moment: datetime, *, weekday: bool = True, year: bool = False) -> str:
    """E.g. 'tisdag 24 november' (Europe/Stockholm)."""
    local = to_stockholm(moment)
    text = f"{local.day} {MONTHS[local.month - 1]}" + (f" {local.year}" if year else "")
    return f"{WEEKDAYS[local.weekday()]} {text}" if weekday else text


def date_time(moment: datetime, *, year: bool = False, separator: str = ":") -> str:
    """E.g. 'tisdag 24 november kl. 09:05'."""
    return f"{date_text(moment, year=year)} kl. {clock_time(moment, separator)}"


def last_day_before(deadline: datetime) -> str:
    """A deadline at midnight after its last day, as that last day, e.g. 'torsdag 26 november'."""
    return date_text(deadline - timedelta(microseconds=1))


def month_name(month: str) -> str:
    """'2026-11' as 'november 2026'."""
    year, number = month.split("-")
    return f"{MONTHS[int(number) - 1]} {year}"


def decimal(value: float, digits: int = 1) -> str:
    """A number with a decimal comma, e.g. 12,5."""
    return f"{value:.{digits}f}".replace(".", ",")


def percent(share: float | None, digits: int = 1) -> str:
    """A share as a Swedish percentage, e.g. 0.8333 as 83,3 %; no share as a dash."""
    return "–" if share is None else f"{decimal(share * 100, digits)} %"


def _time(moment: datetime) -> str:
    return clock_time(moment, ":")


def _date_time(moment: datetime, year: bool = False) -> str:
    return date_time(moment, year=year, separator=":")


def _time_span(start: datetime, end: datetime) -> str:
    return f"{_date_time(start)}–{_time(end)}"


# The page kit's filters: {{ slot.start|time }} is 08:00, {{ contact.sought_at|date_time }} is
# 'tisdag 24 november kl. 08:00', {{ deadline|last_day }} the guarantee's last day, {{ code|label("profession") }}.
FILTERS: Mapping[str, Callable[..., Any]] = {
    "time": _time,
    "date": date_text,
    "date_time": _date_time,
    "time_span": _time_span,
    "last_day": last_day_before,
    "month": month_name,
    "decimal": decimal,
    "percent": percent,
    "unit": unit_name,
    "label": label,
}
