"""Idempotent, at-least-once consumers of CloudEvents, with dead letters for what cannot be read.

The consumed event id is recorded in the same transaction as the state the handler changes, so a
redelivery changes nothing. The Kafka offset is committed only after that transaction (FastStream's
NACK_ON_ERROR policy on a consumer without auto-commit): a crash before the commit means redelivery,
never loss.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping

import asyncpg
from faststream import AckPolicy
from faststream.kafka import KafkaBroker
from faststream.kafka.annotations import KafkaBroker as CurrentBroker
from faststream.kafka.annotations import KafkaMessage

from .dead_letters import send_to_dead_letters
from .events.envelope import DecodedEvent, UndecodableEvent, decode_event

log = logging.getLogger(__name__)

EventHandler = Callable[[asyncpg.Connection, DecodedEvent], Awaitable[None]]


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

    def subscribe(self, broker, topic: str, *, group_id: str | None = None, **options) -> None:
        """Attach to a FastStream broker or router, reading `topic` as consumer group `group_id`."""

        @broker.subscriber(
            topic, group_id=group_id or self.name, ack_policy=AckPolicy.NACK_ON_ERROR,
            auto_offset_reset="earliest", decoder=_raw_bytes, **options,
        )
        async def on_message(body: bytes, message: KafkaMessage, current_broker: CurrentBroker) -> None:
            await self.handle(body, message, current_broker)

    async def handle(self, body: bytes, message, broker: KafkaBroker) -> None:
        record = message.raw_message
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
            if attempts >= self.max_attempts:
                self._attempts.pop(position, None)
                await self._dead_letter(broker, message, body, "handler_failed",
                                        f"{type(error).__name__} after {attempts} attempts")
                return
            log.warning("event handling failed; it will be redelivered",
                        extra={"consumer": self.name, "event_id": event.id, "attempt": attempts,
                               "error": type(error).__name__})
            await asyncio.sleep(self.retry_backoff_seconds * attempts)
            raise  # NACK: the consumer seeks back and Kafka redelivers from this offset
        self._attempts.pop(position, None)

    async def _apply_once(self, event: DecodedEvent, record, handler: EventHandler) -> None:
        async with self._pool().acquire() as connection, connection.transaction():
            first_time = await connection.fetchval(
                """INSERT INTO consumed_events (consumer, event_id, topic, partition, "offset")
                   VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING RETURNING true""",
                self.name, event.id, record.topic, record.partition, record.offset,
            )
            if first_time:
                await handler(connection, event)

    async def _dead_letter(self, broker: KafkaBroker, message, body: bytes, reason: str, detail: str) -> None:
        record = message.raw_message
        await send_to_dead_letters(
            broker, value=body, key=record.key, topic=record.topic, partition=record.partition,
            offset=record.offset, reason=reason, detail=detail, consumer=self.name,
        )


async def _raw_bytes(message) -> bytes:
    """Hand the handler the bytes as they came: decoding, and deciding what is unreadable, is ours."""
    return message.body
