"""Outbox throughput: events committed and published per second, against a bare aiokafka producer.

Both sides send the same messages (same sizes, same keys) to Kafka with an idempotent producer and
acks=all; the outbox side also commits each event in its own PostgreSQL transaction first, and
publishes through the relay.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
import uuid

import asyncpg
from aiokafka import AIOKafkaProducer

from nara.devstack.testing import eventually, real_infrastructure, scratch_schema
from nara.shared.outbox import OutboxRelay, add_to_outbox


def make_events(count: int, patients: int) -> list[tuple[str, str, bytes]]:
    events = []
    for n in range(count):
        event_id = str(uuid.uuid4())
        key = f"p_{n % patients:06d}"
        value = json.dumps(
            {
                "specversion": "1.0",
                "id": event_id,
                "source": "/nara/booking",
                "type": "se.nara.appointment.booked.v1",
                "subject": key,
                "time": "2026-11-23T10:00:00+00:00",
                "datacontenttype": "application/json",
                "data": {
                    "appointment_id": str(uuid.uuid4()),
                    "contact_id": None,
                    "patient": key,
                    "unit": "SE2321000131-E000000000001",
                    "practitioner": "SE2321000131-P000000000001",
                    "profession": "nurse",
                    "contact_form": "clinic",
                    "start": "2026-11-24T08:00:00+00:00",
                    "end": "2026-11-24T08:20:00+00:00",
                    "booked_by": "patient",
                    "earlier_time_offered_within_guarantee": False,
                },
            }
        ).encode()
        events.append((event_id, key, value))
    return events


async def bare_producer(bootstrap: str, topic: str, events) -> float:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all", linger_ms=5)
    await producer.start()
    started = time.perf_counter()
    deliveries = [await producer.send(topic, value=value, key=key.encode()) for _, key, value in events]
    await asyncio.gather(*deliveries)
    elapsed = time.perf_counter() - started
    await producer.stop()
    return elapsed


async def through_outbox(url: str, bootstrap: str, topic: str, events, writers: int) -> tuple[float, float]:
    pool = await asyncpg.create_pool(url, min_size=writers, max_size=writers)
    relay = OutboxRelay(url, bootstrap, batch_size=1000)
    await relay.start()
    queue: asyncio.Queue = asyncio.Queue()
    for event in events:
        queue.put_nowait(event)

    async def writer() -> None:
        async with pool.acquire() as connection:
            while not queue.empty():
                event_id, key, value = queue.get_nowait()
                async with connection.transaction():
                    await add_to_outbox(connection, event_id=event_id, topic=topic, message_key=key, value=value)

    started = time.perf_counter()
    await asyncio.gather(*(writer() for _ in range(writers)))
    committed = time.perf_counter() - started
    async with pool.acquire() as connection:
        await until_published(connection)
    published = time.perf_counter() - started
    await relay.stop()
    await pool.close()
    return committed, published


async def until_published(connection: asyncpg.Connection) -> None:
    """Every 20 ms, the measurement's resolution: the relay tells nobody when its backlog is gone."""

    async def nothing_pending() -> bool:
        return not await connection.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL")

    await eventually(nothing_pending, what="the outbox drained", within_seconds=3600, every_seconds=0.02)


async def relay_drain(url: str, bootstrap: str, topic: str, events) -> float:
    """Commit everything first, then time the relay alone emptying the backlog."""
    connection = await asyncpg.connect(url)
    for event_id, key, value in events:
        async with connection.transaction():
            await add_to_outbox(connection, event_id=event_id, topic=topic, message_key=key, value=value)
    relay = OutboxRelay(url, bootstrap, batch_size=1000)
    started = time.perf_counter()
    await relay.start()
    await until_published(connection)
    elapsed = time.perf_counter() - started
    await relay.stop()
    await connection.close()
    return elapsed


async def main(count: int, writers: int) -> None:
    with real_infrastructure() as infrastructure:
        bootstrap = infrastructure.kafka_bootstrap_servers
        run = uuid.uuid4().hex[:8]
        async with scratch_schema(
            infrastructure.database_urls["booking"], prefix="bench", with_shared_tables=True
        ) as url:
            events = make_events(count, patients=1000)
            warmup = make_events(500, patients=50)
            await bare_producer(bootstrap, f"bench.warmup.{run}", warmup)
            bare = await bare_producer(bootstrap, f"bench.bare.{run}", events)
            committed, published = await through_outbox(url, bootstrap, f"bench.outbox.{run}", events, writers)
            drained = await relay_drain(url, bootstrap, f"bench.drain.{run}", make_events(count, patients=1000))

    size = len(events[0][2])
    print(f"events: {count} of ~{size} bytes, {writers} concurrent writers, one transaction per event")
    print(f"bare aiokafka producer:          {count / bare:10,.0f} events/s ({bare:.2f} s)")
    print(f"outbox, committed:               {count / committed:10,.0f} events/s ({committed:.2f} s)")
    print(f"outbox, committed and published: {count / published:10,.0f} events/s ({published:.2f} s)")
    print(f"relay alone, draining a backlog: {count / drained:10,.0f} events/s ({drained:.2f} s)")
    print(f"ratio outbox end-to-end / bare producer: {bare / published:.3f}")
    print(f"ratio relay alone / bare producer:       {bare / drained:.3f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--writers", type=int, default=8)
    args = parser.parse_args()
    asyncio.run(main(args.events, args.writers))
