"""The guarantee clock: a contact's status at any moment, and the alerts its history gives, from facts alone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from nara.shared.care_guarantee import guarantee_deadline
from nara.shared.clock import to_stockholm

from .facts import ContactFacts
from .policy import GuaranteePolicy

RESOLVED = {"assessed", "on_track", "not_covered", "patient_chosen_wait"}
CLOSE_REASONS = {
    "self_care": "Avslutad med egenvårdsråd",
    "withdrawn": "Återkallad av patienten",
    "emergency_department": "Hänvisad till akutmottagning",
    "duplicate": "Dubblett",
}


@dataclass(frozen=True)
class ClockState:
    status: str
    reason: str
    deadline: datetime


@dataclass(frozen=True)
class Alert:
    key: str  # unique per contact: the same alert is never sent twice
    kind: str  # at_risk, breached or resolved
    level: str
    at: datetime  # the moment it is about: the tier's moment, the deadline, or the resolving event
    deadline: datetime
    reason: str

    def hours_left(self) -> float:
        return round((self.deadline - self.at).total_seconds() / 3600, 2)


def deadline_of(facts: ContactFacts, policy: GuaranteePolicy, moment: datetime) -> datetime:
    """End of the guarantee: national days, or the region's limit for the triaged profession."""
    triage = facts.triage_at(moment)
    return guarantee_deadline(facts.sought_at, policy.days_for(triage.profession if triage else None))


def state_at(facts: ContactFacts, policy: GuaranteePolicy, moment: datetime) -> ClockState | None:
    """The clock as it stood at `moment`, knowing only what had happened by then; None before registration."""
    if facts.sought_at is None or facts.registered_at is None or facts.registered_at > moment:
        return None
    deadline = deadline_of(facts, policy, moment)
    triage = facts.triage_at(moment)
    if triage is not None and not triage.guarantee_applies:
        return ClockState("not_covered", "Triaget: vårdgarantin gäller inte (t.ex. återbesök eller egenvård)", deadline)
    if facts.listed_unit != facts.unit:
        return ClockState("not_covered", "Kontakten gäller inte enheten där patienten är listad", deadline)
    if facts.closed_at is not None and facts.closed_at <= moment and facts.assessment_at(moment) is None:
        return ClockState("not_covered", CLOSE_REASONS.get(facts.close_reason, "Avslutad"), deadline)
    if (assessment := facts.assessment_at(moment)) is not None:
        when = to_stockholm(assessment.at).strftime("%Y-%m-%d %H:%M")
        return ClockState("assessed", f"Medicinsk bedömning gjord {when}", deadline)
    active = [b for b in facts.bookings.values() if b.active_at(moment)]
    if any(b.end <= deadline for b in active):
        return ClockState("on_track", "Tid bokad inom vårdgarantin", deadline)
    if any(b.earlier_offered for b in active):
        return ClockState("patient_chosen_wait", "Patienten valde en senare tid än de som erbjöds", deadline)
    if moment >= deadline:
        return ClockState("breached", "Ingen medicinsk bedömning inom vårdgarantin", deadline)
    if active:
        return ClockState("at_risk", "Bokad tid ligger efter vårdgarantins gräns", deadline)
    return ClockState("at_risk", _why_no_time(facts, moment), deadline)


def alerts_until(facts: ContactFacts, policy: GuaranteePolicy, now: datetime) -> list[Alert]:
    """Every alert this contact's history gives up to `now`, in order. The same facts always give the same alerts."""
    if facts.sought_at is None or facts.registered_at is None:
        return []
    deadline = deadline_of(facts, policy, now)
    tier_moments = {deadline - span: hours for hours, span in policy.tiers()}
    checkpoints = sorted({m for m in [*tier_moments, deadline, *facts.event_times()] if m <= now})
    alerts: list[Alert] = []
    open_alert: Alert | None = None
    for moment in checkpoints:
        state = state_at(facts, policy, moment)
        if state is None:
            continue
        fired = None
        if moment in tier_moments and moment < deadline and state.status == "at_risk":
            hours = tier_moments[moment]
            fired = Alert(f"at_risk:{hours}", "at_risk", policy.tier_level(hours), moment, deadline, state.reason)
        elif moment >= deadline and state.status == "breached" and not any(a.kind == "breached" for a in alerts):
            fired = Alert("breached", "breached", "critical", moment, deadline, state.reason)
        elif open_alert is not None and state.status in RESOLVED:
            alerts.append(Alert(f"resolved:{open_alert.key}", "resolved", "info", moment, deadline, state.reason))
            open_alert = None
        if fired is not None:
            alerts.append(fired)
            open_alert = fired
    return alerts


def next_alert_moment(facts: ContactFacts, policy: GuaranteePolicy, now: datetime,
                      state: ClockState | None = None) -> datetime | None:
    """When the scheduler must look at this contact again, if nothing else happens first (`state`: state_at now,
    when the caller has it already)."""
    state = state or state_at(facts, policy, now)
    if state is None or state.status in ("assessed", "not_covered", "breached"):
        return None
    upcoming = [m for m in [state.deadline - span for _, span in policy.tiers()] + [state.deadline] if m > now]
    return min(upcoming) if upcoming else None


def _why_no_time(facts: ContactFacts, moment: datetime) -> str:
    ended = [b for b in facts.bookings.values() if b.ended_at is not None and b.ended_at <= moment]
    if ended:
        last = max(ended, key=lambda b: b.ended_at)
        return {"cancelled": "Den bokade tiden avbokades", "no_show": "Patienten uteblev från sin tid"}.get(
            last.end_kind, "Ingen tid bokad")
    return "Ingen tid bokad och ingen bedömning gjord"
