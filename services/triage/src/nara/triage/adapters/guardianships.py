"""The guardianships table: who is guardian of whom (all SQL for custody is here)."""

from __future__ import annotations

from datetime import datetime

import asyncpg

from ..domain.guardianship import Ward


class PostgresGuardianships:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def record(self, *, guardian: str, child: str, child_name: str | None, at: datetime, by: str) -> bool:
        """Record (or update the name of) one guardianship; True if it is new."""
        created = await self._connection.fetchval(
            """INSERT INTO guardianships (guardian, child, child_name, registered_at, registered_by)
               VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT (guardian, child) DO UPDATE SET child_name = excluded.child_name
               RETURNING xmax = 0""",
            guardian,
            child,
            child_name,
            at,
            by,
        )
        return bool(created)

    async def end(self, *, guardian: str, child: str) -> bool:
        return (
            await self._connection.fetchval(
                "DELETE FROM guardianships WHERE guardian = $1 AND child = $2 RETURNING true", guardian, child
            )
            is not None
        )

    async def wards_of(self, guardian: str) -> list[Ward]:
        rows = await self._connection.fetch(
            "SELECT child, child_name FROM guardianships WHERE guardian = $1 ORDER BY child", guardian
        )
        return [Ward(row["child"], row["child_name"]) for row in rows]

    async def replace_demo(self, rows: list[tuple[str, str, str]], at: datetime) -> None:
        """The demo family, as of today (the demo infant stays two months old)."""
        await self._connection.execute("DELETE FROM guardianships WHERE registered_by = 'demo'")
        await self._connection.executemany(
            """INSERT INTO guardianships (guardian, child, child_name, registered_at, registered_by)
               VALUES ($1, $2, $3, $4, 'demo') ON CONFLICT DO NOTHING""",
            [(*row, at) for row in rows],
        )
