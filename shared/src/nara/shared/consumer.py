"""Idempotent, at-least-once consumers of CloudEvents, with dead letters for what cannot be read.

The consumed event id is recorded in the same transaction as the state the handler changes, so a
redelivery changes nothing. The Kafka offset is committed only after that transaction (FastStream's
NACK_ON_ERROR policy on a consumer without auto-commit): a crash before the commit means redelivery,
never loss.

A batch consumer applies many events in one transaction, under one FastStream span that starts a trace of
its own; so that each event's trace still reaches its handling, every event gets a short span of its own,
a child of the publisher's span, while spans are exported.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping

import asyncpg
from aiokafka import ConsumerRecord
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaBroker as CurrentBroker
from faststream.kafka.annotations import KafkaMessage
from opentelemetry import trace
from opentelemetry.trace import Link, Span, SpanKind, Status, StatusCode
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from .dead_letters import send_to_dead_letters
from .events.envelope import TRACEPARENT, DecodedEvent, UndecodableEvent, decode_event
from .telemetry import spans_are_exported

log = logging.getLogger(__name__)
tracer = trace.get_tracer("nara.consumer")
_TRACE_CONTEXT = TraceContextTextMapPropagator()

EventHandler = Callable[[asyncpg.Connection, DecodedEvent], Awaitable[None]]
BatchHandler = Callable[[asyncpg.Connection, list[DecodedEvent]], Awaitable[None]]
# A Kafka record and the event read from its value.
ReadableRecords = list[tuple[ConsumerRecord, DecodedEvent]]


class EventRejected(Exception):
    """A handler's verdict that an event can never be applied; it goes straight to the dead letters."""


class IdempotentConsumer:
    def __init__(
        self,
        name: str,
        pool: Callable[[], asyncpg.Pool],
        handlers: Mapping[str, EventHandler],
        *,
        max_attempts: int = 5,
        retry_backoff_seconds: float = 0.5,
    ):
        self.name = name
        self._pool = pool
        self.handlers = dict(handlers)
        self.max_attempts = max_attempts
        self.retry_backoff_seconds = retry_backoff_seconds
        self._attempts: dict[tuple[str, int, int], int] = {}

    def subscribe(self, broker: KafkaBroker, *topics: str, group_id: str | None = None) -> None:
        """Attach to a FastStream broker, reading the topics with one consumer of group `group_id`."""

        @broker.subscriber(
            *topics,
            group_id=group_id or self.name,
            ack_policy=AckPolicy.NACK_ON_ERROR,
            auto_offset_reset="earliest",
            decoder=_raw_bytes,
        )
        async def on_message(body: bytes, message: KafkaMessage, current_broker: CurrentBroker) -> None:
            await self.handle(body, message, current_broker)

    def subscribe_batches(
        self,
        broker: KafkaBroker,
        *topics: str,
        group_id: str,
        batch_handler: BatchHandler,
        max_records: int = 500,
    ) -> None:
        """Like subscribe, but a whole poll of messages is applied in one transaction: for high-volume consumers."""
        self._batch_handler = batch_handler

        @broker.subscriber(
            *topics,
            group_id=group_id,
            batch=True,
            max_records=max_records,
            batch_timeout_ms=50,
            ack_policy=AckPolicy.NACK_ON_ERROR,
            auto_offset_reset="earliest",
            decoder=_raw_bytes,
        )
        async def on_batch(bodies: list[bytes], message: KafkaMessage, current_broker: CurrentBroker) -> None:
            await self.handle_batch(message, current_broker)

    async def handle_batch(self, message: KafkaMessage, broker: KafkaBroker) -> None:
        records = message.raw_message if isinstance(message.raw_message, tuple) else (message.raw_message,)
        readable: ReadableRecords = []
        for record in records:
            try:
                event = decode_event(record.value or b"")
            except UndecodableEvent as bad:
                await self._dead_letter_record(broker, record, bad.reason, bad.detail)
                continue
            if event.type in self.handlers:
                readable.append((record, event))
        if not readable:
            return
        spans = self._event_spans(readable) if spans_are_exported() else []
        try:
            await self._apply_batch_once(readable)
        except Exception as error:
            log.warning(
                "a batch failed; applying its events one by one to find the bad one",
                extra={"consumer": self.name, "error": type(error).__name__},
            )
            try:
                for record, event in readable:
                    await self._apply_alone(broker, record, event)
            except Exception as transient:
                for span in spans:
                    span.set_status(Status(StatusCode.ERROR, type(transient).__name__))
                raise
        finally:
            for span in spans:
                span.end()

    def _event_spans(self, readable: ReadableRecords) -> list[Span]:
        """One span per event that came with a trace context, as a child of its publisher's span."""
        batch = trace.get_current_span().get_span_context()
        links = [Link(batch)] if batch.is_valid else None
        spans = []
        for record, event in readable:
            carrier = {
                name: value.decode("ascii", "replace")
                for name, value in record.headers or ()
                if name in (TRACEPARENT, "tracestate") and value
            }
            if TRACEPARENT not in carrier:  # no relay span in the headers: continue the writer's trace instead
                if not event.traceparent:
                    continue
                carrier = {TRACEPARENT: event.traceparent}
            spans.append(
                tracer.start_span(
                    f"apply {event.type}",
                    context=_TRACE_CONTEXT.extract(carrier),
                    kind=SpanKind.CONSUMER,
                    links=links,
                    attributes={
                        "messaging.system": "kafka",
                        "messaging.operation.type": "process",
                        "messaging.destination.name": record.topic,
                        "messaging.consumer.group.name": self.name,
                        "messaging.kafka.offset": record.offset,
                        "cloudevents.event_id": event.id,
                        "cloudevents.event_type": event.type,
                    },
                )
            )
        return spans

    async def _apply_batch_once(self, readable: ReadableRecords) -> None:
        async with self._pool().acquire() as connection, connection.transaction():
            fresh_ids = {
                row["event_id"]
                for row in await connection.fetch(
                    """INSERT INTO consumed_events (consumer, event_id, topic, partition, "offset")
                   SELECT $1, * FROM unnest($2::text[], $3::text[], $4::int[], $5::bigint[])
                   ON CONFLICT DO NOTHING RETURNING event_id""",
                    self.name,
                    [e.id for _, e in readable],
                    [r.topic for r, _ in readable],
                    [r.partition for r, _ in readable],
                    [r.offset for r, _ in readable],
                )
            }
            fresh: list[DecodedEvent] = []
            seen: set[str] = set()
            for _, event in readable:
                if event.id in fresh_ids and event.id not in seen:
                    seen.add(event.id)
                    fresh.append(event)
            if fresh:
                await self._batch_handler(connection, fresh)

    async def _apply_alone(self, broker: KafkaBroker, record: ConsumerRecord, event: DecodedEvent) -> None:
        for attempt in range(1, self.max_attempts + 1):
            try:
                await self._apply_batch_once([(record, event)])
                return
            except EventRejected as rejected:
                await self._dead_letter_record(broker, record, "rejected", str(rejected))
                return
            except Exception as error:
                if _is_transient(error):
                    raise  # the database or network is away: redeliver later rather than dead-letter good events
                if attempt == self.max_attempts:
                    await self._dead_letter_record(
                        broker, record, "handler_failed", f"{type(error).__name__} after {attempt} attempts"
                    )
                    return
                await asyncio.sleep(self.retry_backoff_seconds * attempt)

    async def handle(self, body: bytes, message: KafkaMessage, broker: KafkaBroker) -> None:
        record: ConsumerRecord = message.raw_message  # one record: this handler reads no batches
        position = (record.topic, record.partition, record.offset)
        try:
            event = decode_event(body)
        except UndecodableEvent as bad:
            await self._dead_letter(broker, message, body, bad.reason, bad.detail)
            return
        handler = self.handlers.get(event.type)
        if handler is None:
            return  # a contract event this consumer has no use for
        try:
            await self._apply_once(event, record, handler)
        except EventRejected as rejected:
            await self._dead_letter(broker, message, body, "rejected", str(rejected))
        except Exception as error:
            attempts = self._attempts.get(position, 0) + 1
            self._attempts[position] = attempts
            if attempts >= self.max_attempts and not _is_transient(error):
                self._attempts.pop(position, None)
                await self._dead_letter(
                    broker, message, body, "handler_failed", f"{type(error).__name__} after {attempts} attempts"
                )
                return
            log.warning(
                "event handling failed; it will be redelivered",
                extra={"consumer": self.name, "event_id": event.id, "attempt": attempts, "error": type(error).__name__},
            )
            await asyncio.sleep(self.retry_backoff_seconds * attempts)
            raise  # NACK: the consumer seeks back and Kafka redelivers from this offset
        self._attempts.pop(position, None)

    async def _apply_once(self, event: DecodedEvent, record: ConsumerRecord, handler: EventHandler) -> None:
        async with self._pool().acquire() as connection, connection.transaction():
            first_time = await connection.fetchval(
                """INSERT INTO consumed_events (consumer, event_id, topic, partition, "offset")
                   VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING true""",
                self.name,
                event.id,
                record.topic,
                record.partition,
                record.offset,
            )
            if first_time:
                await handler(connection, event)

    async def _dead_letter(
        self, broker: KafkaBroker, message: KafkaMessage, body: bytes, reason: str, detail: str
    ) -> None:
        await self._dead_letter_record(broker, message.raw_message, reason, detail, value=body)

    async def _dead_letter_record(
        self, broker: KafkaBroker, record: ConsumerRecord, reason: str, detail: str, value: bytes | None = None
    ) -> None:
        body = value if value is not None else (record.value or b"")
        await send_to_dead_letters(
            broker,
            value=body,
            key=record.key,
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            reason=reason,
            detail=detail,
            consumer=self.name,
        )


def _is_transient(error: Exception) -> bool:
    """Errors of reaching the database, not of the event: retrying later will work."""
    return isinstance(
        error,
        (OSError, TimeoutError, asyncpg.InterfaceError, asyncpg.PostgresConnectionError, asyncpg.CannotConnectNowError),
    )


async def _raw_bytes(message: KafkaMessage) -> bytes:
    """Hand the handler the bytes as they came: decoding, and deciding what is unreadable, is ours."""
    body: bytes = message.body
    return body
