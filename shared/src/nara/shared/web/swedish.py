"""Swedish dates, times and numbers as people read them, on Stockholm's calendar and wall clock."""

from __future__ import annotations

from datetime import datetime, timedelta

from nara.shared.clock import to_stockholm

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

# Professions as staff pages show them, capitalised.
PROFESSIONS = {
    "doctor": "Läkare",
    "nurse": "Sjuksköterska",
    "district_nurse": "Distriktssköterska",
    "physiotherapist": "Fysioterapeut",
    "occupational_therapist": "Arbetsterapeut",
    "psychologist": "Psykolog",
    "counsellor": "Kurator",
    "midwife": "Barnmorska",
}


def unit_name(hsa_id: str | None) -> str:
    return UNITS.get(hsa_id or "", hsa_id or "okänd enhet")


def clock_time(moment: datetime, separator: str = ".") -> str:
    """Swedish clock time in Stockholm, e.g. 09.05 (or 09:05 with separator ':')."""
    return to_stockholm(moment).strftime(f"%H{separator}%M")


def date_text(moment: datetime, *, weekday: bool = True, year: bool = False) -> str:
    """E.g. 'tisdag 24 november' (Europe/Stockholm)."""
    local = to_stockholm(moment)
    text = f"{local.day} {MONTHS[local.month - 1]}" + (f" {local.year}" if year else "")
    return f"{WEEKDAYS[local.weekday()]} {text}" if weekday else text


def date_time(moment: datetime, *, year: bool = False) -> str:
    """E.g. 'tisdag 24 november kl. 09.05'."""
    return f"{date_text(moment, year=year)} kl. {clock_time(moment)}"


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
