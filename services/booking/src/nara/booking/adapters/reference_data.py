"""Care units, time types, practitioners and their weekly templates in SQL: what the schedule is made from.
Each write adds only what is missing."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import asyncpg


class PostgresReferenceData:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def add_care_unit(self, hsa_id: str, name: str, address: str, opening_hours: list[dict[str, Any]]) -> None:
        await self._connection.execute(
            "INSERT INTO care_units (hsa_id, name, address, opening_hours) VALUES ($1, $2, $3, $4::jsonb) "
            "ON CONFLICT DO NOTHING",
            hsa_id,
            name,
            address,
            json.dumps(opening_hours),
        )

    async def add_time_types(self, time_types: Iterable[Sequence[Any]]) -> None:
        """Rows of (code, name, profession, contact form, minutes, visible, web cancel, web rebook, notice hours,
        reason required, capacity)."""
        await self._connection.executemany(
            """INSERT INTO time_types (code, name, profession, contact_form, length_minutes, booking_channel,
                   web_cancel_allowed, web_rebook_allowed, cancel_notice_minutes, rebook_notice_minutes,
                   reason_required, capacity)
               VALUES ($1, $2, $3, $4, $5, CASE WHEN $6 THEN 'web' ELSE 'triaged' END, $7, $8, $9 * 60, $9 * 60,
                       $10, $11)
               ON CONFLICT DO NOTHING""",
            list(time_types),
        )

    async def add_practitioner(self, hsa_id: str, name: str, profession: str, unit: str) -> bool:
        """True when the practitioner is new."""
        created = await self._connection.fetchval(
            "INSERT INTO practitioners (hsa_id, name, profession, unit) VALUES ($1, $2, $3, $4) "
            "ON CONFLICT DO NOTHING RETURNING true",
            hsa_id,
            name,
            profession,
            unit,
        )
        return bool(created)

    async def add_weekly_templates(self, practitioner: str, hours: Iterable[tuple[str, int, str, str]]) -> None:
        """(time type, ISO weekday, from, to) in Stockholm wall-clock time."""
        await self._connection.executemany(
            "INSERT INTO weekly_templates (practitioner, time_type, weekday, starts, ends) "
            "VALUES ($1, $2, $3, $4::text::time, $5::text::time)",
            [(practitioner, code, day, starts, ends) for code, day, starts, ends in hours],
        )
