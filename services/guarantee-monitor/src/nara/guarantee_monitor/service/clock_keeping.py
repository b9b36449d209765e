"""Keeping the clocks: apply events to them, and raise each alert once through the outbox as it falls due."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from prometheus_client import Counter

from nara.shared.events.envelope import DecodedEvent
from nara.shared.events.models import GuaranteeAlert, GuaranteeAtRisk, GuaranteeBreached, GuaranteeResolved

from ..domain.alerts import Alert, alerts_until
from ..domain.clock_record import clock_record
from ..domain.facts import ContactFacts
from ..domain.offer_counts import offer_outcome
from ..domain.policy import GuaranteePolicy
from ..domain.projection import apply, contact_id_of
from .ports import OutgoingEvent, RaisedAlert, StartUnitOfWork, UnitOfWork

SOURCE = "/nara/guarantee-monitor"
ALERT_IDS = uuid.UUID("6a1d3c5e-0b7f-5e2a-9c41-3f8d2b6e7a90")  # the namespace of alert event ids (uuid5)
ALERT_EVENTS: dict[str, type[GuaranteeAlert]] = {
    "at_risk": GuaranteeAtRisk,
    "breached": GuaranteeBreached,
    "resolved": GuaranteeResolved,
}
ALERTS_RAISED = Counter("nara_guarantee_alerts_total", "Guarantee alerts raised", ["kind", "level"])
EVENTS_APPLIED = Counter("nara_guarantee_events_applied_total", "Contact and appointment events applied", ["type"])
# (facts, traceparent of the latest event, that event's time): a clock to store, and what it last heard.
Changed = tuple[ContactFacts, str | None, datetime | None]


async def apply_events(uow: UnitOfWork, events: Sequence[DecodedEvent], policy: GuaranteePolicy, now: datetime) -> None:
    """Apply a batch of events (already deduplicated) to their contacts' clocks, and record the waitlist offers'
    outcomes, in one unit of work."""
    by_contact: dict[str, list[DecodedEvent]] = {}
    for event in events:
        contact_id = contact_id_of(event.type, event.data)
        if contact_id is not None:  # booked without a triaged contact: no guarantee clock to keep
            by_contact.setdefault(contact_id, []).append(event)
        EVENTS_APPLIED.labels(event.type).inc()
    outcomes = [o for e in events if (o := offer_outcome(e.type, e.data, e.time)) is not None]
    if not by_contact and not outcomes:
        return
    async with uow:
        await uow.offers.add(outcomes)
        if not by_contact:
            return
        known = await uow.clocks.lock(list(by_contact))
        changed: list[Changed] = []
        for contact_id, contact_events in by_contact.items():
            facts = known.get(contact_id) or ContactFacts(contact_id)
            for event in contact_events:
                facts = apply(facts, event.type, event.data, event.time)
            latest = max(contact_events, key=lambda e: e.time)
            changed.append((facts, latest.traceparent, latest.time))
        # Alerts are the scheduler's to raise, once the consumer has caught up: raised from half-read history
        # they could never be taken back, and a replay would not give the same ones.
        await save_clocks(uow, changed, policy, now, raise_alerts=False)


async def fire_due(
    start_unit_of_work: StartUnitOfWork, policy: GuaranteePolicy, now: datetime, batch: int = 500
) -> int:
    """Look at every clock whose next alert moment has come; several instances share the work (each takes the
    clocks no other holds). How many were looked at: a full batch means more may be due."""
    async with start_unit_of_work() as uow:
        due = await uow.clocks.lock_due(now, batch)
        await save_clocks(uow, [(facts, trace, None) for facts, trace in due], policy, now)
        return len(due)


async def save_clocks(
    uow: UnitOfWork, clocks: Sequence[Changed], policy: GuaranteePolicy, now: datetime, *, raise_alerts: bool = True
) -> None:
    """Store the clocks and raise the alerts they are due, each alert once (a unique key per contact)."""
    if not clocks:
        return
    await uow.clocks.save(
        [
            clock_record(facts, policy, now, traceparent=trace, event_at=event_at, look_now=not raise_alerts)
            for facts, trace, event_at in clocks
        ]
    )
    if raise_alerts:
        await raise_due_alerts(uow, [(facts, trace) for facts, trace, _ in clocks], policy, now)


async def raise_due_alerts(
    uow: UnitOfWork, clocks: Sequence[tuple[ContactFacts, str | None]], policy: GuaranteePolicy, now: datetime
) -> None:
    """Record the alerts these clocks are due and announce the new ones, in the same unit of work."""
    due = [RaisedAlert(facts, trace, alert) for facts, trace in clocks for alert in alerts_until(facts, policy, now)]
    if not due:
        return
    new = await uow.alerts.add_new(due, now)
    events = []
    for raised in due:
        key = (raised.facts.contact_id, raised.alert.key)
        if key not in new:
            continue
        new.discard(key)  # a contact given twice in one batch still raises it once
        ALERTS_RAISED.labels(raised.alert.kind, raised.alert.level).inc()
        events.append(alert_event(raised))
    await uow.outbox.add(events)


def alert_event(raised: RaisedAlert) -> OutgoingEvent:
    facts, alert = raised.facts, raised.alert
    # A registered contact has its patient and unit: alerts are raised only for clocks with a status.
    patient, unit = facts.patient or "", facts.unit or ""
    data = ALERT_EVENTS[alert.kind](
        contact_id=facts.contact_id,
        patient=patient,
        unit=unit,
        deadline=alert.deadline,
        level=alert.level,
        hours_left=alert.hours_left(),
        reason=alert.reason,
        measure=alert.measure().value,
    )
    return OutgoingEvent(data, alert_event_id(facts.contact_id, alert), SOURCE, patient, alert.at)


def alert_event_id(contact_id: str, alert: Alert) -> str:
    """The same alert has the same event id whichever monitor raises it: instances of one monitor, a rebuild
    beside the live one, or a replay. Consumers skip an id they have had, so nobody is alerted twice."""
    return str(uuid.uuid5(ALERT_IDS, f"{contact_id}\n{alert.key}\n{alert.deadline.astimezone(UTC).isoformat()}"))
