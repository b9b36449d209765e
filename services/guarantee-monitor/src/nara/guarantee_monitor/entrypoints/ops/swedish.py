"""The words and formats people read on the operations page: Swedish labels for the contract's codes."""

from __future__ import annotations

from datetime import datetime, timedelta

from nara.shared.clock import to_stockholm

# The three demo care units; a unit not listed shows its HSA-id.
UNITS = {
    "SE2321000115-E00000000011": "Vårdcentralen Falkenberg",
    "SE2321000115-E00000000012": "Vårdcentralen Oskarström",
    "SE2321000115-E00000000013": "Vårdcentralen Fyllinge",
}

# In the order the page lists them.
STATUSES = {
    "on_track": "I tid",
    "at_risk": "Risk",
    "breached": "Passerad",
    "assessed": "Bedömd",
    "not_covered": "Omfattas inte",
    "patient_chosen_wait": "Patientvald väntan",
}

STATUS_HINTS = {
    "on_track": "Tid bokad inom vårdgarantin",
    "at_risk": "Ingen bedömning och ingen tid inom gränsen",
    "breached": "Gränsen har passerats utan bedömning",
    "assessed": "Medicinsk bedömning gjord",
    "not_covered": "Vårdgarantin gäller inte kontakten",
    "patient_chosen_wait": "Patienten valde en senare tid",
}

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

# Compliance groups contact forms as SKR does.
FORM_GROUPS = {"clinic": "Mottagningsbesök", "home": "Hembesök", "distance": "Distans"}

WEEKDAYS = ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"]
MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
          "november", "december"]
HIDDEN_GROUP = "färre än 20, visas inte"


def unit_name(hsa_id: str | None) -> str:
    return UNITS.get(hsa_id or "", hsa_id or "okänd enhet")


def profession_name(code: str | None) -> str:
    return PROFESSIONS.get(code or "", code or "Ej triagerad")


def clock_time(moment: datetime) -> str:
    """Swedish clock time, e.g. 09.05."""
    return to_stockholm(moment).strftime("%H.%M")


def last_day(deadline: datetime) -> str:
    """The guarantee ends at midnight after its last day; people read the last day, e.g. 'torsdag 26 november'."""
    local = to_stockholm(deadline - timedelta(microseconds=1))
    return f"{WEEKDAYS[local.weekday()]} {local.day} {MONTHS[local.month - 1]}"


def month_name(month: str) -> str:
    """'2026-11' as 'november 2026'."""
    year, number = month.split("-")
    return f"{MONTHS[int(number) - 1]} {year}"


def decimal(value: float, digits: int = 1) -> str:
    """A number with a decimal comma, e.g. 12,5."""
    return f"{value:.{digits}f}".replace(".", ",")


def hours_left_text(hours: float | None) -> str:
    if hours is None:
        return "–"
    if hours < 0:
        return f"Passerad för {decimal(-hours)} timmar sedan"
    return f"{decimal(hours)} timmar kvar"


def share_text(share: float | None) -> str:
    """A share as a Swedish percentage with one decimal, e.g. 83,3 %."""
    return "–" if share is None else f"{decimal(share * 100)} %"


def short_pseudonym(pseudonym: str | None) -> str:
    if not pseudonym:
        return "–"
    return pseudonym if len(pseudonym) <= 12 else pseudonym[:10] + "…"
