"""Writing an event into the outbox, inside the caller's database transaction."""

from __future__ import annotations

import json
import uuid
import zlib
from datetime import datetime

import asyncpg
from opentelemetry import propagate

from ..events.envelope import encode_event
from ..events.models import EventData

SHARDS = 16
# pg_advisory_xact_lock(class, key): the class keeps our key locks apart from other advisory locks.
KEY_LOCK_CLASS = 0x6F757462  # "outb"


def shard_of(message_key: str) -> int:
    return zlib.crc32(message_key.encode()) % SHARDS


def _key_lock_id(message_key: str) -> int:
    return zlib.crc32(message_key.encode()) - 2**31  # into int4's range


async def add_to_outbox(
    connection: asyncpg.Connection,
    *,
    event_id: str,
    topic: str,
    message_key: str,
    value: bytes,
    headers: dict[str, str] | None = None,
) -> None:
    """Queue one event; it is published only if the surrounding transaction commits."""
    if not connection.is_in_transaction():
        raise RuntimeError("add_to_outbox must run inside the transaction that changes the state")
    # Serialise writers per key until commit, so id order is commit order for one patient's events.
    await connection.execute("SELECT pg_advisory_xact_lock($1, $2)", KEY_LOCK_CLASS, _key_lock_id(message_key))
    carried = dict(headers or {})
    propagate.inject(carried)  # the request's trace continues in the relay
    await connection.execute(
        """INSERT INTO outbox (event_id, topic, message_key, shard, value, headers)
           VALUES ($1, $2, $3, $4, $5, $6::jsonb)""",
        event_id, topic, message_key, shard_of(message_key), value, json.dumps(carried),
    )


async def add_event_to_outbox(
    connection: asyncpg.Connection, data: EventData, *, source: str, subject: str, time: datetime,
    event_id: str | None = None,
) -> str:
    """Queue a contract event as a CloudEvent keyed by its subject (the patient pseudonym); returns its id."""
    event_id = event_id or str(uuid.uuid4())
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    value = encode_event(data, source=source, subject=subject, event_id=event_id, time=time,
                         traceparent=carrier.get("traceparent"))
    await add_to_outbox(connection, event_id=event_id, topic=data.topic, message_key=subject, value=value)
    return event_id
