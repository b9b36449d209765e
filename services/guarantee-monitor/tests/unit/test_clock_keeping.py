"""The use cases of keeping clocks, on an in-memory unit of work: no database, no Kafka."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from types import SimpleNamespace

from nara.guarantee_monitor.domain.alerts import Alert, alerts_until
from nara.guarantee_monitor.domain.clock_record import ClockRecord
from nara.guarantee_monitor.domain.facts import ContactFacts
from nara.guarantee_monitor.domain.offer_counts import OfferOutcome
from nara.guarantee_monitor.domain.policy import GuaranteePolicy
from nara.guarantee_monitor.service.clock_keeping import alert_event_id, apply_events, fire_due
from nara.guarantee_monitor.service.ports import OutgoingEvent, RaisedAlert
from nara.shared.care_guarantee import ClockStatus
from nara.shared.clock import STOCKHOLM
from nara.shared.events.envelope import DecodedEvent

POLICY = GuaranteePolicy()
SOUGHT = datetime(2026, 11, 23, 9, 0, tzinfo=STOCKHOLM)
DEADLINE = datetime(2026, 11, 27, tzinfo=STOCKHOLM)


class MemoryOfferOutcomes:
    """The offers' outcomes, one per offer and outcome, as the table's primary key keeps them."""

    def __init__(self) -> None:
        self.stored: dict[tuple[str, str], OfferOutcome] = {}

    async def add(self, outcomes: Sequence[OfferOutcome]) -> None:
        for outcome in outcomes:
            self.stored.setdefault((outcome.offer_id, outcome.outcome), outcome)


class MemoryUnitOfWork:
    """The ports over dictionaries; what a block wrote is kept only if it ends without an error."""

    def __init__(self) -> None:
        self.records: dict[str, ClockRecord] = {}
        self.alert_keys: set[tuple[str, str]] = set()
        self.sent: list[OutgoingEvent] = []
        self.commits = 0
        self.offer_outcomes = MemoryOfferOutcomes()

    # The three ports are this object itself.
    @property
    def clocks(self) -> MemoryUnitOfWork:
        return self

    @property
    def alerts(self) -> MemoryUnitOfWork:
        return self

    @property
    def outbox(self) -> MemoryUnitOfWork:
        return self

    @property
    def offers(self) -> MemoryOfferOutcomes:
        return self.offer_outcomes

    async def __aenter__(self) -> MemoryUnitOfWork:
        self._before = (dict(self.records), set(self.alert_keys), list(self.sent))
        return self

    async def __aexit__(self, kind: object, error: object, trace: object) -> None:
        if error is None:
            self.commits += 1
        else:
            self.records, self.alert_keys, self.sent = self._before

    async def lock(self, contact_ids: Sequence[str]) -> dict[str, ContactFacts]:
        return {cid: self.records[cid].facts for cid in contact_ids if cid in self.records}

    async def lock_due(self, now: datetime, limit: int) -> list[tuple[ContactFacts, str | None]]:
        due = [r for r in self.records.values() if r.next_alert_at is not None and r.next_alert_at <= now]
        return [(r.facts, r.last_traceparent) for r in due[:limit]]

    async def save(self, records: Sequence[ClockRecord]) -> None:
        self.records.update({record.contact_id: record for record in records})

    async def add_new(self, alerts: Sequence[RaisedAlert], raised_at: datetime) -> set[tuple[str, str]]:
        new = {(a.facts.contact_id, a.alert.key) for a in alerts} - self.alert_keys
        self.alert_keys |= new
        return new

    async def add(self, events: Sequence[OutgoingEvent]) -> None:
        self.sent.extend(events)


def registered(contact_id: str = "c1") -> DecodedEvent:
    data = SimpleNamespace(
        contact_id=contact_id, patient="p_1", unit="U1", listed_unit="U1", channel="web", sought_at=SOUGHT
    )
    return DecodedEvent(
        "e1", "/nara/triage", "se.nara.contact.registered.v1", SOUGHT, "p_1", None, data
    )  # data: read by its fields


async def test_an_event_starts_a_clock_and_raises_no_alert_itself():
    uow = MemoryUnitOfWork()

    await apply_events(uow, [registered()], POLICY, SOUGHT + timedelta(minutes=1))

    record = uow.records["c1"]
    assert (record.status, record.deadline, uow.commits) == (ClockStatus.AT_RISK, DEADLINE, 1)
    assert uow.sent == []  # alerts are the scheduler's, once the consumer has caught up


async def test_due_alerts_go_to_the_outbox_once_with_the_same_ids_every_time():
    uow = MemoryUnitOfWork()
    await apply_events(uow, [registered()], POLICY, SOUGHT)

    assert await fire_due(lambda: uow, POLICY, DEADLINE + timedelta(hours=1)) == 1
    await fire_due(lambda: uow, POLICY, DEADLINE + timedelta(hours=2))

    kinds = [type(event.data).__name__ for event in uow.sent]
    assert kinds == ["GuaranteeAtRisk"] * 3 + ["GuaranteeBreached"]
    assert uow.records["c1"].status is ClockStatus.BREACHED
    breached = next(raised for raised in uow.sent if type(raised.data).__name__ == "GuaranteeBreached")
    assert breached.key == "p_1" and breached.event_id == alert_event_id("c1", _alert(uow, "breached"))


def _alert(uow: MemoryUnitOfWork, key: str) -> Alert:
    facts = uow.records["c1"].facts
    return next(a for a in alerts_until(facts, POLICY, DEADLINE + timedelta(hours=2)) if a.key == key)


def offer_event(event_id: str, event_type: str, **fields: object) -> DecodedEvent:
    data = SimpleNamespace(entry_id="e-1", contact_id="c1", patient="p_1", offer_id="o-1", slot_id="s-1", **fields)
    return DecodedEvent(event_id, "/nara/booking", event_type, SOUGHT, "p_1", None, data)


async def test_the_offers_outcomes_are_kept_once_each_in_the_events_unit_of_work():
    uow = MemoryUnitOfWork()
    offered = offer_event("e1", "se.nara.waitlist.offered.v1", unit="U1", offered_at=SOUGHT)
    accepted = offer_event(
        "e2", "se.nara.waitlist.offer_accepted.v1", unit="U1", accepted_at=SOUGHT, breach_prevented=True
    )

    await apply_events(uow, [offered, accepted], POLICY, SOUGHT)
    await apply_events(uow, [accepted], POLICY, SOUGHT)  # published again by booking, under another event id

    stored = uow.offer_outcomes.stored
    assert sorted(stored) == [("o-1", "accepted"), ("o-1", "offered")]
    assert stored[("o-1", "accepted")].breach_prevented is True
    assert uow.commits == 2
