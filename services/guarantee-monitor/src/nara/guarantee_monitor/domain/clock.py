"""The guarantee clock: a contact's status at any moment, from facts alone, against each measure it is held to.

Every covered contact has the national measure (a medical assessment within 3 calendar days). Where the region
has a limit for the triaged profession (Region Halland: physiotherapist 7 days), a regional measure runs beside
it with its own deadline and status; it never replaces the national one, so it can never hide a national breach.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from nara.shared.care_guarantee import LISTED_ELSEWHERE_REASON, NATIONAL_DAYS, MeasureKind, guarantee_deadline
from nara.shared.clock import to_stockholm

from .facts import Booking, ContactFacts
from .policy import GuaranteePolicy

RESOLVED = {"assessed", "on_track", "not_covered", "patient_chosen_wait"}
CLOSE_REASONS = {
    "self_care": "Avslutad med egenvårdsråd",
    "withdrawn": "Återkallad av patienten",
    "emergency_department": "Hänvisad till akutmottagning",
    "duplicate": "Dubblett",
}
HERE, ELSEWHERE, UNKNOWN = "here", "elsewhere", "unknown"
LISTED_ELSEWHERE = LISTED_ELSEWHERE_REASON  # the console says the same


@dataclass(frozen=True)
class MeasureState:
    """Where a contact stands against one measure: the national 3 days, or the region's limit."""

    kind: MeasureKind
    days: int
    status: str
    reason: str
    deadline: datetime


@dataclass(frozen=True)
class ClockState:
    """The national measure's status, reason and deadline (compliance and the national report read these),
    the regional measure beside it where there is one, and where the patient is listed."""

    status: str
    reason: str
    deadline: datetime
    regional: MeasureState | None = None
    listing: str = HERE

    @property
    def national(self) -> MeasureState:
        return MeasureState(MeasureKind.NATIONAL, NATIONAL_DAYS, self.status, self.reason, self.deadline)

    def measure(self, kind: MeasureKind) -> MeasureState | None:
        return self.national if kind is MeasureKind.NATIONAL else self.regional

    @property
    def listing_unknown(self) -> bool:
        return self.listing == UNKNOWN


def listing_of(facts: ContactFacts, moment: datetime | None = None) -> str:
    """here, elsewhere or unknown, as known at `moment` (now when None): staff may resolve an unknown listing
    later. Older events say only the listed unit: none known means unknown, which is covered and flagged,
    since a contact is never dropped from the guarantee for lack of data."""
    resolved = facts.listing_resolution_at(moment)
    if resolved is not None and resolved.listing in (HERE, ELSEWHERE):
        return resolved.listing
    if facts.listing in (HERE, ELSEWHERE, UNKNOWN):
        return facts.listing
    if facts.listed_unit is None:
        return UNKNOWN
    return HERE if facts.listed_unit == facts.unit else ELSEWHERE


def state_at(facts: ContactFacts, policy: GuaranteePolicy, moment: datetime) -> ClockState | None:
    """The clock as it stood at `moment`, knowing only what had happened by then; None before registration."""
    national = measure_at(facts, policy, moment, MeasureKind.NATIONAL)
    if national is None:
        return None
    return ClockState(
        national.status,
        national.reason,
        national.deadline,
        measure_at(facts, policy, moment, MeasureKind.REGIONAL),
        listing_of(facts, moment),
    )


def measure_at(
    facts: ContactFacts, policy: GuaranteePolicy, moment: datetime, kind: MeasureKind
) -> MeasureState | None:
    """One measure's state at `moment`; None before registration, or where the region has no such limit."""
    if facts.sought_at is None or facts.registered_at is None or facts.registered_at > moment:
        return None
    if kind is MeasureKind.NATIONAL:
        days, deadline = NATIONAL_DAYS, policy.care.national_deadline(facts.sought_at)
    else:  # asked for at every moment the alerts look at, so only this measure is worked out
        triage = facts.triage_at(moment)
        regional_days = policy.care.regional_days_for(triage.profession if triage else None)
        if regional_days is None:
            return None
        days, deadline = regional_days, guarantee_deadline(facts.sought_at, regional_days)
    status, reason = _status_against(facts, moment, deadline, *limit_names(kind, days))
    return MeasureState(kind, days, status, reason, deadline)


def limit_names(kind: MeasureKind, days: int) -> tuple[str, str]:
    """How the reasons name a measure: 'inom vårdgarantin', 'efter vårdgarantins gräns'."""
    if kind is MeasureKind.NATIONAL:
        return "vårdgarantin", "vårdgarantins gräns"
    limit = f"regionens gräns på {days} dagar"
    return limit, limit


def _status_against(
    facts: ContactFacts, moment: datetime, deadline: datetime, within: str, limit: str
) -> tuple[str, str]:
    """Status and reason against one deadline; `within` and `limit` name it in the reasons people read."""
    triage = facts.triage_at(moment)
    if triage is not None and not triage.guarantee_applies:
        return "not_covered", "Triaget: vårdgarantin gäller inte (t.ex. återbesök eller egenvård)"
    if listing_of(facts, moment) == ELSEWHERE:
        return "not_covered", LISTED_ELSEWHERE
    assessment = facts.assessment_at(moment)
    if facts.closed_at is not None and facts.closed_at <= moment and assessment is None:
        return "not_covered", CLOSE_REASONS.get(facts.close_reason or "", "Avslutad")
    if assessment is not None:
        return "assessed", f"Medicinsk bedömning gjord {to_stockholm(assessment.at).strftime('%Y-%m-%d %H:%M')}"
    active = [b for b in facts.bookings.values() if b.active_at(moment)]
    if any(b.end is not None and b.end <= deadline for b in active):
        return "on_track", f"Tid bokad inom {within}"
    if any(b.earlier_offered for b in active):
        return "patient_chosen_wait", "Patienten valde en senare tid än de som erbjöds"
    if moment >= deadline:
        return "breached", f"Ingen medicinsk bedömning inom {within}"
    if active:
        return "at_risk", f"Bokad tid ligger efter {limit}"
    return "at_risk", _why_no_time(facts, moment)


def listed_unit_of(facts: ContactFacts, moment: datetime | None = None) -> str | None:
    resolved = facts.listing_resolution_at(moment)
    return resolved.listed_unit if resolved is not None else facts.listed_unit


def booking_in_force(facts: ContactFacts, moment: datetime) -> Booking | None:
    """The booked time the clock counts: the earliest active one; None when nothing is booked."""
    active = [b for b in facts.bookings.values() if b.active_at(moment) and b.start is not None]
    return min(active, key=lambda b: b.start) if active else None


def _why_no_time(facts: ContactFacts, moment: datetime) -> str:
    ended = [b for b in facts.bookings.values() if b.ended_at is not None and b.ended_at <= moment]
    if ended:
        last = max(ended, key=lambda b: b.ended_at or moment)
        return {"cancelled": "Den bokade tiden avbokades", "no_show": "Patienten uteblev från sin tid"}.get(
            last.end_kind or "", "Ingen tid bokad"
        )
    return "Ingen tid bokad och ingen bedömning gjord"
