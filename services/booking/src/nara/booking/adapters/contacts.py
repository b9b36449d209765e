"""Triaged contacts as booking knows them: read from the local read model (contact_projection.py keeps it)."""

from __future__ import annotations

import asyncpg

from ..domain.rules import TriagedContact


class PostgresContacts:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def get(self, contact_id: str) -> TriagedContact | None:
        row = await self._connection.fetchrow("SELECT * FROM contacts WHERE contact_id = $1", contact_id)
        if row is None:
            return None
        return TriagedContact(
            contact_id=row["contact_id"],
            patient=row["patient"],
            unit=row["unit"],
            sought_at=row["sought_at"],
            guarantee_deadline=row["guarantee_deadline"],
            care_level=row["care_level"],
            professions=tuple(row["professions"]),
            closed=row["closed_at"] is not None,
            offered_within_guarantee=row["offered_within_guarantee"],
            listed_unit=row["listed_unit"],
        )

    async def note_offer_within_guarantee(self, contact_id: str) -> None:
        await self._connection.execute(
            """UPDATE contacts SET offered_within_guarantee = true
               WHERE contact_id = $1 AND NOT offered_within_guarantee""",
            contact_id,
        )
