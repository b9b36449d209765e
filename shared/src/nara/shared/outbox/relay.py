"""The outbox relay: publishes committed outbox rows to Kafka, in commit order per key, at least once.

Several relays may run against one database. Each claims whole shards with session advisory locks and
publishes only its shards' rows, in id order, so one patient's events are never reordered by two relays
working at once. Relays count each other through a membership lock and hand over shards to share the
work fairly. A crash loses nothing: a row is marked sent only after Kafka acknowledged it, so the next
owner of its shard sends it again (consumers are idempotent).
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import random
from datetime import timedelta

import asyncpg
from aiokafka import AIOKafkaProducer
from opentelemetry import propagate, trace
from opentelemetry.trace import SpanKind, Status, StatusCode
from prometheus_client import Counter, Gauge

from ..events.envelope import CONTENT_TYPE
from .writer import SHARDS, register_local_relay, unregister_local_relay

log = logging.getLogger(__name__)
tracer = trace.get_tracer("nara.outbox")

# Advisory locks are per database: keyed by the outbox table's oid, relays of two outboxes in one
# database (two schemas, say) never take each other's shards. Shards use keys 0..15, members above.
FIRST_MEMBER_KEY = 1000

PUBLISHED = Counter("nara_outbox_published_total", "Outbox events published to Kafka", ["topic"])
PENDING = Gauge("nara_outbox_pending", "Outbox events committed but not yet published")
RELAY_ERRORS = Counter("nara_outbox_relay_errors_total", "Relay passes that failed and will be retried")

# A writer in this process wakes the relay before its transaction commits; the relay then looks every
# CHASE_STEP_SECONDS for CHASE_SECONDS, so the event goes out within milliseconds of the commit.
CHASE_SECONDS = 0.25
CHASE_STEP_SECONDS = 0.01


class OutboxRelay:
    def __init__(
        self,
        database_url: str,
        bootstrap_servers: str,
        *,
        client_id: str = "nara-outbox-relay",
        batch_size: int = 500,
        idle_poll_seconds: float = 0.1,
        retention: timedelta = timedelta(days=3),
        housekeeping_seconds: float = 30.0,
        rebalance_seconds: float = 2.0,
    ):
        self.database_url = database_url
        self.bootstrap_servers = bootstrap_servers
        self.client_id = client_id
        self.batch_size = batch_size
        self.idle_poll_seconds = idle_poll_seconds
        self.retention = retention
        self.housekeeping_seconds = housekeeping_seconds
        self.rebalance_seconds = rebalance_seconds
        self._next_rebalance = 0.0
        self.owned_shards: set[int] = set()
        self._wakeup = asyncio.Event()
        self._control: asyncpg.Connection | None = None
        self._producer: AIOKafkaProducer | None = None
        self._task: asyncio.Task | None = None
        self._stopping = False
        self._chase_until = 0.0

    async def start(self) -> None:
        self._producer = AIOKafkaProducer(
            bootstrap_servers=self.bootstrap_servers, client_id=self.client_id,
            enable_idempotence=True, acks="all", linger_ms=5,
        )
        await self._producer.start()
        register_local_relay(self._wakeup)
        self._task = asyncio.create_task(self._run(), name="outbox-relay")

    async def stop(self) -> None:
        """Finish the batch in hand, then release the shards for other relays."""
        self._stopping = True
        unregister_local_relay(self._wakeup)
        self._wakeup.set()
        if self._task is not None:
            await self._task
        await self._close_control()
        if self._producer is not None:
            await self._producer.stop()

    async def publish_pending(self) -> int:
        """One pass over this relay's shards; returns how many events went out."""
        await self._ensure_control()
        loop = asyncio.get_running_loop()
        if not self.owned_shards or loop.time() >= self._next_rebalance:
            await self._rebalance()
            self._next_rebalance = loop.time() + self.rebalance_seconds
        if not self.owned_shards:
            return 0
        rows = await self._control.fetch(
            """SELECT id, topic, message_key, value, headers FROM outbox
               WHERE published_at IS NULL AND shard = ANY($1::smallint[])
               ORDER BY id LIMIT $2""",
            sorted(self.owned_shards), self.batch_size,
        )
        if rows:
            await self._send_in_order(rows)
            await self._mark_published(rows)
        return len(rows)

    async def _mark_published(self, rows: list[asyncpg.Record]) -> None:
        await self._control.execute("UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])",
                                    [row["id"] for row in rows])

    async def _send_in_order(self, rows: list[asyncpg.Record]) -> None:
        spans, deliveries = [], []
        try:
            for row in rows:
                span = tracer.start_span(
                    f"{row['topic']} publish", kind=SpanKind.PRODUCER,
                    context=propagate.extract(json.loads(row["headers"])),
                    attributes={"messaging.system": "kafka", "messaging.destination.name": row["topic"],
                                "messaging.operation.type": "publish"},
                )
                spans.append(span)
                carrier: dict[str, str] = {}
                propagate.inject(carrier, context=trace.set_span_in_context(span))
                headers = [("content-type", CONTENT_TYPE.encode()),
                           *((name, value.encode()) for name, value in carrier.items())]
                # send() only queues; the producer keeps per-partition order, and idempotence keeps retries in place.
                deliveries.append(await self._producer.send(
                    row["topic"], value=bytes(row["value"]), key=row["message_key"].encode(), headers=headers))
            await asyncio.gather(*deliveries)
        except Exception as error:
            for span in spans:
                span.record_exception(error)
                span.set_status(Status(StatusCode.ERROR))
            raise
        finally:
            for span in spans:
                span.end()
        for row in rows:
            PUBLISHED.labels(row["topic"]).inc()

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        next_housekeeping = 0.0
        failures = 0
        while not self._stopping:
            if self._wakeup.is_set():
                self._chase_until = loop.time() + CHASE_SECONDS
            self._wakeup.clear()
            try:
                published = await self.publish_pending()
                if loop.time() >= next_housekeeping:
                    await self._housekeeping()
                    next_housekeeping = loop.time() + self.housekeeping_seconds
                failures = 0
            except Exception as error:
                failures += 1
                RELAY_ERRORS.inc()
                log.warning("outbox relay pass failed; retrying", extra={"error": repr(error), "failures": failures})
                await self._close_control()  # our shard locks go with it; someone (maybe us) takes them up again
                await asyncio.sleep(min(5.0, 0.2 * 2**failures))
                continue
            if published < self.batch_size and not self._stopping:
                chasing = loop.time() < self._chase_until
                try:
                    await asyncio.wait_for(self._wakeup.wait(),
                                           timeout=CHASE_STEP_SECONDS if chasing else self.idle_poll_seconds)
                    await asyncio.sleep(0.005)  # let commits that arrive together go out as one batch
                except TimeoutError:
                    pass

    async def _ensure_control(self) -> None:
        if self._control is not None and not self._control.is_closed():
            return
        self.owned_shards = set()
        self._control = await asyncpg.connect(self.database_url)
        self._outbox_oid = await self._control.fetchval("SELECT 'outbox'::regclass::oid::bigint")
        self._lock_class = self._outbox_oid - 2**32 if self._outbox_oid >= 2**31 else self._outbox_oid  # int4
        await self._control.execute("SELECT pg_advisory_lock($1, $2)", self._lock_class,
                                    random.randint(FIRST_MEMBER_KEY, 2**31 - 1))

    async def _close_control(self) -> None:
        control, self._control = self._control, None
        self.owned_shards = set()
        if control is not None and not control.is_closed():
            try:
                await control.close(timeout=5)
            except (OSError, asyncpg.InterfaceError, TimeoutError):
                control.terminate()

    async def _rebalance(self) -> None:
        """Hold about a fair share of the shards: give extras back, take free ones up to the share."""
        members = await self._control.fetchval(
            """SELECT count(*) FROM pg_locks
               WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND classid = $1::bigint::oid
                 AND objid >= $2::bigint::oid
                 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())""",
            self._outbox_oid, FIRST_MEMBER_KEY,
        )
        fair_share = math.ceil(SHARDS / max(1, members))
        for shard in sorted(self.owned_shards, reverse=True)[: max(0, len(self.owned_shards) - fair_share)]:
            await self._control.execute("SELECT pg_advisory_unlock($1, $2)", self._lock_class, shard)
            self.owned_shards.discard(shard)
        for shard in range(SHARDS):
            if len(self.owned_shards) >= fair_share:
                break
            if shard not in self.owned_shards and await self._control.fetchval(
                    "SELECT pg_try_advisory_lock($1, $2)", self._lock_class, shard):
                self.owned_shards.add(shard)

    async def _housekeeping(self) -> None:
        await self._control.execute(
            """DELETE FROM outbox WHERE id IN (
                   SELECT id FROM outbox WHERE published_at < now() - $1::interval LIMIT 10000)""",
            self.retention,
        )
        PENDING.set(await self._control.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL"))
