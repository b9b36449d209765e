"""The message job's queue over outgoing_messages (0010, 0012): claims, and what became of each send.

A claim is one short transaction: the next due pending message, locked with SKIP LOCKED so that two instances
never take the same, is marked claimed until the database's own clock plus CLAIM_SECONDS (wall time, not the
service's injected clock: it measures whether a sender is still alive), and its attempt counted."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from nara.shared.messaging import Channel

from ..service.message_records import Purpose
from ..service.sending import UNKNOWN_AFTER_STOP, ClaimedMessage

CLAIM_SECONDS = 120  # far beyond a send's timeout (15 s)

CLAIM = """
    UPDATE outgoing_messages SET attempts = attempts + 1,
           claimed_until = clock_timestamp() + make_interval(secs => $2)
    WHERE key = (
        SELECT key FROM outgoing_messages
        WHERE state = 'pending' AND claimed_until IS NULL AND due_at <= $1
          AND (next_attempt_at IS NULL OR next_attempt_at <= $1)
        ORDER BY due_at
        LIMIT 1
        FOR UPDATE SKIP LOCKED)
    RETURNING key, purpose, channel, recipient, subject, body, attempts"""

DONE = """
    UPDATE outgoing_messages SET state = $2, done_at = $3, recipient = NULL, claimed_until = NULL,
           next_attempt_at = NULL, last_error = $4
    WHERE key = $1 AND state = ANY($5::text[])"""


class PostgresMessageQueue:
    def __init__(self, pool: asyncpg.Pool, claim_seconds: float = CLAIM_SECONDS) -> None:
        self._pool = pool
        self._claim_seconds = claim_seconds

    async def give_up_stale_claims(self, now: datetime) -> int:
        stale = await self._pool.execute(
            """UPDATE outgoing_messages SET state = 'unknown', done_at = $1, recipient = NULL, claimed_until = NULL,
                      last_error = $2
               WHERE state = 'pending' AND claimed_until < clock_timestamp()""",
            now,
            UNKNOWN_AFTER_STOP,
        )
        return int(stale.split()[-1])

    async def claim_next(self, now: datetime) -> ClaimedMessage | None:
        row = await self._pool.fetchrow(CLAIM, now, float(self._claim_seconds))
        if row is None:
            return None
        return ClaimedMessage(
            key=row["key"],
            purpose=Purpose(row["purpose"]),
            channel=Channel(row["channel"]),
            recipient=row["recipient"],
            subject=row["subject"],
            body=row["body"],
            attempts=row["attempts"],
        )

    async def sent(self, key: str, *, now: datetime) -> None:
        # 'unknown' too: a send slower than its claim that answered after all.
        await self._pool.execute(DONE, key, "sent", now, None, ["pending", "unknown"])

    async def retry_at(self, key: str, at: datetime, *, reason: str) -> None:
        await self._pool.execute(
            """UPDATE outgoing_messages SET next_attempt_at = $2, claimed_until = NULL, last_error = $3
               WHERE key = $1 AND state = 'pending'""",
            key,
            at,
            reason,
        )

    async def give_up(self, key: str, *, now: datetime, reason: str, unknown: bool = False) -> None:
        await self._pool.execute(DONE, key, "unknown" if unknown else "failed", now, reason, ["pending"])
