"""The words and formats people read on the operations page: Swedish labels for the contract's codes."""

from __future__ import annotations

from datetime import datetime

from nara.shared.web.swedish import PROFESSIONS, UNITS, clock_time, decimal, last_day_before, month_name, unit_name

__all__ = [
    "FORM_GROUPS",
    "LISTING_UNKNOWN",
    "SMALL_GROUP",
    "STATUSES",
    "STATUS_HINTS",
    "UNITS",
    "clock_time",
    "decimal",
    "hours_left_text",
    "last_day",
    "month_name",
    "profession_name",
    "share_text",
    "short_pseudonym",
    "unit_name",
]

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

# Compliance groups contact forms as SKR does.
FORM_GROUPS = {"clinic": "Mottagningsbesök", "home": "Hembesök", "distance": "Distans"}

SMALL_GROUP = "färre än 20: döljs vid publicering"  # staff see their own unit's small groups, marked
LISTING_UNKNOWN = "Listning okänd"


def profession_name(code: str | None) -> str:
    return PROFESSIONS.get(code or "", code or "Ej triagerad")


def last_day(deadline: datetime) -> str:
    """The guarantee ends at midnight after its last day; people read the last day, e.g. 'torsdag 26 november'."""
    return last_day_before(deadline)


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
