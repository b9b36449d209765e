"""Writing an event into the outbox, inside the caller's database transaction."""

from __future__ import annotations

import asyncio
import json
import uuid
import zlib
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

import asyncpg
from opentelemetry import propagate

from ..events.envelope import encode_event
from ..events.models import EventData

SHARDS = 16
# The relays running in this process: a writer wakes them, so its event goes out within milliseconds of its
# commit. Relays elsewhere find it by polling (the database sends no notifications: see 0004_outbox_polled.sql).
_local_relay_wakeups: set[asyncio.Event] = set()
# pg_advisory_xact_lock(class, key): the class keeps our key locks apart from other advisory locks.
KEY_LOCK_CLASS = 0x6F757462  # "outb"

# The relay's producer refuses a message over this (aiokafka's max_request_size; Kafka's own default for the
# producer's max.request.size and, near enough, the broker's message.max.bytes). An event is refused before it
# is written if its key and value come within HEADERS_HEADROOM of it: the relay adds the content type and the
# trace context as headers, and the record batch has its own overhead.
KAFKA_MAX_REQUEST_BYTES = 1_048_576
HEADERS_HEADROOM = 16 * 1024
MAX_EVENT_BYTES = KAFKA_MAX_REQUEST_BYTES - HEADERS_HEADROOM


class EventTooLarge(ValueError):
    """An event Kafka would refuse: raised before it is written, so the caller's transaction rolls back."""

    def __init__(self, topic: str, size: int) -> None:
        super().__init__(
            f"an event of {size} bytes for {topic} is over the outbox's limit of {MAX_EVENT_BYTES} "
            "bytes: Kafka would refuse it"
        )
        self.topic, self.size = topic, size


def serialised_insert(first_parameter: int = 1, *, for_each_row_of: str | None = None) -> str:
    """The outbox INSERT, taking the key's lock in its row source so the lock is held before the row's id is
    drawn: writers of one key are serialised until commit, so id order is commit order for a patient's events.

    Its parameters are an OutboxRow's `parameters`, numbered from `first_parameter`, so an adapter can put it in
    a WITH of its own statement; `for_each_row_of` names a CTE there, and the event is written only if it has a row.
    """
    n = [f"${first_parameter + i}" for i in range(OutboxRow.PARAMETER_COUNT)]
    source = f"{for_each_row_of}, " if for_each_row_of else ""
    # Only $n placeholders and the name of a CTE in the caller's own statement go in: no value ever does.
    return (
        f"INSERT INTO outbox (event_id, topic, message_key, shard, value, headers) "  # noqa: S608 - $n placeholders only, no values
        f"SELECT {n[2]}, {n[3]}, {n[4]}, {n[5]}, {n[6]}, {n[7]}::jsonb "
        f"FROM {source}(SELECT pg_advisory_xact_lock({n[0]}, {n[1]})) AS serialised"
    )


# Many events in one statement: the rows come in key-lock order (so two such writers never wait on each
# other in a cycle), every lock is taken before the sort hands rows on to draw their ids, and a key's events
# keep their given order. An event id already in the outbox is that event, written before: it is not written twice.
INSERT_MANY_SERIALISED = """
    INSERT INTO outbox (event_id, topic, message_key, shard, value, headers)
    SELECT e.event_id, e.topic, e.message_key, e.shard, e.value, e.headers::jsonb
    FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::smallint[], $7::bytea[], $8::text[])
             WITH ORDINALITY AS e (lock_id, event_id, topic, message_key, shard, value, headers, position)
         CROSS JOIN LATERAL (SELECT pg_advisory_xact_lock($1, e.lock_id)) AS serialised
    ORDER BY e.position
    ON CONFLICT (event_id) DO NOTHING"""


def shard_of(message_key: str) -> int:
    return zlib.crc32(message_key.encode()) % SHARDS


def _key_lock_id(message_key: str) -> int:
    return zlib.crc32(message_key.encode()) - 2**31  # into int4's range


@dataclass(frozen=True)
class OutboxRow:
    """One event as the outbox stores it, with its key's lock: what `serialised_insert` writes.
    EventTooLarge if Kafka could not take it: every writer comes through here, so none can write one."""

    PARAMETER_COUNT: ClassVar[int] = 8

    event_id: str
    topic: str
    message_key: str
    value: bytes
    headers: str  # JSON, with the trace context of the request that wrote it

    def __post_init__(self) -> None:
        size = len(self.value) + len(self.message_key.encode())
        if size > MAX_EVENT_BYTES:
            raise EventTooLarge(self.topic, size)

    @classmethod
    def of_message(
        cls, *, event_id: str, topic: str, message_key: str, value: bytes, headers: dict[str, str] | None = None
    ) -> OutboxRow:
        carried = dict(headers or {})
        propagate.inject(carried)  # the request's trace continues in the relay
        return cls(event_id, topic, message_key, value, json.dumps(carried))

    @classmethod
    def of_event(
        cls, data: EventData, *, source: str, subject: str, time: datetime, event_id: str | None = None
    ) -> OutboxRow:
        """A contract event, as a CloudEvent keyed by its subject (the patient pseudonym)."""
        event_id = event_id or str(uuid.uuid4())
        carrier: dict[str, str] = {}
        propagate.inject(carrier)
        value = encode_event(
            data, source=source, subject=subject, event_id=event_id, time=time, traceparent=carrier.get("traceparent")
        )
        return cls.of_message(event_id=event_id, topic=data.topic, message_key=subject, value=value)

    @property
    def lock_id(self) -> int:
        return _key_lock_id(self.message_key)

    @property
    def parameters(self) -> tuple[int, int, str, str, str, int, bytes, str]:
        """`serialised_insert`'s parameters, in its order."""
        return (
            KEY_LOCK_CLASS,
            self.lock_id,
            self.event_id,
            self.topic,
            self.message_key,
            shard_of(self.message_key),
            self.value,
            self.headers,
        )


INSERT_SERIALISED_PER_KEY = serialised_insert()


async def add_row_to_outbox(connection: asyncpg.Connection, row: OutboxRow) -> None:
    """Queue one event; it is published only if the surrounding transaction commits."""
    _ensure_in_transaction(connection)
    await connection.execute(INSERT_SERIALISED_PER_KEY, *row.parameters)
    wake_local_relays()


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
    _ensure_in_transaction(connection)
    row = OutboxRow.of_message(event_id=event_id, topic=topic, message_key=message_key, value=value, headers=headers)
    await add_row_to_outbox(connection, row)


async def add_event_to_outbox(
    connection: asyncpg.Connection,
    data: EventData,
    *,
    source: str,
    subject: str,
    time: datetime,
    event_id: str | None = None,
) -> str:
    """Queue a contract event as a CloudEvent keyed by its subject (the patient pseudonym); returns its id."""
    _ensure_in_transaction(connection)
    row = OutboxRow.of_event(data, source=source, subject=subject, time=time, event_id=event_id)
    await add_row_to_outbox(connection, row)
    return row.event_id


async def add_events_to_outbox(
    connection: asyncpg.Connection,
    events: list[tuple[EventData, str, str, datetime]],
    *,
    event_ids: list[str] | None = None,
) -> list[str]:
    """Queue many contract events, each (data, source, subject, time), in one round trip; returns their ids.
    `event_ids`, when given, are the events' own (one per event); otherwise each gets a new one."""
    _ensure_in_transaction(connection)
    if not events:
        return []
    ids = event_ids if event_ids is not None else [None] * len(events)
    if len(ids) != len(events):
        raise ValueError("one event id per event")
    rows = [
        OutboxRow.of_event(data, source=source, subject=subject, time=time, event_id=event_id)
        for (data, source, subject, time), event_id in zip(events, ids, strict=True)
    ]
    ordered = sorted(rows, key=lambda row: row.lock_id)  # stable, so a key's events keep their order
    columns = list(zip(*(row.parameters for row in ordered), strict=True))[1:]  # the lock class is $1, once
    await connection.execute(INSERT_MANY_SERIALISED, KEY_LOCK_CLASS, *(list(column) for column in columns))
    wake_local_relays()
    return [row.event_id for row in rows]


def wake_local_relays() -> None:
    """Tell this process's relays an event was written (before its commit: they look again until it shows)."""
    for wakeup in _local_relay_wakeups:
        wakeup.set()


def register_local_relay(wakeup: asyncio.Event) -> None:
    _local_relay_wakeups.add(wakeup)


def unregister_local_relay(wakeup: asyncio.Event) -> None:
    _local_relay_wakeups.discard(wakeup)


def _ensure_in_transaction(connection: asyncpg.Connection) -> None:
    if not connection.is_in_transaction():
        raise RuntimeError("an outbox write must run inside the transaction that changes the state")
