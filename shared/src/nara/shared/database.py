"""asyncpg pools, and the readiness check that proves the database answers."""

from __future__ import annotations

import asyncio

import asyncpg


async def create_pool(url: str, *, min_size: int, max_size: int) -> asyncpg.Pool:
    return await asyncpg.create_pool(
        url, min_size=min_size, max_size=max_size, command_timeout=30, reset=_end_transaction_only
    )


async def _end_transaction_only(connection: asyncpg.Connection) -> None:
    """Pooled connections keep no session state (no SET, LISTEN or session locks: those use their own
    connections), so the default reset query, a round trip on every release, buys nothing. asyncpg still
    rolls back any open transaction before calling this."""


async def database_answers(pool: asyncpg.Pool, within_seconds: float) -> bool:
    try:
        async with asyncio.timeout(within_seconds), pool.acquire() as connection:
            answer: int | None = await connection.fetchval("SELECT 1")
            return answer == 1
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError):
        return False
