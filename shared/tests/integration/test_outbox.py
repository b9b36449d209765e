"""The transactional outbox against the real PostgreSQL and Kafka."""

import json
import random
import uuid
from collections import defaultdict
from datetime import timedelta

import asyncpg
import pytest

from nara.devstack.testing import eventually
from nara.shared.outbox import OutboxRelay, add_to_outbox, shard_of
from nara.shared.outbox.writer import SHARDS


async def write_events(url: str, topic: str, keys: list[str], per_key: int) -> dict[str, list[str]]:
    """Commit per_key events for each key, interleaved at random, one transaction each; returns ids per key."""
    order = [key for key in keys for _ in range(per_key)]
    random.shuffle(order)
    committed = defaultdict(list)
    connection = await asyncpg.connect(url)
    try:
        for key in order:
            event_id = str(uuid.uuid4())
            async with connection.transaction():
                await add_to_outbox(
                    connection,
                    event_id=event_id,
                    topic=topic,
                    message_key=key,
                    value=json.dumps({"id": event_id}).encode(),
                )
            committed[key].append(event_id)
    finally:
        await connection.close()
    return committed


def ids_by_key(messages) -> dict[str, list[str]]:
    seen = defaultdict(list)
    for message in sorted(messages, key=lambda m: (m.partition, m.offset)):
        seen[message.key.decode()].append(json.loads(message.value)["id"])
    return seen


async def pending(url: str) -> int:
    connection = await asyncpg.connect(url)
    try:
        return await connection.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL")
    finally:
        await connection.close()


async def wait_until_published(url: str) -> None:
    async def nothing_pending() -> bool:
        return not await pending(url)

    await eventually(nothing_pending, what="every outbox row published")


async def test_committed_events_reach_kafka_in_commit_order_per_key(
    backbone_database, kafka_bootstrap, unique_topic, read_topic
):
    committed = await write_events(backbone_database, unique_topic, [f"p_{n}" for n in range(5)], per_key=40)
    relay = OutboxRelay(backbone_database, kafka_bootstrap)
    await relay.start()
    try:
        messages = await read_topic(unique_topic, 200)
        await wait_until_published(backbone_database)
    finally:
        await relay.stop()

    assert ids_by_key(messages) == committed
    assert {m.headers[0] for m in messages} == {("content-type", b"application/cloudevents+json")}


async def test_a_rolled_back_transaction_publishes_nothing(
    backbone_database, kafka_bootstrap, unique_topic, read_topic
):
    connection = await asyncpg.connect(backbone_database)
    with pytest.raises(RuntimeError):
        async with connection.transaction():
            await add_to_outbox(
                connection,
                event_id="rolled-back",
                topic=unique_topic,
                message_key="p_1",
                value=b'{"id": "rolled-back"}',
            )
            raise RuntimeError("the state change failed")
    async with connection.transaction():
        await add_to_outbox(connection, event_id="kept", topic=unique_topic, message_key="p_1", value=b'{"id": "kept"}')
    await connection.close()
    relay = OutboxRelay(backbone_database, kafka_bootstrap)
    await relay.start()
    try:
        messages = await read_topic(unique_topic, 1, settle=2)
    finally:
        await relay.stop()

    assert [json.loads(m.value)["id"] for m in messages] == ["kept"]


async def test_writing_outside_a_transaction_is_refused(backbone_database, unique_topic):
    connection = await asyncpg.connect(backbone_database)
    try:
        with pytest.raises(RuntimeError, match="inside the transaction"):
            await add_to_outbox(connection, event_id="x", topic=unique_topic, message_key="p", value=b"{}")
    finally:
        await connection.close()


async def test_events_committed_before_a_crash_are_delivered_after_restart(
    backbone_database, kafka_bootstrap, unique_topic, read_topic, monkeypatch
):
    # The service committed, then died before its relay published anything.
    committed = await write_events(backbone_database, unique_topic, ["p_a", "p_b"], per_key=10)
    # The next relay dies after Kafka took the batch but before it could mark the rows as sent.
    crashing = OutboxRelay(backbone_database, kafka_bootstrap)
    await crashing.start()
    crashing._stopping = True  # drive it by hand
    await crashing._task

    async def crash_before_marking(control, rows):
        raise ConnectionResetError("the relay's process died")

    monkeypatch.setattr(crashing, "_mark_published", crash_before_marking)
    with pytest.raises(ConnectionResetError):
        await crashing.publish_pending()
    await crashing.stop()
    assert await pending(backbone_database) == 20

    restarted = OutboxRelay(backbone_database, kafka_bootstrap)
    await restarted.start()
    try:
        await wait_until_published(backbone_database)
        messages = await read_topic(unique_topic, 40)
    finally:
        await restarted.stop()

    delivered = ids_by_key(messages)
    for key, ids in committed.items():
        assert set(delivered[key]) == set(ids)  # every committed event arrived (some twice: at least once)
        assert delivered[key][-len(ids) :] == ids  # and the redelivery itself is in commit order


async def test_two_relays_split_the_shards_and_keep_per_key_order(
    backbone_database, kafka_bootstrap, unique_topic, read_topic
):
    first = OutboxRelay(backbone_database, kafka_bootstrap, idle_poll_seconds=0.1)
    second = OutboxRelay(backbone_database, kafka_bootstrap, idle_poll_seconds=0.1)
    await first.start()
    await second.start()
    try:
        committed = await write_events(backbone_database, unique_topic, [f"p_{n}" for n in range(30)], per_key=10)
        messages = await read_topic(unique_topic, 300)
        await wait_until_published(backbone_database)

        async def shared_fairly() -> bool:
            return len(first.owned_shards) == len(second.owned_shards) == SHARDS // 2

        await eventually(shared_fairly, what="the shards shared half and half", within_seconds=30)
        shards = (set(first.owned_shards), set(second.owned_shards))
    finally:
        await first.stop()
        await second.stop()

    assert ids_by_key(messages) == committed
    assert not shards[0] & shards[1] and shards[0] | shards[1] == set(range(SHARDS))


async def test_sent_rows_older_than_the_retention_are_pruned(
    backbone_database, kafka_bootstrap, unique_topic, read_topic
):
    await write_events(backbone_database, unique_topic, ["p_1"], per_key=5)
    relay = OutboxRelay(backbone_database, kafka_bootstrap, retention=timedelta(0), housekeeping_seconds=0.2)
    await relay.start()
    try:
        await read_topic(unique_topic, 5)
        connection = await asyncpg.connect(backbone_database)

        async def outbox_empty() -> bool:
            return not await connection.fetchval("SELECT count(*) FROM outbox")

        await eventually(outbox_empty, what="the sent rows pruned", within_seconds=30)
        await connection.close()
    finally:
        await relay.stop()


async def test_a_batch_of_events_keeps_each_keys_order_in_one_round_trip(backbone_database):
    from datetime import UTC, datetime

    from nara.shared.events.models import AppointmentNoShow
    from nara.shared.outbox.writer import add_events_to_outbox

    now = datetime.now(UTC)
    keys = ["p_b", "p_a", "p_c", "p_a", "p_b", "p_a"]
    events = [
        (AppointmentNoShow(appointment_id=f"a{n}", contact_id=None, at=now), "/test", key, now)
        for n, key in enumerate(keys)
    ]
    connection = await asyncpg.connect(backbone_database)
    try:
        async with connection.transaction():
            ids = await add_events_to_outbox(connection, events)
        rows = await connection.fetch("SELECT event_id, message_key, shard FROM outbox ORDER BY id")
    finally:
        await connection.close()
    assert len(set(ids)) == len(keys)
    written_per_key = defaultdict(list)
    for row in rows:
        written_per_key[row["message_key"]].append(row["event_id"])
    given_per_key = defaultdict(list)
    for event_id, key in zip(ids, keys, strict=True):
        given_per_key[key].append(event_id)
    assert written_per_key == given_per_key
    assert all(row["shard"] == shard_of(row["message_key"]) for row in rows)
