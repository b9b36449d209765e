"""Idempotent consumers and dead letters against the real PostgreSQL and Kafka."""

import asyncio
import datetime as dt
import json
import uuid

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from faststream.kafka import KafkaBroker
from prometheus_client import REGISTRY

from nara.devstack.testing import eventually
from nara.shared.consumer import EventRejected, IdempotentConsumer
from nara.shared.events.envelope import encode_event
from nara.shared.events.models import ContactClosed

CLOSED_AT = dt.datetime(2026, 3, 29, 0, 30, tzinfo=dt.UTC)


def closed_event(contact_id: str, event_id: str | None = None) -> bytes:
    data = ContactClosed(contact_id=contact_id, reason="self_care", closed_at=CLOSED_AT)
    return encode_event(data, source="/nara/triage", subject="p_test", event_id=event_id)


@pytest.fixture
async def consuming(backbone_database, kafka_bootstrap, unique_topic):
    """A running consumer on unique_topic whose handler records closed contacts in a table."""
    pool = await asyncpg.create_pool(backbone_database, min_size=1, max_size=4)
    await pool.execute("CREATE TABLE closed_contacts (contact_id text, closed_at timestamptz)")
    behaviour = {"fail_times": 0, "reject": set(), "error": ConnectionError("the database went away for a moment")}

    async def record_closed(connection, event) -> None:
        if event.data.contact_id in behaviour["reject"]:
            raise EventRejected("this contact id can never be applied")
        if behaviour["fail_times"]:
            behaviour["fail_times"] -= 1
            raise behaviour["error"]
        await connection.execute(
            "INSERT INTO closed_contacts VALUES ($1, $2)", event.data.contact_id, event.data.closed_at
        )

    consumer = IdempotentConsumer(
        "test-consumer",
        lambda: pool,
        {ContactClosed.event_type: record_closed},
        max_attempts=3,
        retry_backoff_seconds=0.05,
    )
    broker = KafkaBroker(kafka_bootstrap)
    consumer.subscribe(broker, unique_topic, group_id=f"{unique_topic}-group")
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, enable_idempotence=True, acks="all")
    await producer.start()

    async def send(value: bytes, key: bytes = b"p_test") -> None:
        await producer.send_and_wait(unique_topic, value=value, key=key, partition=0)

    async def closed_contacts(expected: int) -> list[str]:
        async def enough_closed() -> bool:
            return len(await pool.fetch("SELECT contact_id FROM closed_contacts")) >= expected

        await eventually(enough_closed, what=f"{expected} contacts closed")
        await asyncio.sleep(1)  # long enough for a wrong extra delivery to land
        return [row["contact_id"] for row in await pool.fetch("SELECT contact_id FROM closed_contacts")]

    async with broker:
        await broker.start()
        yield send, closed_contacts, behaviour, pool
    await producer.stop()
    await pool.close()


async def test_the_same_event_delivered_twice_changes_state_once(consuming):
    send, closed_contacts, _, pool = consuming
    event = closed_event("c-1", event_id=str(uuid.uuid4()))

    await send(event)
    await send(event)
    await send(closed_event("c-2"))

    assert await closed_contacts(2) == ["c-1", "c-2"]
    assert await pool.fetchval("SELECT count(*) FROM consumed_events WHERE consumer = 'test-consumer'") == 2


async def test_a_failing_handler_is_retried_and_applies_the_event_once(consuming):
    send, closed_contacts, behaviour, _ = consuming
    behaviour["fail_times"] = 2

    await send(closed_event("c-retried"))

    assert await closed_contacts(1) == ["c-retried"]


def dead_letter_count(topic: str, reason: str) -> float:
    return REGISTRY.get_sample_value("nara_dead_letters_total", {"topic": topic, "reason": reason}) or 0.0


async def test_each_kind_of_bad_message_ends_in_the_dlq_and_the_next_good_one_is_processed(
    consuming, unique_topic, read_topic
):
    send, closed_contacts, behaviour, _ = consuming
    behaviour["reject"].add("c-rejected")
    unknown_type = json.loads(closed_event("c-x"))
    unknown_type["type"] = "se.nara.contact.teleported.v1"
    invalid_data = json.loads(closed_event("c-y"))
    del invalid_data["data"]["closed_at"]
    bad_messages = {
        "not_json": b"\x00\xffnot json at all",
        "not_cloudevent": json.dumps({"hello": "world"}).encode(),
        "unknown_type": json.dumps(unknown_type).encode(),
        "invalid_data": json.dumps(invalid_data).encode(),
        "rejected": closed_event("c-rejected"),
    }
    before = {reason: dead_letter_count(unique_topic, reason) for reason in bad_messages}

    for message in bad_messages.values():
        await send(message)
    await send(closed_event("c-good"))

    assert await closed_contacts(1) == ["c-good"]
    dead = await read_topic(f"{unique_topic}.dlq", len(bad_messages))
    by_reason = {dict(m.headers)["x-dead-letter-reason"].decode(): m for m in dead}
    assert set(by_reason) == set(bad_messages)
    for reason, original in bad_messages.items():
        headers = dict(by_reason[reason].headers)
        assert by_reason[reason].value == original
        assert headers["x-original-topic"] == unique_topic.encode()
        assert headers["x-original-partition"] == b"0"
        assert int(headers["x-original-offset"]) >= 0
        assert dead_letter_count(unique_topic, reason) == before[reason] + 1
    assert len({dict(m.headers)["x-original-offset"] for m in dead}) == len(bad_messages)
    assert b"closed_at" in dict(by_reason["invalid_data"].headers)["x-dead-letter-detail"]


async def test_a_handler_that_keeps_failing_goes_to_the_dlq_and_the_consumer_moves_on(
    consuming, unique_topic, read_topic
):
    send, closed_contacts, behaviour, _ = consuming
    behaviour["fail_times"] = 3  # as many as max_attempts
    behaviour["error"] = ValueError("this event breaks the handler every time")

    await send(closed_event("c-poison"))
    await send(closed_event("c-after"))

    assert await closed_contacts(1) == ["c-after"]
    [dead] = await read_topic(f"{unique_topic}.dlq", 1)
    assert dict(dead.headers)["x-dead-letter-reason"] == b"handler_failed"


async def test_the_offset_is_committed_only_after_the_handlers_transaction(
    backbone_database, kafka_bootstrap, unique_topic
):
    pool = await asyncpg.create_pool(backbone_database, min_size=1, max_size=2)
    await pool.execute("CREATE TABLE seen (contact_id text)")
    handler_entered, release_handler = asyncio.Event(), asyncio.Event()

    async def slow_remember(connection, event) -> None:
        handler_entered.set()
        await release_handler.wait()
        await connection.execute("INSERT INTO seen VALUES ($1)", event.data.contact_id)

    group = f"{unique_topic}-group"
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()

    async def committed_offset() -> int | None:
        offsets = await admin.list_consumer_group_offsets(group)
        position = offsets.get(TopicPartition(unique_topic, 0))
        return position.offset if position is not None else None

    broker = KafkaBroker(kafka_bootstrap)
    IdempotentConsumer("slow", lambda: pool, {ContactClosed.event_type: slow_remember}).subscribe(
        broker, unique_topic, group_id=group
    )
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    try:
        async with broker:
            await broker.start()
            await producer.send_and_wait(unique_topic, closed_event("c-slow"), key=b"p_test", partition=0)
            await asyncio.wait_for(handler_entered.wait(), timeout=60)
            await asyncio.sleep(6)  # longer than aiokafka's default auto-commit interval (5 s)
            while_handling = await committed_offset()
            release_handler.set()

            async def offset_committed() -> int | None:
                offset = await committed_offset()
                return offset if offset not in (None, -1, 0) else None

            after_commit = await eventually(offset_committed, what="the offset committed", within_seconds=30)
    finally:
        await producer.stop()
        await admin.close()
        await pool.close()

    assert while_handling in (None, -1)  # nothing committed while the transaction was still open
    assert after_commit == 1
