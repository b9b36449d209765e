"""A row Kafka refuses for good is parked with its reason, and never holds back the events after it."""

import json
import uuid
from collections import defaultdict

import asyncpg
import pytest
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from prometheus_client import REGISTRY

from nara.devstack.testing import eventually
from nara.shared.outbox import OutboxRelay, add_to_outbox, shard_of

POISON_BYTES = 1_200_000  # the 1.2 MB event of the finding: over the producer's 1 MB max_request_size


async def write_row(connection: asyncpg.Connection, topic: str, key: str, event_id: str, value: bytes) -> int:
    """An outbox row written with plain SQL, past the writer's checks: as one from before them would be."""
    return await connection.fetchval(
        """INSERT INTO outbox (event_id, topic, message_key, shard, value, headers)
           VALUES ($1, $2, $3, $4, $5, '{}'::jsonb) RETURNING id""",
        event_id,
        topic,
        key,
        shard_of(key),
        value,
    )


def event(event_id: str, padding: int = 0) -> bytes:
    return json.dumps({"id": event_id, "type": "se.nara.test.v1", "data": {"text": "x" * padding}}).encode()


async def write_batch(url: str, topic: str, rows: list[tuple[str, int]]) -> list[tuple[int, str, str]]:
    """Rows of (key, padding) in this order, each its own commit; returns (id, event id, key) for each."""
    connection = await asyncpg.connect(url)
    written = []
    try:
        for key, padding in rows:
            event_id = str(uuid.uuid4())
            row_id = await write_row(connection, topic, key, event_id, event(event_id, padding))
            written.append((row_id, event_id, key))
    finally:
        await connection.close()
    return written


def parked_count(topic: str, reason: str) -> float:
    return REGISTRY.get_sample_value("nara_outbox_parked_total", {"topic": topic, "reason": reason}) or 0.0


async def wait_for_empty_outbox(url: str) -> None:
    connection = await asyncpg.connect(url)

    async def nothing_pending() -> bool:
        return not await connection.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL")

    try:
        await eventually(nothing_pending, what="every outbox row published or parked", within_seconds=30)
    finally:
        await connection.close()


def ids_by_key(messages) -> dict[str, list[str]]:
    seen = defaultdict(list)
    for message in sorted(messages, key=lambda m: (m.partition, m.offset)):
        seen[message.key.decode()].append(json.loads(message.value)["id"])
    return seen


async def parked_rows(url: str) -> list[asyncpg.Record]:
    connection = await asyncpg.connect(url)
    try:
        return await connection.fetch("SELECT * FROM outbox_parked ORDER BY id")
    finally:
        await connection.close()


async def test_an_event_too_large_for_kafka_is_parked_and_the_events_after_it_go_out(
    backbone_database, kafka_bootstrap, unique_topic, read_topic
):
    written = await write_batch(
        backbone_database, unique_topic, [("p_1", 10), ("p_1", POISON_BYTES), ("p_1", 10), ("p_2", 10), ("p_1", 10)]
    )
    poison_id, poison_event, _ = written[1]
    others = [w for w in written if w[0] != poison_id]
    counted_before = parked_count(unique_topic, "too_large")

    relay = OutboxRelay(backbone_database, kafka_bootstrap)
    await relay.start()
    try:
        messages = await read_topic(unique_topic, len(others), within_seconds=30, settle=1)
        await wait_for_empty_outbox(backbone_database)
    finally:
        await relay.stop()

    expected = defaultdict(list)
    for _, event_id, key in others:
        expected[key].append(event_id)
    assert ids_by_key(messages) == expected  # every other event, in commit order per key, and no poison
    [parked] = await parked_rows(backbone_database)
    assert (parked["id"], parked["event_id"], parked["topic"], parked["message_key"]) == (
        poison_id,
        poison_event,
        unique_topic,
        "p_1",
    )
    assert parked["reason"] == "too_large" and parked["event_type"] == "se.nara.test.v1"
    assert parked["size"] == len(event(poison_event, POISON_BYTES)) and parked["parked_at"] is not None
    assert "MessageSizeTooLarge" in parked["detail"]
    assert parked_count(unique_topic, "too_large") == counted_before + 1
    assert REGISTRY.get_sample_value("nara_outbox_parked_rows") == 1  # the gauge the alert reads


async def test_an_event_the_broker_itself_refuses_is_parked_and_the_partition_goes_on(
    backbone_database, kafka_bootstrap, unique_topic, read_topic
):
    # The topic's own limit is below the producer's: the producer sends it, and the broker answers no.
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    try:
        await admin.create_topics([NewTopic(unique_topic, 1, 1, topic_configs={"max.message.bytes": "4096"})])
    finally:
        await admin.close()
    written = await write_batch(
        backbone_database, unique_topic, [("p_1", 10), ("p_1", 20_000), ("p_1", 10), ("p_1", 10)]
    )
    relay = OutboxRelay(backbone_database, kafka_bootstrap)
    await relay.start()
    try:
        messages = await read_topic(unique_topic, 3, within_seconds=30, settle=1)
        await wait_for_empty_outbox(backbone_database)
        # After the refusal the same partition takes new events too.
        [(_, later_event, _)] = await write_batch(backbone_database, unique_topic, [("p_1", 10)])
        messages = await read_topic(unique_topic, 4, within_seconds=30)
    finally:
        await relay.stop()

    assert ids_by_key(messages)["p_1"] == [written[0][1], written[2][1], written[3][1], later_event]
    [parked] = await parked_rows(backbone_database)
    assert parked["id"] == written[1][0] and parked["reason"] == "too_large"


async def test_an_event_for_a_topic_kafka_cannot_have_is_parked_at_once(
    backbone_database, kafka_bootstrap, unique_topic, read_topic
):
    # The client would wait for metadata of an illegal name for 40 s, and then call it worth retrying.
    connection = await asyncpg.connect(backbone_database)
    try:
        bad_id = await write_row(connection, "nara contacts!", "p_1", "bad", event("bad"))
        await write_row(connection, unique_topic, "p_1", "good", event("good"))
    finally:
        await connection.close()
    relay = OutboxRelay(backbone_database, kafka_bootstrap)
    await relay.start()
    try:
        [message] = await read_topic(unique_topic, 1, within_seconds=30)
        await wait_for_empty_outbox(backbone_database)
    finally:
        await relay.stop()

    assert json.loads(message.value)["id"] == "good"
    [parked] = await parked_rows(backbone_database)
    assert (parked["id"], parked["reason"]) == (bad_id, "invalid_topic")


async def test_an_event_over_the_limit_is_refused_before_it_is_written(backbone_database):
    from datetime import UTC, datetime

    from nara.shared.events.models import AppointmentCancelled
    from nara.shared.outbox import EventTooLarge, add_event_to_outbox
    from nara.shared.outbox.writer import MAX_EVENT_BYTES

    connection = await asyncpg.connect(backbone_database)
    try:
        with pytest.raises(EventTooLarge, match="bytes"):
            async with connection.transaction():
                await connection.execute("CREATE TABLE state_change (n int)")
                await add_to_outbox(
                    connection, event_id="big", topic="t", message_key="p_1", value=b"x" * (MAX_EVENT_BYTES + 1)
                )
        with pytest.raises(EventTooLarge):
            async with connection.transaction():
                await add_event_to_outbox(
                    connection,
                    AppointmentCancelled(
                        appointment_id="a1", contact_id=None, cancelled_by="staff", reason="x" * POISON_BYTES
                    ),
                    source="/test",
                    subject="p_1",
                    time=datetime.now(UTC),
                )
        state_kept = await connection.fetchval("SELECT to_regclass('state_change') IS NOT NULL")
        rows = await connection.fetchval("SELECT count(*) FROM outbox")
    finally:
        await connection.close()
    assert not state_kept and rows == 0  # the caller's transaction rolled back: no state, no event


async def test_an_event_just_under_the_limit_is_written_and_reaches_kafka(
    backbone_database, kafka_bootstrap, unique_topic, read_topic
):
    from nara.shared.outbox.writer import MAX_EVENT_BYTES

    key = "p_" + "k" * 40
    value = b"x" * (MAX_EVENT_BYTES - len(key))
    connection = await asyncpg.connect(backbone_database)
    try:
        async with connection.transaction():
            await add_to_outbox(connection, event_id="largest", topic=unique_topic, message_key=key, value=value)
    finally:
        await connection.close()
    relay = OutboxRelay(backbone_database, kafka_bootstrap)
    await relay.start()
    try:
        [message] = await read_topic(unique_topic, 1, within_seconds=30)
    finally:
        await relay.stop()
    assert message.value == value  # the headroom covers the relay's headers: the largest allowed event goes out


async def test_an_error_that_may_pass_is_retried_and_parks_nothing(
    backbone_database, kafka_bootstrap, unique_topic, read_topic, monkeypatch
):
    from aiokafka.errors import KafkaTimeoutError

    written = await write_batch(backbone_database, unique_topic, [("p_1", 10), ("p_2", 10), ("p_1", 10)])
    relay = OutboxRelay(backbone_database, kafka_bootstrap)
    await relay.start()
    relay._stopping = True  # drive it by hand
    await relay._task
    try:
        sent = relay._producer.send

        async def broker_away(*args, **kwargs):
            raise KafkaTimeoutError()

        monkeypatch.setattr(relay._producer, "send", broker_away)
        with pytest.raises(KafkaTimeoutError):
            await relay.publish_pending()
        monkeypatch.setattr(relay._producer, "send", sent)
        await relay.publish_pending()
        messages = await read_topic(unique_topic, 3, within_seconds=30, settle=1)
    finally:
        await relay.stop()

    assert sorted(json.loads(m.value)["id"] for m in messages) == sorted(event_id for _, event_id, _ in written)
    assert await parked_rows(backbone_database) == []
