"""The listing register (all SQL for listings is here)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

import asyncpg

from ..domain.listing import Listing, ListingSource
from ..service.unit_of_work import Row


class PostgresListings:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def listing_of(self, patient: str, *, lock: bool = False) -> Listing | None:
        query = "SELECT unit, listed_from, source FROM listings WHERE patient = $1"
        row = await self._connection.fetchrow(f"{query} FOR UPDATE" if lock else query, patient)
        return None if row is None else Listing(row["unit"], row["listed_from"], ListingSource(row["source"]))

    async def listing_row(self, patient: str) -> Row | None:
        row: Row | None = await self._connection.fetchrow(
            "SELECT patient, unit, listed_from, source, updated_at, updated_by FROM listings WHERE patient = $1",
            patient,
        )
        return row

    async def listings_of(self, patients: Sequence[str]) -> dict[str, Listing]:
        rows = await self._connection.fetch(
            "SELECT patient, unit, listed_from, source FROM listings WHERE patient = ANY($1::text[]) FOR UPDATE",
            list(patients),
        )
        return {row["patient"]: Listing(row["unit"], row["listed_from"], ListingSource(row["source"])) for row in rows}

    async def record(
        self,
        *,
        patient: str,
        unit: str,
        listed_from: date,
        source: ListingSource,
        at: datetime,
        by: str,
    ) -> None:
        await self._connection.execute(
            """INSERT INTO listings (patient, unit, listed_from, source, updated_at, updated_by)
               VALUES ($1, $2, $3, $4, $5, $6)
               ON CONFLICT (patient) DO UPDATE SET unit = excluded.unit, listed_from = excluded.listed_from,
                   source = excluded.source, updated_at = excluded.updated_at, updated_by = excluded.updated_by""",
            patient,
            unit,
            listed_from,
            source.value,
            at,
            by,
        )

    async def record_if_unknown(
        self,
        *,
        patient: str,
        unit: str,
        listed_from: date,
        source: ListingSource,
        at: datetime,
        by: str,
    ) -> bool:
        """Record a listing only if the register has none for the patient; True if it did."""
        return (
            await self._connection.fetchval(
                """INSERT INTO listings (patient, unit, listed_from, source, updated_at, updated_by)
               VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (patient) DO NOTHING RETURNING true""",
                patient,
                unit,
                listed_from,
                source.value,
                at,
                by,
            )
            is not None
        )

    async def record_many(
        self,
        rows: Sequence[tuple[str, str, date]],
        *,
        source: ListingSource,
        at: datetime,
        by: str,
    ) -> None:
        """(pseudonym, unit, listed from) for each patient, in one statement."""
        if not rows:
            return
        await self._connection.execute(
            """INSERT INTO listings (patient, unit, listed_from, source, updated_at, updated_by)
               SELECT patient, unit, listed_from, $4, $5, $6
               FROM unnest($1::text[], $2::text[], $3::date[]) AS r (patient, unit, listed_from)
               ON CONFLICT (patient) DO UPDATE SET unit = excluded.unit, listed_from = excluded.listed_from,
                   source = excluded.source, updated_at = excluded.updated_at, updated_by = excluded.updated_by""",
            [r[0] for r in rows],
            [r[1] for r in rows],
            [r[2] for r in rows],
            source.value,
            at,
            by,
        )
