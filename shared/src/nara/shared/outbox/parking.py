"""Parking: an outbox event Kafka refuses for good moves to outbox_parked, so the events after it still go out.

Only refusals about the event itself park it (too large, an invalid record or topic). Everything else (the
broker away, a timeout, a lost connection, a missing right) is about the road, not the event: the relay retries.
"""

from __future__ import annotations

import json
import logging
import re

import asyncpg
from aiokafka.errors import (
    CorruptRecordException,
    InvalidTimestampError,
    InvalidTopicError,
    MessageSizeTooLargeError,
    RecordListTooLargeError,
    RecordTooLargeError,
)
from prometheus_client import Counter, Gauge

log = logging.getLogger(__name__)

PARKED = Counter(
    "nara_outbox_parked_total", "Outbox events Kafka refused for good, parked in outbox_parked", ["topic", "reason"]
)
PARKED_ROWS = Gauge("nara_outbox_parked_rows", "Parked outbox events waiting to be re-sent or discarded")

REFUSED_FOR_GOOD: tuple[tuple[type[Exception], str], ...] = (
    (MessageSizeTooLargeError, "too_large"),
    (RecordTooLargeError, "too_large"),
    (RecordListTooLargeError, "too_large"),
    (CorruptRecordException, "invalid_record"),
    (InvalidTopicError, "invalid_topic"),
    (InvalidTimestampError, "invalid_timestamp"),
)
# Kafka's rule for topic names. The client would wait for metadata of an illegal one and then call it retriable.
LEGAL_TOPIC = re.compile(r"^[a-zA-Z0-9._-]{1,249}$")

PARK = """
    WITH parked AS (DELETE FROM outbox WHERE id = ANY($1::bigint[]) RETURNING *)
    INSERT INTO outbox_parked (id, event_id, topic, message_key, shard, event_type, value, headers, size, reason,
                               detail, created_at)
    SELECT p.id, p.event_id, p.topic, p.message_key, p.shard, why.event_type, p.value, p.headers,
           octet_length(p.value), why.reason, why.detail, p.created_at
    FROM parked p JOIN unnest($1::bigint[], $2::text[], $3::text[], $4::text[])
                       AS why (id, reason, detail, event_type) USING (id)"""


def refusal_reason(error: BaseException) -> str | None:
    """The reason Kafka will never take this event, or None if trying again may work."""
    for kind, reason in REFUSED_FOR_GOOD:
        if isinstance(error, kind):
            return reason
    return None


def check_topic(topic: str) -> None:
    if not LEGAL_TOPIC.match(topic):
        raise InvalidTopicError(f"{topic[:100]!r} is not a legal Kafka topic name")


async def park(connection: asyncpg.Connection, refused: list[tuple[asyncpg.Record, str, BaseException]]) -> None:
    """Move the refused rows (row, reason, error) out of the outbox in one statement, and count them."""
    await connection.execute(
        PARK,
        [row["id"] for row, _, _ in refused],
        [reason for _, reason, _ in refused],
        [f"{type(error).__name__}: {error}"[:1000] for _, _, error in refused],
        [_event_type(row["value"]) for row, _, _ in refused],
    )
    for row, reason, _ in refused:
        PARKED.labels(row["topic"], reason).inc()
        # Where and why only: the value and the key stay in the database.
        log.error(
            "outbox event refused by Kafka for good; parked in outbox_parked",
            extra={
                "outbox_id": row["id"],
                "event_id": row["event_id"],
                "topic": row["topic"],
                "reason": reason,
                "size": len(row["value"]),
            },
        )
    await count_parked(connection)


async def count_parked(connection: asyncpg.Connection) -> None:
    PARKED_ROWS.set(await connection.fetchval("SELECT count(*) FROM outbox_parked"))


def _event_type(value: bytes) -> str | None:
    try:
        kind = json.loads(bytes(value)).get("type")
    except (ValueError, AttributeError):  # not JSON, or not an object: it is parked all the same
        return None
    return kind[:200] if isinstance(kind, str) else None
