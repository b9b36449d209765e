"""Time types, weekly templates, generated slots and fixed care contacts in SQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import asyncpg

from ..domain.schedule import PlannedSlot, TimeType, WeeklyTemplate
from .rows import time_type_from


class PostgresSchedule:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def time_types(self) -> dict[str, TimeType]:
        rows = await self._connection.fetch("SELECT * FROM time_types")
        return {row["code"]: time_type_from(row) for row in rows}

    async def weekly_templates(self, units: Sequence[str] | None) -> list[WeeklyTemplate]:
        # A template gives slots only on the days it is valid and its practitioner is active: the later of the two
        # starts and the earlier of the two ends (GREATEST and LEAST pass over a NULL, "always").
        rows = await self._connection.fetch(
            """SELECT w.practitioner, p.unit, w.time_type, w.weekday, w.starts, w.ends,
                      GREATEST(w.valid_from, p.active_from) AS valid_from, LEAST(w.valid_to, p.active_to) AS valid_to
               FROM weekly_templates w JOIN practitioners p ON p.hsa_id = w.practitioner
               WHERE $1::text[] IS NULL OR p.unit = ANY($1::text[])
               ORDER BY w.id""",
            list(units) if units is not None else None,
        )
        return [
            WeeklyTemplate(
                r["practitioner"],
                r["unit"],
                r["time_type"],
                r["weekday"],
                r["starts"],
                r["ends"],
                r["valid_from"],
                r["valid_to"],
            )
            for r in rows
        ]

    async def add_planned_slots(self, planned: list[PlannedSlot]) -> None:
        await self._connection.executemany(
            """INSERT INTO slots (id, unit, practitioner, time_type, start_at, end_at, capacity)
               VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING""",
            # In one order everywhere (by id): instances inserting the same slots at once wait for each other in
            # turn, never for each other both ways (a deadlock).
            [
                (s.id, s.unit, s.practitioner, s.time_type, s.start_at, s.end_at, s.capacity)
                for s in sorted(planned, key=lambda slot: slot.id)
            ],
        )

    async def practitioner(self, hsa_id: str) -> tuple[str, str] | None:
        row = await self._connection.fetchrow("SELECT unit, profession FROM practitioners WHERE hsa_id = $1", hsa_id)
        return (row["unit"], row["profession"]) if row else None

    async def lock_fixed_care_contacts_of(self, patient: str) -> None:
        await self._connection.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"fixed-care:{patient}")

    async def record_fixed_care_contact(
        self, patient: str, practitioner: str, *, fixed_doctor: bool, by: str, now: datetime
    ) -> int:
        if fixed_doctor:  # one fixed doctor (fixed_care_contacts_one_doctor): the earlier one steps down
            await self._connection.execute(
                "UPDATE fixed_care_contacts SET is_fixed_doctor = false WHERE patient = $1", patient
            )
        await self._connection.execute(
            """INSERT INTO fixed_care_contacts (patient, practitioner, is_fixed_doctor, recorded_by, recorded_at)
               VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT (patient, practitioner) DO UPDATE
               SET is_fixed_doctor = $3, recorded_by = $4, recorded_at = $5""",
            patient,
            practitioner,
            fixed_doctor,
            by,
            now,
        )
        others: int = await self._connection.fetchval(
            "SELECT count(*) FROM fixed_care_contacts WHERE patient = $1 AND NOT is_fixed_doctor", patient
        )
        return others

    async def remove_fixed_care_contact(self, patient: str, practitioner: str) -> None:
        await self._connection.execute(
            "DELETE FROM fixed_care_contacts WHERE patient = $1 AND practitioner = $2", patient, practitioner
        )
