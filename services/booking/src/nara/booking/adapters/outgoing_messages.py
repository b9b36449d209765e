"""Messages to patients in PostgreSQL: written in the use case's transaction (service/message_records.py)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import asyncpg

from ..service.message_records import OutgoingMessage


class PostgresOutgoingMessages:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def leave(self, message: OutgoingMessage, *, now: datetime) -> bool:
        written = await self._connection.fetchval(
            """
            INSERT INTO outgoing_messages (key, purpose, patient, channel, recipient, subject, body, due_at, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (key) DO NOTHING
            RETURNING true
            """,
            message.key,
            message.purpose.value,
            message.patient,
            message.channel.value,
            message.recipient,
            message.subject,
            message.body,
            message.due_at,
            now,
        )
        return bool(written)

    async def cancel(self, keys: Iterable[str], *, now: datetime) -> int:
        stopped = await self._connection.fetchval(
            """
            WITH stopped AS (
                UPDATE outgoing_messages SET state = 'cancelled', done_at = $2, recipient = NULL
                WHERE key = ANY($1::text[]) AND state = 'pending'
                RETURNING 1
            )
            SELECT count(*) FROM stopped
            """,
            list(keys),
            now,
        )
        return int(stopped or 0)
