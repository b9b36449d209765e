"""The guarantee monitor against real Kafka and PostgreSQL: order, duplicates, tiers, restarts, two instances,
replay."""

import asyncio
import json
import uuid
from datetime import timedelta

from booking_support import read_events_until
from monitor_support import TEST_ID_PREFIX, Contact, publish, staff_headers, wait_for

from conftest import NOW, START, running_monitor
from nara.shared.clock import SettableClock

DEADLINE = START.replace(hour=0, minute=0) + timedelta(days=4)  # contact on Monday 23 Nov: by the end of Thursday


async def clock_of(monitor, contact, status=None):
    """The contact's clock once it exists (and, if given, has reached `status`): the topics arrive independently."""
    rows = await monitor.fetch(
        "SELECT status, deadline FROM clocks WHERE contact_id = $1 AND status IS NOT NULL", contact.id
    )
    return rows[0] if rows and status in (None, rows[0]["status"]) else None


async def alert_keys(monitor, contact):
    return [
        r["key"]
        for r in await monitor.fetch("SELECT key FROM alerts WHERE contact_id = $1 ORDER BY at, id", contact.id)
    ]


async def test_a_booking_that_arrives_before_its_registration_still_ends_on_track(monitor, kafka_bootstrap):
    contact = Contact(START)
    await publish(
        kafka_bootstrap, contact, contact.booked("a1", START + timedelta(days=1), START + timedelta(minutes=5))
    )
    await publish(kafka_bootstrap, contact, contact.registered())

    clock = await wait_for(lambda: clock_of(monitor, contact, "on_track"))

    assert clock["deadline"] == DEADLINE
    view = await monitor.client.get(f"/api/v1/clocks/{contact.id}", headers=staff_headers())
    assert [h["status"] for h in view.json()["history"]] == ["at_risk", "on_track"]  # by the events' own times


async def test_redelivered_events_change_nothing(monitor, kafka_bootstrap):
    contact = Contact(START)

    event_ids = await publish(
        kafka_bootstrap,
        contact,
        contact.registered(),
        contact.booked("a2", START + timedelta(days=1), START + timedelta(minutes=5)),
        contact.cancelled("a2", START + timedelta(minutes=30)),
        repeat=3,
    )
    await wait_for(lambda: _has_cancellation(monitor, contact))
    await asyncio.sleep(1)

    clock = await clock_of(monitor, contact)
    [row] = await monitor.fetch("SELECT facts FROM clocks WHERE contact_id = $1", contact.id)
    facts = json.loads(row["facts"])
    applied = await monitor.fetch(
        "SELECT count(*) AS n FROM consumed_events WHERE event_id = ANY($1::text[])", event_ids
    )
    assert clock["status"] == "at_risk"
    assert list(facts["bookings"]) == ["a2"] and facts["bookings"]["a2"]["end_kind"] == "cancelled"
    assert applied[0]["n"] == 3  # three distinct events, each applied once though delivered three times


async def test_each_tier_fires_once_at_its_moment_and_reaches_kafka(monitor, kafka_bootstrap, read_topic):
    contact = Contact(START)
    await publish(kafka_bootstrap, contact, contact.registered())
    await wait_for(lambda: clock_of(monitor, contact))

    monitor.clock.set(DEADLINE - timedelta(hours=48) - timedelta(seconds=1))
    await asyncio.sleep(0.5)
    before_tier = await alert_keys(monitor, contact)
    monitor.clock.set(DEADLINE - timedelta(hours=48))
    await wait_for(lambda: alert_keys(monitor, contact), within=5)
    monitor.clock.set(DEADLINE - timedelta(hours=47))
    await asyncio.sleep(0.5)

    assert before_tier == []
    assert await alert_keys(monitor, contact) == ["at_risk:48"]
    # Only this monitor's alerts: another monitor process of the run (with a real clock) may alert on the same
    # contact from the shared topic, and Kafka delivers at least once, so one alert is one event id of ours.
    ours = {
        r["event_id"]
        for r in await monitor.fetch(
            "SELECT event_id FROM outbox WHERE topic = 'nara.guarantee-alerts.v1' AND message_key = $1", contact.patient
        )
    }
    events, _ = await read_events_until(
        kafka_bootstrap, "nara.guarantee-alerts.v1", lambda seen: any(e.id in ours for e in seen)
    )
    mine = [e for e in events if e.id in ours]
    assert len(ours) == 1 and len({e.id for e in mine}) == 1, [(e.id, e.type) for e in mine]
    alert = mine[0]
    assert alert.type == "se.nara.guarantee.at_risk.v1" and alert.data.level == "info"
    assert alert.data.hours_left == 48.0 and alert.data.contact_id == contact.id


async def test_alerts_that_fell_due_while_the_monitor_was_down_fire_right_after_restart(
    infrastructure, monitor_schema, kafka_bootstrap
):
    clock, group = SettableClock(NOW), f"monitor-{uuid.uuid4().hex[:8]}"
    contact = Contact(START)
    async with running_monitor(infrastructure, monitor_schema, clock, group) as first:
        await publish(kafka_bootstrap, contact, contact.registered())
        await wait_for(lambda: clock_of(first, contact))

    clock.set(DEADLINE + timedelta(hours=1))  # the service was down through every tier and the deadline
    async with running_monitor(infrastructure, monitor_schema, clock, group) as restarted:
        keys = await wait_for(lambda: _keys_if(restarted, contact, 4), within=10)
        status = await clock_of(restarted, contact)

    assert keys == ["at_risk:48", "at_risk:24", "at_risk:8", "breached"]
    assert status["status"] == "breached"


async def test_two_monitor_instances_on_the_same_topics_raise_no_duplicate_alerts(
    infrastructure, monitor_schema, kafka_bootstrap
):
    clock, group = SettableClock(NOW), f"monitor-{uuid.uuid4().hex[:8]}"
    contacts = [Contact(START) for _ in range(12)]
    async with (
        running_monitor(infrastructure, monitor_schema, clock, group) as one,
        running_monitor(infrastructure, monitor_schema, clock, group) as two,
    ):
        for contact in contacts:
            await publish(kafka_bootstrap, contact, contact.registered())
        for contact in contacts:
            await wait_for(lambda contact=contact: clock_of(one, contact))
        for hours in (48, 24, 8, 0):
            clock.set(DEADLINE - timedelta(hours=hours))
            await asyncio.sleep(1)
        rows = await one.fetch(
            "SELECT contact_id, key, count(*) AS n FROM alerts WHERE contact_id = ANY($1::text[]) GROUP BY 1, 2",
            [c.id for c in contacts],
        )
        outbox = await two.fetch(
            "SELECT count(*) AS n FROM outbox WHERE message_key = ANY($1::text[])", [c.patient for c in contacts]
        )

    assert len(rows) == 12 * 4 and {r["n"] for r in rows} == {1}
    assert outbox[0]["n"] == 12 * 4


async def test_replaying_both_topics_into_an_empty_database_gives_the_same_clocks_and_alerts(
    infrastructure, monitor, kafka_bootstrap
):
    contacts = [
        Contact(START),
        Contact(START - timedelta(hours=3)),
        Contact(START, listed_unit=None),
        Contact(START, listed_unit="SE2321000115-E00000000013"),
        Contact(START),
    ]
    a, b, c, d, e = contacts
    await publish(
        kafka_bootstrap, a, a.registered(), a.booked("r1", START + timedelta(days=1), START + timedelta(hours=1))
    )
    await publish(kafka_bootstrap, b, b.registered(), b.assessed(START - timedelta(hours=1)))
    await publish(kafka_bootstrap, c, c.registered())
    await publish(kafka_bootstrap, d, d.registered())
    await publish(
        kafka_bootstrap,
        e,
        e.registered(),
        e.booked(f"late-{e.id}", START + timedelta(days=6), START + timedelta(minutes=20)),
    )
    for contact in contacts:
        await wait_for(lambda contact=contact: clock_of(monitor, contact))
    monitor.clock.set(DEADLINE + timedelta(hours=2))
    await wait_for(lambda: _scheduler_idle(monitor), within=120, interval=0.5)
    live = await _everything(monitor)
    live_consumed = (await monitor.fetch("SELECT count(*) AS n FROM consumed_events"))[0]["n"]

    from nara.devstack.testing import scratch_schema

    replay_group = f"replay-{uuid.uuid4().hex[:8]}"
    async with (
        scratch_schema(infrastructure.database_urls["guarantee-monitor"], prefix="replay") as url,
        running_monitor(infrastructure, url, SettableClock(monitor.clock.now()), replay_group) as replay,
    ):
        try:
            await wait_for(lambda: _caught_up(replay, live_consumed), within=120, interval=0.5)
        except TimeoutError:
            got = await replay.fetch("SELECT count(*) AS n FROM consumed_events")
            raise AssertionError(f"replay consumed {got[0]['n']} events, live {live_consumed}") from None
        await wait_for(lambda: _scheduler_idle(replay), within=120, interval=0.5)
        replayed = await _everything(replay, only={row[0] for row in live[0]})

    # Every clock and alert the live monitor had, the replay rebuilt exactly. Only contacts published by tests
    # (ids 'c-...') are compared: other processes may still be adding events to theirs while the test runs.
    assert replayed == live and len(live[0]) >= 3
    alerts = {cid: {k for (other, k, *_) in live[1] if other == cid} for cid in (c.id, d.id, e.id)}
    assert alerts[c.id] == {"at_risk:48", "at_risk:24", "at_risk:8", "breached"}  # listing unknown: covered
    assert alerts[d.id] == set()  # listed at another unit: not covered, no alerts
    assert f"late_booking:late-{e.id}" in alerts[e.id]  # the at-once alert is rebuilt by a replay too


async def _has_cancellation(monitor, contact):
    rows = await monitor.fetch("SELECT facts FROM clocks WHERE contact_id = $1 AND status IS NOT NULL", contact.id)
    return rows and '"cancelled"' in rows[0]["facts"]


async def _scheduler_idle(monitor):
    due = await monitor.fetch("SELECT count(*) AS n FROM clocks WHERE next_alert_at <= $1", monitor.clock.now())
    return due[0]["n"] == 0


async def _keys_if(monitor, contact, count):
    keys = await alert_keys(monitor, contact)
    return keys if len(keys) >= count else None


async def _everything(monitor, only=None):
    clocks = await monitor.fetch(
        "SELECT contact_id, status, deadline, facts, assessed_at FROM clocks "
        "WHERE status IS NOT NULL ORDER BY contact_id"
    )
    alerts = await monitor.fetch("SELECT contact_id, key, level, at, hours_left FROM alerts ORDER BY contact_id, key")
    keep = (lambda row: row[0].startswith(TEST_ID_PREFIX)) if only is None else (lambda row: row[0] in only)
    return [tuple(r) for r in clocks if keep(r)], [tuple(r) for r in alerts if keep(r)]


async def _caught_up(replay, live_consumed: int):
    """The replay has read at least every event the live monitor had when its state was taken."""
    count = await replay.fetch("SELECT count(*) AS n FROM consumed_events")
    return count[0]["n"] >= live_consumed
