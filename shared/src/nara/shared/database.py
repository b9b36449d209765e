"""asyncpg pools, and the readiness check that proves the database answers."""

from __future__ import annotations

import asyncio

import asyncpg


async def create_pool(url: str, *, min_size: int, max_size: int) -> asyncpg.Pool:
    return await asyncpg.create_pool(url, min_size=min_size, max_size=max_size, command_timeout=30)


async def database_answers(pool: asyncpg.Pool, timeout: float) -> bool:
    try:
        async with asyncio.timeout(timeout):
            async with pool.acquire() as connection:
                return await connection.fetchval("SELECT 1") == 1
    except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError, TimeoutError):
        return False
