"""The waitlist's offers per unit and week (issue 18), against real Kafka and PostgreSQL: booking's offer events,
some delivered twice and one published again under a new event id, counted once each in the Stockholm week they
happened; a restart and a replay of the whole topic by a new consumer group (as after lost offsets) on the same
database leave the counts as they were."""

import uuid
from datetime import datetime, timedelta

from monitor_support import Contact, publish, staff_headers, wait_for

from conftest import START, running_monitor
from nara.shared.clock import STOCKHOLM, SettableClock
from nara.shared.events.models import (
    WaitlistOfferAccepted,
    WaitlistOfferDeclined,
    WaitlistOffered,
    WaitlistOfferLapsed,
    WaitlistOfferWithdrawn,
)

MONDAY = START  # Monday 23 November 2026, 09:00 in Stockholm: ISO week 48
SUNDAY_LATE = datetime(2026, 11, 29, 23, 30, tzinfo=STOCKHOLM)  # 22:30 UTC, still week 48 in Stockholm
WEEK_BEFORE = START - timedelta(days=7)  # week 47
NOTHING = {"offered": 0, "accepted": 0, "declined": 0, "lapsed": 0, "withdrawn": 0, "breaches_prevented": 0}


def own_unit() -> str:
    return f"SE2321000115-E{uuid.uuid4().hex[:11].upper()}"


class Offer:
    """One freed time offered to one contact's waitlist entry, with the events booking publishes about it."""

    def __init__(self, contact: Contact, unit: str) -> None:
        self.contact, self.unit = contact, unit
        self.ids = {
            "entry_id": str(uuid.uuid4()),
            "contact_id": contact.id,
            "patient": contact.patient,
            "offer_id": str(uuid.uuid4()),
            "slot_id": str(uuid.uuid4()),
            "unit": unit,
        }

    def offered(self, at: datetime):
        return WaitlistOffered(
            **self.ids,
            profession="nurse",
            slot_start=at + timedelta(days=1),
            national_deadline=at + timedelta(days=2),
            standing="at_risk",
            offered_at=at,
            hold_until=at + timedelta(minutes=15),
        ), at

    def accepted(self, at: datetime, *, breach_prevented: bool):
        data = WaitlistOfferAccepted(
            **self.ids, appointment_id=str(uuid.uuid4()), accepted_at=at, breach_prevented=breach_prevented
        )
        return data, at

    def declined(self, at: datetime):
        return WaitlistOfferDeclined(**self.ids, declined_at=at), at

    def lapsed(self, at: datetime):
        return WaitlistOfferLapsed(**self.ids, lapsed_at=at), at

    def withdrawn(self, at: datetime):
        return WaitlistOfferWithdrawn(**self.ids, reason="entry_ended", withdrawn_at=at), at


async def weekly(monitor, unit: str) -> dict[str, dict[str, int]]:
    response = await monitor.client.get(
        "/api/v1/waitlist-offers/weekly", params={"unit": unit}, headers=staff_headers([unit])
    )
    assert response.status_code == 200, response.text
    return {row["week"]: {key: row[key] for key in NOTHING} for row in response.json()}


async def consumed(monitor, event_id: str) -> bool:
    return bool(await monitor.fetch("SELECT 1 FROM consumed_events WHERE event_id = $1", event_id))


EXPECTED = {
    "2026-W48": {**NOTHING, "offered": 3, "accepted": 2, "declined": 1, "breaches_prevented": 1},
    "2026-W47": {**NOTHING, "offered": 2, "lapsed": 1, "withdrawn": 1},
}


async def test_offers_are_counted_once_per_unit_and_stockholm_week_through_redelivery_restart_and_replay(
    infrastructure, monitor_schema, kafka_bootstrap
):
    unit, group = own_unit(), f"monitor-{uuid.uuid4().hex[:8]}"
    contact = Contact(WEEK_BEFORE, unit=unit)
    saved, ordinary, declined, lapsed, withdrawn = (Offer(contact, unit) for _ in range(5))
    events = [
        saved.offered(MONDAY),
        saved.accepted(MONDAY + timedelta(minutes=5), breach_prevented=True),
        ordinary.offered(MONDAY + timedelta(hours=1)),
        ordinary.accepted(SUNDAY_LATE, breach_prevented=False),
        declined.offered(SUNDAY_LATE - timedelta(minutes=5)),
        declined.declined(SUNDAY_LATE),
        lapsed.offered(WEEK_BEFORE),
        lapsed.lapsed(WEEK_BEFORE + timedelta(minutes=15)),
        withdrawn.offered(WEEK_BEFORE),
        withdrawn.withdrawn(WEEK_BEFORE + timedelta(minutes=3)),
    ]
    clock = SettableClock(MONDAY + timedelta(days=7))

    async with running_monitor(infrastructure, monitor_schema, clock, group) as monitor:
        ids = await publish(kafka_bootstrap, contact, *events, repeat=2)  # every event delivered twice
        await wait_for(lambda: consumed(monitor, ids[-1]))
        assert await wait_for(lambda: _counts_are(monitor, unit, EXPECTED))

    # Restarted, and booking publishes the saving acceptance again under a new event id: still counted once.
    async with running_monitor(infrastructure, monitor_schema, clock, group) as restarted:
        again = await publish(
            kafka_bootstrap, contact, saved.accepted(MONDAY + timedelta(minutes=5), breach_prevented=True)
        )
        await wait_for(lambda: consumed(restarted, again[0]))
        assert await weekly(restarted, unit) == EXPECTED

    # A new consumer group reads both topics from the start into the same tables, as after lost offsets.
    replay_group = f"replay-{uuid.uuid4().hex[:8]}"
    async with running_monitor(infrastructure, monitor_schema, clock, replay_group) as replaying:
        await wait_for(lambda: _replayed(replaying, replay_group, again[0]))
        assert await weekly(replaying, unit) == EXPECTED


async def _counts_are(monitor, unit, expected) -> bool:
    return await weekly(monitor, unit) == expected


async def _replayed(monitor, group: str, event_id: str) -> bool:
    rows = await monitor.fetch("SELECT 1 FROM consumed_events WHERE consumer = $1 AND event_id = $2", group, event_id)
    return bool(rows)


async def test_the_weekly_counts_are_for_operations_at_their_own_units(monitor):
    unit = own_unit()

    other_role = await monitor.client.get(
        "/api/v1/waitlist-offers/weekly", headers=staff_headers([unit], role="reception")
    )
    other_unit = await monitor.client.get(
        "/api/v1/waitlist-offers/weekly", params={"unit": own_unit()}, headers=staff_headers([unit])
    )
    backwards = await monitor.client.get(
        "/api/v1/waitlist-offers/weekly",
        params={"from": "2026-11-30", "to": "2026-11-23"},
        headers=staff_headers([unit], role="admin"),
    )

    assert other_role.status_code == 403
    assert other_unit.status_code == 403
    assert backwards.status_code == 422
    assert all(r.headers["content-type"].startswith("application/problem+json") for r in (other_role, backwards))
