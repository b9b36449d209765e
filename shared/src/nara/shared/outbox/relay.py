"""The outbox relay: publishes committed outbox rows to Kafka, in commit order per key, at least once.

Several relays may run against one database. Each claims whole shards with session advisory locks and
publishes only its shards' rows, in id order, so one patient's events are never reordered by two relays
working at once. Relays count each other through a membership lock and hand over shards to share the
work fairly. A crash loses nothing: a row is marked sent only after Kafka acknowledged it, so the next
owner of its shard sends it again (consumers are idempotent). An event Kafka refuses for good (too large,
invalid) is parked in outbox_parked with its reason, and the relay goes on with the next (see parking.py).
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
from opentelemetry.trace import Span, SpanKind, Status, StatusCode
from prometheus_client import Counter, Gauge

from ..events.envelope import CONTENT_TYPE
from .parking import check_topic, count_parked, park, refusal_reason
from .writer import KAFKA_MAX_REQUEST_BYTES, SHARDS, register_local_relay, unregister_local_relay

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


class NotSent(Exception):
    """An event left for the next pass because one before it in the batch failed in a way that may pass."""


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
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._chase_until = 0.0
        self._producer_spoiled = False

    async def start(self) -> None:
        await self._start_producer()
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

    async def _start_producer(self) -> AIOKafkaProducer:
        self._producer = producer = AIOKafkaProducer(
            bootstrap_servers=self.bootstrap_servers,
            client_id=self.client_id,
            enable_idempotence=True,
            acks="all",
            linger_ms=5,
            max_request_size=KAFKA_MAX_REQUEST_BYTES,
        )
        await producer.start()
        self._producer_spoiled = False
        return producer

    async def _restart_producer(self) -> None:
        """A new producer id, so its sequence numbers start afresh."""
        if self._producer is not None:
            await self._producer.stop()
        await self._start_producer()

    def _started_producer(self) -> AIOKafkaProducer:
        if self._producer is None:
            raise RuntimeError("the outbox relay was not started")
        return self._producer

    async def publish_pending(self) -> int:
        """One pass over this relay's shards; returns how many events went out."""
        control = await self._ensure_control()
        loop = asyncio.get_running_loop()
        if not self.owned_shards or loop.time() >= self._next_rebalance:
            await self._rebalance(control)
            self._next_rebalance = loop.time() + self.rebalance_seconds
        if not self.owned_shards:
            return 0
        rows: list[asyncpg.Record] = await control.fetch(
            """SELECT id, event_id, topic, message_key, value, headers FROM outbox
               WHERE published_at IS NULL AND shard = ANY($1::smallint[])
               ORDER BY id LIMIT $2""",
            sorted(self.owned_shards),
            self.batch_size,
        )
        if rows:
            await self._settle(control, rows, await self._send_in_order(rows))
        return len(rows)

    async def _settle(
        self, control: asyncpg.Connection, rows: list[asyncpg.Record], failures: list[BaseException | None]
    ) -> None:
        """Park what Kafka refused for good, mark what it took, and raise if some must go again.

        A key's events after one that goes again are sent again too, even those Kafka took: the key keeps
        its order at the price of a duplicate (at least once, as ever; consumers skip what they applied).
        """
        refused = [
            (row, reason, error)
            for row, error in zip(rows, failures, strict=True)
            if error is not None and (reason := refusal_reason(error)) is not None
        ]
        if refused:
            await park(control, refused)
        again: set[str] = set()  # keys with an event that goes again
        sent = []
        for row, error in zip(rows, failures, strict=True):
            if error is None and row["message_key"] not in again:
                sent.append(row)
            elif error is not None and refusal_reason(error) is None:
                again.add(row["message_key"])
        await self._mark_published(control, sent)
        for row in sent:
            PUBLISHED.labels(row["topic"]).inc()
        if self._producer_spoiled:
            await self._restart_producer()
        if again:
            raise next(error for error in failures if error is not None and refusal_reason(error) is None)

    async def _mark_published(self, control: asyncpg.Connection, rows: list[asyncpg.Record]) -> None:
        await control.execute(
            "UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])", [row["id"] for row in rows]
        )

    async def _send_in_order(self, rows: list[asyncpg.Record]) -> list[BaseException | None]:
        """Each row's failure, or None when Kafka acknowledged it. After a failure that may pass, the rest
        of the batch is not sent (NotSent), so no event of a key overtakes one that will be sent again."""
        producer = self._started_producer()
        spans: list[Span] = []
        deliveries: list[tuple[int, asyncio.Future[object]]] = []
        failures: list[BaseException | None] = [None] * len(rows)
        try:
            for index, row in enumerate(rows):
                span = tracer.start_span(
                    f"{row['topic']} publish",
                    kind=SpanKind.PRODUCER,
                    context=propagate.extract(json.loads(row["headers"])),
                    attributes={
                        "messaging.system": "kafka",
                        "messaging.destination.name": row["topic"],
                        "messaging.operation.type": "publish",
                    },
                )
                spans.append(span)
                carrier: dict[str, str] = {}
                propagate.inject(carrier, context=trace.set_span_in_context(span))
                headers = [
                    ("content-type", CONTENT_TYPE.encode()),
                    *((name, value.encode()) for name, value in carrier.items()),
                ]
                try:
                    check_topic(row["topic"])
                    # send() only queues; the producer keeps per-partition order, and idempotence keeps retries
                    # in place. It refuses an event over max_request_size at once.
                    deliveries.append(
                        (
                            index,
                            await producer.send(
                                row["topic"],
                                value=bytes(row["value"]),
                                key=row["message_key"].encode(),
                                headers=headers,
                            ),
                        )
                    )
                except Exception as error:
                    failures[index] = error
                    if refusal_reason(error) is None:
                        failures[index + 1 :] = [NotSent()] * (len(rows) - index - 1)
                        break
            results = await asyncio.gather(*(delivery for _, delivery in deliveries), return_exceptions=True)
            for (index, _), result in zip(deliveries, results, strict=True):
                if isinstance(result, BaseException):
                    failures[index] = result
                    # The idempotent producer does not renumber the batches behind a failed one: every later
                    # batch of that partition would get OutOfOrderSequenceNumber.
                    self._producer_spoiled = True
        finally:
            # failures covers every row, spans only those reached before a failure stopped the batch
            for span, failure in zip(spans, failures, strict=False):
                if failure is not None:
                    span.record_exception(failure)
                    span.set_status(Status(StatusCode.ERROR))
                span.end()
        return failures

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
                    await asyncio.wait_for(
                        self._wakeup.wait(), timeout=CHASE_STEP_SECONDS if chasing else self.idle_poll_seconds
                    )
                    await asyncio.sleep(0.005)  # let commits that arrive together go out as one batch
                except TimeoutError:
                    pass

    async def _ensure_control(self) -> asyncpg.Connection:
        """The relay's own connection, which holds its membership and shard locks; opened again after a loss."""
        if self._control is not None and not self._control.is_closed():
            return self._control
        self.owned_shards = set()
        self._control = control = await asyncpg.connect(self.database_url)
        self._outbox_oid: int = await control.fetchval("SELECT 'outbox'::regclass::oid::bigint")
        self._lock_class = self._outbox_oid - 2**32 if self._outbox_oid >= 2**31 else self._outbox_oid  # int4
        member_key = random.randint(FIRST_MEMBER_KEY, 2**31 - 1)  # noqa: S311 -- a lock key, not a secret
        await control.execute("SELECT pg_advisory_lock($1, $2)", self._lock_class, member_key)
        return control

    async def _close_control(self) -> None:
        control, self._control = self._control, None
        self.owned_shards = set()
        if control is not None and not control.is_closed():
            try:
                await control.close(timeout=5)
            except (OSError, asyncpg.InterfaceError, TimeoutError):
                control.terminate()

    async def _rebalance(self, control: asyncpg.Connection) -> None:
        """Hold about a fair share of the shards: give extras back, take free ones up to the share."""
        members = await control.fetchval(
            """SELECT count(*) FROM pg_locks
               WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND classid = $1::bigint::oid
                 AND objid >= $2::bigint::oid
                 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())""",
            self._outbox_oid,
            FIRST_MEMBER_KEY,
        )
        fair_share = math.ceil(SHARDS / max(1, members))
        for shard in sorted(self.owned_shards, reverse=True)[: max(0, len(self.owned_shards) - fair_share)]:
            await control.execute("SELECT pg_advisory_unlock($1, $2)", self._lock_class, shard)
            self.owned_shards.discard(shard)
        for shard in range(SHARDS):
            if len(self.owned_shards) >= fair_share:
                break
            if shard not in self.owned_shards and await control.fetchval(
                "SELECT pg_try_advisory_lock($1, $2)", self._lock_class, shard
            ):
                self.owned_shards.add(shard)

    async def _housekeeping(self) -> None:
        control = await self._ensure_control()
        await control.execute(
            """DELETE FROM outbox WHERE id IN (
                   SELECT id FROM outbox WHERE published_at < now() - $1::interval LIMIT 10000)""",
            self.retention,
        )
        PENDING.set(await control.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL"))
        await count_parked(control)
