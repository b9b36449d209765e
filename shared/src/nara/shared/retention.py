"""Forgetting rows whose use has passed, a batch at a time by age, so that tables stop growing."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Coroutine
from datetime import datetime, timedelta

import asyncpg
from fastapi import FastAPI

# A task the service frame runs beside the app for its whole life; a coroutine, so it can be a task.
BackgroundTask = Callable[[FastAPI], Coroutine[None, None, None]]

log = logging.getLogger(__name__)

BATCH = 10_000
EVERY_SECONDS = 600.0
# Table and column names are put into the statement as text (PostgreSQL binds values, never names).
_PLAIN_NAME = re.compile(r"[a-z_][a-z0-9_]*")


async def forget_rows(
    connection: asyncpg.Connection, table: str, column: str, *, before: datetime, batch: int = BATCH
) -> int:
    """Delete up to `batch` rows of `table` whose `column` is before `before`; returns how many went.

    `table` and `column` are names from our own code, never input; anything but a plain name is refused."""
    for name in (table, column):
        if not _PLAIN_NAME.fullmatch(name):
            raise ValueError(f"not a plain table or column name: {name!r}")
    deleted: str = await connection.execute(
        f"DELETE FROM {table} WHERE ctid = ANY(ARRAY(SELECT ctid FROM {table} WHERE {column} < $1 LIMIT $2))",  # noqa: S608 -- both names were checked to be plain identifiers above
        before,
        batch,
    )
    return int(deleted.split()[-1])


def keep_forgetting(
    table: str,
    column: str,
    retention: timedelta,
    now: Callable[[FastAPI], datetime],
    every_seconds: float = EVERY_SECONDS,
) -> BackgroundTask:
    """A service background task: every `every_seconds`, forget the rows older than `retention`, in batches
    (small transactions, so requests and consumers are never held up for long)."""

    async def forget_old_rows(app: FastAPI) -> None:
        while True:
            try:
                async with app.state.pool.acquire() as connection:
                    deleted = BATCH
                    while deleted == BATCH:  # a full batch means more may be waiting
                        deleted = await forget_rows(connection, table, column, before=now(app) - retention)
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                log.warning(
                    "forgetting old rows failed; trying again later",
                    extra={"table": table, "error": type(error).__name__},
                )
            await asyncio.sleep(every_seconds)

    forget_old_rows.__name__ = f"forget_old_{table}"
    return forget_old_rows
