"""No duplicate alert, by event id, under load (issue 13, finding 9), against real Kafka and PostgreSQL.

Two instances of one monitor (two relays and two schedulers on one database) take every event three times,
while a second monitor with a database of its own, as every other test's monitor or a rebuild is, reads the
same topics and alerts on the same contacts. Every alert of a contact (tier, breach, measure) is one event id on
nara.guarantee-alerts.v1, however many monitors raised it and however often it was delivered.
"""

import uuid
from collections import Counter, defaultdict
from datetime import timedelta

from booking_support import read_events_until
from monitor_support import Contact, publish, wait_for

from conftest import NOW, START, running_monitor
from nara.devstack.services import HALLAND_POLICY
from nara.devstack.testing import scratch_schema
from nara.guarantee_monitor.domain.policy import GuaranteePolicy
from nara.shared.clock import SettableClock
from nara.shared.topics import GUARANTEE_ALERTS

CONTACTS = 40
TRIAGED_AT = START + timedelta(minutes=10)


def alert_moments() -> list:
    """Each tier and deadline of both measures of a physiotherapist's contact, in order."""
    policy = GuaranteePolicy.from_json("", HALLAND_POLICY)
    deadlines = [measure.deadline for measure in policy.measures(START, "physiotherapist")]
    assert len(deadlines) == 2, "the region's limit for physiotherapists gives a second measure"
    return sorted({deadline - span for deadline in deadlines for _, span in policy.tiers()} | set(deadlines))


async def alert_count(monitor, contacts) -> int:
    rows = await monitor.fetch(
        "SELECT count(*) AS n FROM alerts WHERE contact_id = ANY($1::text[])", [c.id for c in contacts]
    )
    return rows[0]["n"]


async def alert_ids(monitor, contacts) -> list[str]:
    rows = await monitor.fetch(
        "SELECT event_id FROM outbox WHERE topic = $1 AND message_key = ANY($2::text[])",
        GUARANTEE_ALERTS,
        [c.patient for c in contacts],
    )
    return [row["event_id"] for row in rows]


async def triaged(monitor, contact) -> bool:
    rows = await monitor.fetch(
        "SELECT 1 FROM clocks WHERE contact_id = $1 AND regional_deadline IS NOT NULL", contact.id
    )
    return bool(rows)


async def idle(monitor) -> bool:
    due = await monitor.fetch("SELECT count(*) AS n FROM clocks WHERE next_alert_at <= $1", monitor.clock.now())
    return due[0]["n"] == 0


async def test_every_alert_is_one_event_id_across_instances_redeliveries_and_other_monitors(
    infrastructure, monitor_schema, kafka_bootstrap
):
    moments = alert_moments()
    clock, group = SettableClock(NOW), f"monitor-{uuid.uuid4().hex[:8]}"
    contacts = [Contact(START) for _ in range(CONTACTS)]
    async with (
        scratch_schema(infrastructure.database_urls["guarantee-monitor"], prefix="neighbour") as other_url,
        running_monitor(infrastructure, monitor_schema, clock, group, care_guarantee_policy=HALLAND_POLICY) as one,
        running_monitor(infrastructure, monitor_schema, clock, group, care_guarantee_policy=HALLAND_POLICY) as two,
        running_monitor(
            infrastructure,
            other_url,
            SettableClock(moments[-1] + timedelta(days=1)),
            f"neighbour-{uuid.uuid4().hex[:8]}",
            care_guarantee_policy=HALLAND_POLICY,
        ) as neighbour,
    ):
        for contact in contacts:
            await publish(
                kafka_bootstrap,
                contact,
                contact.registered(),
                contact.triaged(TRIAGED_AT, profession="physiotherapist"),
                repeat=3,
            )
        for contact in contacts:
            await wait_for(lambda contact=contact: triaged(one, contact), within=120)
        for moment in moments:  # both instances' schedulers race for every tier of every contact
            clock.set(moment)
            await wait_for(lambda: idle(two), within=60)
        expected = CONTACTS * len(moments)
        await wait_for(lambda: _reached(one, contacts, expected), within=60)
        await wait_for(lambda: _reached(neighbour, contacts, expected), within=120)
        ours, theirs = await alert_ids(two, contacts), await alert_ids(neighbour, contacts)

    events, _ = await read_events_until(
        kafka_bootstrap,
        GUARANTEE_ALERTS,
        lambda seen: set(ours) | set(theirs) <= {e.id for e in seen},
        within_seconds=120,
    )
    ids_per_alert, messages_per_alert = defaultdict(set), Counter()
    mine = {c.id for c in contacts}
    for event in events:
        if event.data.contact_id in mine:
            alert = (event.data.contact_id, event.type, event.data.hours_left, event.data.measure)
            ids_per_alert[alert].add(event.id)
            messages_per_alert[alert] += 1

    figures = (
        f"{len(ids_per_alert)} alerts, {sum(map(len, ids_per_alert.values()))} distinct event ids, "
        f"{sum(messages_per_alert.values())} messages"
    )
    assert len(ours) == len(set(ours)) == expected, figures  # the two instances raised each alert once
    assert len(ids_per_alert) == expected and {e.data.measure for e in events if e.id in ours} == {
        "national",
        "regional",
    }, figures
    assert all(len(ids) == 1 for ids in ids_per_alert.values()), figures  # one id, whichever monitor raised it
    assert set(theirs) == set(ours), figures


async def _reached(monitor, contacts, expected) -> bool:
    return await alert_count(monitor, contacts) >= expected
