"""Idempotency-Key records: the first answer to a request, kept for a week to replay to a retry."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import datetime
from typing import Any

import asyncpg

from ..service.unit_of_work import Claim

MAX_KEY_LENGTH = 200
# Visible ASCII only: a key is stored, compared and logged, so no spaces, control characters or lookalikes.
KEY_PATTERN = r"^[\x21-\x7e]{1,200}$"
_KEY = re.compile(KEY_PATTERN)


def key_problem(key: str) -> str | None:
    """Why a client's Idempotency-Key cannot be used (Swedish), or None."""
    if len(key) > MAX_KEY_LENGTH:
        return f"Idempotency-Key får vara högst {MAX_KEY_LENGTH} tecken."
    if not _KEY.fullmatch(key):
        return (
            "Idempotency-Key får bara innehålla synliga ASCII-tecken (inga mellanslag, kontrolltecken eller "
            "bokstäver som å, ä, ö). Använd till exempel ett UUID."
        )
    return None


def request_hash(request: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode()).hexdigest()


class PostgresIdempotencyRecords:
    """Idempotency-Key records in the request's own transaction."""

    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def claim(self, caller: str, key: str, fingerprint: str, now: datetime) -> Claim:
        """Take the key inside the request's transaction. A concurrent twin waits on the row until the first commits,
        then finds its answer."""
        taken = await self._connection.fetchval(
            """INSERT INTO idempotent_requests (caller, key, request_hash, created_at) VALUES ($1, $2, $3, $4)
               ON CONFLICT DO NOTHING RETURNING true""",
            caller,
            key,
            fingerprint,
            now,
        )
        if taken:
            return Claim(fresh=True)
        row = await self._connection.fetchrow(
            "SELECT request_hash, status_code, response FROM idempotent_requests WHERE caller = $1 AND key = $2",
            caller,
            key,
        )
        if row is None or row["request_hash"] != fingerprint:  # None: the key was forgotten meanwhile
            return Claim(fresh=False, reused=True)
        return Claim(fresh=False, status=row["status_code"], body=json.loads(row["response"]))

    async def remember(self, caller: str, key: str, status: int, body: Any) -> None:
        await self._connection.execute(
            "UPDATE idempotent_requests SET status_code = $3, response = $4::jsonb WHERE caller = $1 AND key = $2",
            caller,
            key,
            status,
            json.dumps(body),
        )
