"""The alerts a contact's history gives, per measure, and when the scheduler must look at a clock again.

An alert fires at each tier before a deadline while the contact is at risk, at the breach, and as a resolution
when an open alert no longer holds. Some events put a contact at risk suddenly, and those alert at once rather
than at the next tier: a booking that lands after the deadline, a booked time inside it that is cancelled or
missed, and a new triage that makes the guarantee apply. Every alert has a key unique per contact (regional
ones prefixed "regional:"), so the same alert is never raised twice, however often the history is replayed.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from nara.shared.care_guarantee import MeasureKind
from nara.shared.events.vocabulary import AlertLevel

from .clock_status import AT_RISK, BREACHED, RESOLVED, SETTLED
from .facts import ContactFacts
from .guarantee_clock import ClockState, MeasureState, limit_names, measure_at, state_at
from .policy import GuaranteePolicy

PREFIXES = {MeasureKind.NATIONAL: "", MeasureKind.REGIONAL: "regional:"}
CRITICAL_WITHIN = timedelta(hours=8)  # a sudden risk this close to the deadline is critical, else a warning


@dataclass(frozen=True)
class Alert:
    key: str  # unique per contact: the same alert is never sent twice
    kind: str  # at_risk, breached or resolved
    level: AlertLevel
    at: datetime  # the moment it is about: the tier's moment, the deadline, or the event that caused it
    deadline: datetime
    reason: str

    def hours_left(self) -> float:
        return round((self.deadline - self.at).total_seconds() / 3600, 2)

    def measure(self) -> MeasureKind:
        return MeasureKind.REGIONAL if self.key.startswith(PREFIXES[MeasureKind.REGIONAL]) else MeasureKind.NATIONAL


def alerts_until(facts: ContactFacts, policy: GuaranteePolicy, now: datetime) -> list[Alert]:
    """Every alert this contact's history gives up to `now`, in order. The same facts always give the same alerts."""
    if facts.sought_at is None or facts.registered_at is None:
        return []
    found = [alert for kind in PREFIXES for alert in _measure_alerts(facts, policy, now, kind)]
    return sorted(found, key=lambda alert: alert.at)  # stable: at one moment, the national measure's first


def _measure_alerts(facts: ContactFacts, policy: GuaranteePolicy, now: datetime, kind: MeasureKind) -> list[Alert]:
    current = measure_at(facts, policy, now, kind)
    if current is None:
        return []
    tier_moments = {current.deadline - span: hours for hours, span in policy.tiers()}
    checkpoints = sorted({m for m in [*tier_moments, current.deadline, *facts.event_times()] if m <= now})
    alerts: list[Alert] = []
    open_alert: Alert | None = None
    breached = False
    for moment in checkpoints:
        state = measure_at(facts, policy, moment, kind)
        if state is None:
            continue
        fired = []
        if moment in tier_moments and moment < state.deadline and state.status == AT_RISK:
            hours = tier_moments[moment]
            fired.append(
                Alert(f"at_risk:{hours}", "at_risk", policy.tier_level(hours), moment, state.deadline, state.reason)
            )
        elif moment >= state.deadline and state.status == BREACHED and not breached:
            fired.append(Alert("breached", "breached", AlertLevel.CRITICAL, moment, state.deadline, state.reason))
            breached = True
        elif open_alert is not None and state.status in RESOLVED:
            alerts.append(
                Alert(f"resolved:{open_alert.key}", "resolved", AlertLevel.INFO, moment, state.deadline, state.reason)
            )
            open_alert = None
        if state.status == AT_RISK and moment < state.deadline:
            fired += [
                Alert(
                    key,
                    "at_risk",
                    AlertLevel.CRITICAL if state.deadline - moment <= CRITICAL_WITHIN else AlertLevel.WARNING,
                    moment,
                    state.deadline,
                    reason,
                )
                for key, reason in sudden_risks(facts, moment, state)
            ]
        for alert in fired:
            alerts.append(alert)
            open_alert = alert
    if kind is MeasureKind.NATIONAL:
        return alerts
    # The alert events carry no key: the reason says it is the region's limit, whatever it is about.
    limit = limit_names(kind, current.days)[1]
    return [
        replace(
            alert,
            key=PREFIXES[kind] + alert.key,
            reason=alert.reason if limit in alert.reason else f"{alert.reason} ({limit})",
        )
        for alert in alerts
    ]


def sudden_risks(facts: ContactFacts, moment: datetime, state: MeasureState) -> list[tuple[str, str]]:
    """What happened at `moment` that put a contact at risk at once, as (alert key, reason)."""
    within, limit = limit_names(state.kind, state.days)
    found = []
    for booking in facts.bookings.values():
        if (
            booking.booked_at == moment
            and booking.active_at(moment)
            and booking.end is not None
            and booking.end > state.deadline
            and not booking.earlier_offered
        ):
            found.append((f"late_booking:{booking.id}", f"Tiden som bokades ligger efter {limit}"))
        if booking.ended_at == moment and booking.end is not None and booking.end <= state.deadline:
            if booking.end_kind == "cancelled":
                found.append((f"cancelled:{booking.id}", f"En bokad tid inom {within} avbokades"))
            elif booking.end_kind == "no_show":
                found.append((f"no_show:{booking.id}", f"Patienten uteblev från en tid inom {within}"))
    now_triage = next((t for t in facts.triages if t.at == moment and t.guarantee_applies), None)
    earlier = [t for t in facts.triages if t.at < moment]
    if now_triage is not None and earlier and not max(earlier, key=lambda t: t.at).guarantee_applies:
        found.append(
            (
                f"covered:{moment.astimezone(UTC):%Y%m%dT%H%M%S.%fZ}",
                "Ny triagering: vårdgarantin gäller nu för kontakten",
            )
        )
    return found


def next_alert_moment(
    facts: ContactFacts, policy: GuaranteePolicy, now: datetime, state: ClockState | None = None
) -> datetime | None:
    """When the scheduler must look at this contact again, if nothing else happens first (`state`: state_at now,
    when the caller has it already).

    A fact dated after `now` (an assessment recorded for a few minutes ahead, an event from a host whose clock
    runs ahead) changes the clock when its moment comes, with no event to say so: the clock is looked at again
    then, or it would keep its old status until the next tier.
    """
    state = state or state_at(facts, policy, now)
    upcoming = [moment for moment in facts.event_times() if moment > now]  # the registration's time too
    for measure in (state.national, state.regional) if state is not None else ():
        if measure is not None and measure.status not in SETTLED:
            upcoming += [
                m for m in [measure.deadline - span for _, span in policy.tiers()] + [measure.deadline] if m > now
            ]
    return min(upcoming) if upcoming else None
