"""The guarantee clock: a contact's status at any moment, from facts alone, against each measure it is held to.

Every covered contact has the national measure: a medical assessment within 3 calendar days, the deadline being
the end of calendar day 3 in Europe/Stockholm (the contact day is day 0). That rule is written once, in
nara.shared.care_guarantee (`guarantee_deadline`), and `measure_at` below asks it. Where the region
has a limit for the triaged profession (Region Halland: physiotherapist 7 days), a regional measure runs beside
it with its own deadline and status; it never replaces the national one, so it can never hide a national breach.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType

from nara.shared.care_guarantee import (
    LISTED_ELSEWHERE_REASON,
    NATIONAL_DAYS,
    ClockStatus,
    MeasureKind,
    guarantee_deadline,
)
from nara.shared.clock import to_stockholm
from nara.shared.events.vocabulary import ContactCloseReason, ListingStatus

from .clock_status import ASSESSED, AT_RISK, BREACHED, NOT_COVERED, ON_TRACK, PATIENT_CHOSEN_WAIT
from .facts import Booking, ContactFacts
from .policy import GuaranteePolicy

# The clock's reason for a contact closed without an assessment. These are status reasons, stored with the clock
# and carried by the alert events like every other reason below, not labels of a page's choices.
CLOSED_REASONS: Mapping[str, str] = MappingProxyType(
    {
        ContactCloseReason.SELF_CARE: "Avslutad med egenvårdsråd",
        ContactCloseReason.WITHDRAWN: "Återkallad av patienten",
        ContactCloseReason.EMERGENCY_DEPARTMENT: "Hänvisad till akutmottagning",
        ContactCloseReason.DUPLICATE: "Dubblett",
    }
)
HERE, ELSEWHERE, UNKNOWN = ListingStatus.HERE, ListingStatus.ELSEWHERE, ListingStatus.UNKNOWN


@dataclass(frozen=True)
class MeasureState:
    """Where a contact stands against one measure: the national 3 days, or the region's limit."""

    kind: MeasureKind
    days: int
    status: ClockStatus
    reason: str
    deadline: datetime


@dataclass(frozen=True)
class ClockState:
    """The national measure's status, reason and deadline (compliance and the national report read these),
    the regional measure beside it where there is one, and where the patient is listed."""

    status: ClockStatus
    reason: str
    deadline: datetime
    regional: MeasureState | None = None
    listing: ListingStatus = HERE

    @property
    def national(self) -> MeasureState:
        return MeasureState(MeasureKind.NATIONAL, NATIONAL_DAYS, self.status, self.reason, self.deadline)

    def measure(self, kind: MeasureKind) -> MeasureState | None:
        return self.national if kind is MeasureKind.NATIONAL else self.regional

    @property
    def listing_unknown(self) -> bool:
        return self.listing == UNKNOWN


def listing_of(facts: ContactFacts, moment: datetime | None = None) -> ListingStatus:
    """here, elsewhere or unknown, as known at `moment` (now when None): staff may resolve an unknown listing
    later. Older events say only the listed unit: none known means unknown, which is covered and flagged,
    since a contact is never dropped from the guarantee for lack of data."""
    resolved = facts.listing_resolution_at(moment)
    if resolved is not None and resolved.listing in (HERE, ELSEWHERE):
        return ListingStatus(resolved.listing)
    if facts.listing in (HERE, ELSEWHERE, UNKNOWN):
        return ListingStatus(facts.listing)
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
        # The end of calendar day 3 (Stockholm): the shared policy is the one place that works it out.
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
) -> tuple[ClockStatus, str]:
    """Status and reason against one deadline; `within` and `limit` name it in the reasons people read."""
    triage = facts.triage_at(moment)
    if triage is not None and not triage.guarantee_applies:
        return NOT_COVERED, "Triaget: vårdgarantin gäller inte (t.ex. återbesök eller egenvård)"
    if listing_of(facts, moment) == ELSEWHERE:
        return NOT_COVERED, LISTED_ELSEWHERE_REASON  # the console says the same
    assessment = facts.assessment_at(moment)
    if facts.closed_at is not None and facts.closed_at <= moment and assessment is None:
        return NOT_COVERED, CLOSED_REASONS.get(facts.close_reason or "", "Avslutad")
    if assessment is not None:
        return ASSESSED, f"Medicinsk bedömning gjord {to_stockholm(assessment.at).strftime('%Y-%m-%d %H:%M')}"
    active = [b for b in facts.bookings.values() if b.active_at(moment)]
    if any(b.end is not None and b.end <= deadline for b in active):
        return ON_TRACK, f"Tid bokad inom {within}"
    if any(b.earlier_offered for b in active):
        return PATIENT_CHOSEN_WAIT, "Patienten valde en senare tid än de som erbjöds"
    if moment >= deadline:
        return BREACHED, f"Ingen medicinsk bedömning inom {within}"
    if active:
        return AT_RISK, f"Bokad tid ligger efter {limit}"
    return AT_RISK, _why_no_time(facts, moment)


def listed_unit_of(facts: ContactFacts, moment: datetime | None = None) -> str | None:
    resolved = facts.listing_resolution_at(moment)
    return resolved.listed_unit if resolved is not None else facts.listed_unit


def booking_in_force(facts: ContactFacts, moment: datetime) -> Booking | None:
    """The booked time the clock counts: the earliest active one; None when nothing is booked."""
    active = [(b.start, b) for b in facts.bookings.values() if b.active_at(moment) and b.start is not None]
    return min(active, key=lambda pair: pair[0])[1] if active else None


def _why_no_time(facts: ContactFacts, moment: datetime) -> str:
    ended = [b for b in facts.bookings.values() if b.ended_at is not None and b.ended_at <= moment]
    if ended:
        last = max(ended, key=lambda b: b.ended_at or moment)
        return {"cancelled": "Den bokade tiden avbokades", "no_show": "Patienten uteblev från sin tid"}.get(
            last.end_kind or "", "Ingen tid bokad"
        )
    return "Ingen tid bokad och ingen bedömning gjord"


@dataclass(frozen=True)
class StatusChange:
    """A moment the clock's status or reason changed (the regional measure's status beside it)."""

    at: datetime
    status: ClockStatus
    reason: str
    regional_status: ClockStatus | None


def status_history(facts: ContactFacts, policy: GuaranteePolicy, now: datetime) -> list[StatusChange]:
    """The clock's story up to `now`: its state after each event, where it changed."""
    history: list[StatusChange] = []
    last = None
    for moment in [m for m in facts.event_times() if m <= now]:
        state = state_at(facts, policy, moment)
        if state is None:
            continue
        regional = state.regional.status if state.regional is not None else None
        if (state.status, state.reason, regional) != last:
            history.append(StatusChange(moment, state.status, state.reason, regional))
            last = (state.status, state.reason, regional)
    return history
