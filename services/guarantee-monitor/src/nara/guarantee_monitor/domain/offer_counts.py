"""The waitlist's offers counted per unit and week: what became of each freed time offered to a waiting patient,
and how many guarantee breaches an accepted offer prevented (issue 18).

Each offer event is one outcome of one offer, (offer id, outcome): stored once, so a redelivered or republished
event never counts twice. The week is the ISO week, Monday to Sunday, in Europe/Stockholm, of when it happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from nara.shared.clock import to_stockholm

# The offer event types (se.nara.waitlist.<kind>.v1), the outcome each is, and the field that says when.
OUTCOMES: dict[str, tuple[str, str]] = {
    "waitlist.offered": ("offered", "offered_at"),
    "waitlist.offer_accepted": ("accepted", "accepted_at"),
    "waitlist.offer_declined": ("declined", "declined_at"),
    "waitlist.offer_lapsed": ("lapsed", "lapsed_at"),
    "waitlist.offer_withdrawn": ("withdrawn", "withdrawn_at"),
}


@dataclass(frozen=True)
class OfferOutcome:
    offer_id: str
    outcome: str  # offered, accepted, declined, lapsed or withdrawn
    unit: str
    at: datetime
    breach_prevented: bool = False

    @property
    def week_start(self) -> date:
        return week_start(self.at)


@dataclass(frozen=True)
class WeeklyOfferCounts:
    """One unit's offers in one week."""

    unit: str
    week_start: date  # the Monday, in Europe/Stockholm
    offered: int = 0
    accepted: int = 0
    declined: int = 0
    lapsed: int = 0
    withdrawn: int = 0
    breaches_prevented: int = 0

    @property
    def week(self) -> str:
        """ISO 8601's name of the week, e.g. 2026-W50."""
        year, number, _ = self.week_start.isocalendar()
        return f"{year}-W{number:02d}"


def week_start(moment: datetime) -> date:
    """The Monday of the ISO week `moment` falls in, as the clock on the wall in Stockholm says."""
    return monday_of(to_stockholm(moment).date())


def monday_of(day: date) -> date:
    """The Monday of the day's ISO week (a calendar day has no time zone of its own)."""
    return day - timedelta(days=day.weekday())


# `data` is a contract event's data model read by its fields, as in projection.py: the domain imports no event model.
def offer_outcome(event_type: str, data: Any, event_time: datetime) -> OfferOutcome | None:
    """The outcome an offer event records; None for every other event."""
    kind = event_type.removeprefix("se.nara.").removesuffix(".v1")
    if kind not in OUTCOMES:
        return None
    outcome, when = OUTCOMES[kind]
    return OfferOutcome(
        offer_id=str(data.offer_id),
        outcome=outcome,
        unit=str(data.unit),
        at=getattr(data, when, None) or event_time,
        breach_prevented=outcome == "accepted" and bool(getattr(data, "breach_prevented", False)),
    )


@dataclass(frozen=True)
class OutcomeTally:
    """How many offers of a unit had an outcome in a week, and of those how many prevented a breach."""

    unit: str
    week_start: date
    outcome: str
    count: int
    breaches_prevented: int = 0


def weekly_counts(tallies: list[OutcomeTally]) -> list[WeeklyOfferCounts]:
    """The tallies put together as one row per unit and week: by unit, then the newest week first."""
    rows: dict[tuple[str, date], dict[str, int]] = {}
    for tally in tallies:
        row = rows.setdefault((tally.unit, tally.week_start), {})
        row[tally.outcome] = row.get(tally.outcome, 0) + tally.count
        if tally.breaches_prevented:
            row["breaches_prevented"] = row.get("breaches_prevented", 0) + tally.breaches_prevented
    keys = sorted(rows, key=lambda key: (key[0], -key[1].toordinal()))
    return [WeeklyOfferCounts(unit, start, **rows[(unit, start)]) for unit, start in keys]
