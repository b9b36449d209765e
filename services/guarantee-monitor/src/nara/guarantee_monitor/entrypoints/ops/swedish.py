"""The words and formats only the operations page uses; the shared enums' labels are nara.shared.web.labels."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from nara.shared.web.labels import CLOCK_STATUSES
from nara.shared.web.swedish import decimal

STATUSES = CLOCK_STATUSES  # in the order the page lists them (queries.py counts by them)

# Compliance groups contact forms as SKR does.
FORM_GROUPS = {"clinic": "Mottagningsbesök", "home": "Hembesök", "distance": "Distans"}

SMALL_GROUP = "färre än 20: döljs vid publicering"  # staff see their own unit's small groups, marked


def hours_left_text(hours: float | None) -> str:
    if hours is None:
        return "–"
    if hours < 0:
        return f"Passerad för {decimal(-hours)} timmar sedan"
    return f"{decimal(hours)} timmar kvar"


def short_pseudonym(pseudonym: str | None) -> str:
    if not pseudonym:
        return "–"
    return pseudonym if len(pseudonym) <= 12 else pseudonym[:10] + "…"


def moment(value: str) -> datetime:
    """A time the API's clock_view gives as ISO 8601."""
    return datetime.fromisoformat(value)


FILTERS: dict[str, Any] = {"hours_left": hours_left_text, "short_pseudonym": short_pseudonym, "moment": moment}
TEMPLATE_GLOBALS: dict[str, Any] = {"FORM_GROUPS": FORM_GROUPS, "SMALL_GROUP": SMALL_GROUP}
