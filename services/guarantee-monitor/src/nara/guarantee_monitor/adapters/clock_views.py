"""The read side the API and /ops show: clocks and alerts as rows, by column name, for a unit's staff."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

import asyncpg

from ..domain.clock_status import URGENT
from ..domain.guarantee_clock import UNKNOWN
from ..service.ports import Row

_URGENT = sorted(URGENT)

LIST_CLOCKS = """
    SELECT *, $5::timestamptz AS now FROM clocks
    WHERE status IS NOT NULL AND unit = ANY($1::text[]) AND ($2::text IS NULL OR status = $2)
      AND ($3::text IS NULL OR unit = $3) AND ($6::text IS NULL OR listing = $6)
      AND (NOT $7::boolean OR (assessed_at IS NULL AND closed_at IS NULL))
    ORDER BY (status = ANY($8::text[])) DESC, deadline LIMIT $4"""

URGENT_CLOCKS = """
    SELECT *, $2::timestamptz AS now, count(*) OVER () AS total FROM clocks
    WHERE (status = ANY($4::text[]) OR regional_status = ANY($4::text[])) AND unit = ANY($1::text[])
    ORDER BY CASE WHEN status = ANY($4::text[]) THEN deadline ELSE regional_deadline END, sought_at, contact_id
    LIMIT $3"""

COUNTS_BY_STATUS = """
    SELECT status, count(*) AS n,
           count(*) FILTER (WHERE listing = $2 AND assessed_at IS NULL AND closed_at IS NULL) AS unknown
    FROM clocks
    WHERE status IS NOT NULL AND unit = ANY($1::text[]) GROUP BY status"""

# One index probe per unit (clocks_unit_change).
LATEST_CHANGE = """
    SELECT max(latest.change) FROM unnest($1::text[]) AS wanted (unit),
           LATERAL (SELECT max(change) AS change FROM clocks WHERE clocks.unit = wanted.unit) AS latest"""


class PostgresClockViews:
    """Reads on the pool, outside any unit of work."""

    def __init__(self, pool: Callable[[], asyncpg.Pool]) -> None:
        self._pool = pool  # the pool exists only once the app has started

    async def clocks(
        self,
        units: Sequence[str],
        now: datetime,
        *,
        status: str | None,
        unit: str | None,
        listing: str | None,
        open_only: bool,
        limit: int,
    ) -> list[Row]:
        """Registered contacts' clocks at the units, at-risk and breached first, then by deadline."""
        return list(
            await self._pool().fetch(LIST_CLOCKS, list(units), status, unit, limit, now, listing, open_only, _URGENT)
        )

    async def clock(self, contact_id: str, now: datetime) -> Row | None:
        row: Row | None = await self._pool().fetchrow(
            "SELECT *, $2::timestamptz AS now FROM clocks WHERE contact_id = $1", contact_id, now
        )
        return row

    async def urgent_clocks(self, units: Sequence[str], now: datetime, limit: int) -> tuple[list[Row], int]:
        """Contacts at risk or breached by either measure, the least time left first; and how many in all."""
        rows = await self._pool().fetch(URGENT_CLOCKS, list(units), now, limit, _URGENT)
        return list(rows), rows[0]["total"] if rows else 0

    async def counts_by_status(self, units: Sequence[str]) -> tuple[dict[str, int], int]:
        """Clocks by the national measure's status, and how many open ones have a listing staff must resolve."""
        rows = await self._pool().fetch(COUNTS_BY_STATUS, list(units), UNKNOWN)
        return {row["status"]: row["n"] for row in rows}, sum(row["unknown"] for row in rows)

    async def alerts_of(self, contact_id: str) -> list[Row]:
        return list(await self._pool().fetch("SELECT * FROM alerts WHERE contact_id = $1 ORDER BY at, id", contact_id))

    async def newest_alerts(self, units: Sequence[str], limit: int) -> list[Row]:
        return list(
            await self._pool().fetch(
                "SELECT * FROM alerts WHERE unit = ANY($1::text[]) ORDER BY id DESC LIMIT $2", list(units), limit
            )
        )

    async def newest_alert_id(self) -> int:
        newest: int = await self._pool().fetchval("SELECT coalesce(max(id), 0) FROM alerts")
        return newest

    async def alerts_after(self, last_id: int, units: Sequence[str], limit: int = 100) -> list[Row]:
        return list(
            await self._pool().fetch(
                "SELECT * FROM alerts WHERE id > $1 AND unit = ANY($2::text[]) ORDER BY id LIMIT $3",
                last_id,
                list(units),
                limit,
            )
        )

    async def latest_change(self, units: Sequence[str]) -> int | None:
        """The newest clock write at these units."""
        latest: int | None = await self._pool().fetchval(LATEST_CHANGE, list(units))
        return latest
