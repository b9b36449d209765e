"""Idempotency records: a repeated request's key finds the first answer (idempotent_requests)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import asyncpg

from ..service.ports import StoredAnswer


class PostgresIdempotencyRecords:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def claim(self, caller: str, key: str, request_hash: str, now: datetime) -> StoredAnswer | None:
        claimed = await self._connection.fetchval(
            """INSERT INTO idempotent_requests (caller, key, request_hash, created_at) VALUES ($1, $2, $3, $4)
               ON CONFLICT DO NOTHING RETURNING true""",
            caller,
            key,
            request_hash,
            now,
        )
        if claimed:
            return None
        row = await self._connection.fetchrow(
            "SELECT request_hash, status_code, response FROM idempotent_requests WHERE caller = $1 AND key = $2",
            caller,
            key,
        )
        return StoredAnswer(row["status_code"], json.loads(row["response"]), row["request_hash"])

    async def record(self, caller: str, key: str, status: int, body: Any) -> None:
        await self._connection.execute(
            "UPDATE idempotent_requests SET status_code = $3, response = $4::jsonb WHERE caller = $1 AND key = $2",
            caller,
            key,
            status,
            json.dumps(body),
        )
