"""Triage decisions as a Prometheus counter: how many, how urgent, through which front door.

Labels come only from closed vocabularies, so no patient data and no free text (an override is typed by staff)
can ever become a label.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from prometheus_client import Counter

from nara.shared.events.vocabulary import CareLevel, Channel, Urgency

TRIAGE_DECISIONS = Counter(
    "nara_triage_decisions_total",
    "Triage decisions: previews for web booking (nothing kept) and recorded triages of contacts",
    ["kind", "urgency", "care_level", "channel", "overridden"],
)
OTHER = "other"
_URGENCIES = frozenset(Urgency)
_CARE_LEVELS = frozenset(CareLevel)
_CHANNELS = frozenset(Channel)


def count_decision(kind: str, decision: Mapping[str, Any], channel: str, *, overridden: bool = False) -> None:
    """`kind` is `preview` (POST /triage/evaluate) or `contact` (a contact triaged and recorded)."""
    urgency, care_level = decision.get("urgency"), decision.get("care_level")
    TRIAGE_DECISIONS.labels(
        kind,
        urgency if urgency in _URGENCIES else OTHER,
        care_level if care_level in _CARE_LEVELS else OTHER,
        channel if channel in _CHANNELS else OTHER,
        "true" if overridden else "false",
    ).inc()
