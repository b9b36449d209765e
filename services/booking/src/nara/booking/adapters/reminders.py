"""Reminders in PostgreSQL: the patients' choices (reminder_preferences), the booked times whose reminder moment
has come, and the moments handled (reminder_moments); see 0012_reminders.sql."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg

from ..domain.reminders import LONGEST_OFFSET_HOURS, MomentOutcome
from ..domain.waitlist import Reach, ReachBy
from ..service.reminder_records import ReminderChoice, TimeToRemind
from .rows import time_type_from

# Booked times not begun, starting within the longest offset, with a moment come and not handled. The appointment
# row is locked (SKIP LOCKED: another instance takes the next ones; a cancel waits for this short transaction, and
# its own transaction then stops the reminder left here).
TIMES_TO_REMIND = f"""
    SELECT a.id AS appointment_id, a.patient, a.created_at AS booked_at, s.start_at, t.*, t.unit AS time_type_unit,
           u.name AS unit_name, u.address AS unit_address, u.phone AS unit_phone,
           ARRAY(SELECT m.hours FROM reminder_moments m WHERE m.appointment_id = a.id) AS handled,
           r.reach_by, r.reach_at
    FROM appointments a
    JOIN slots s ON s.id = a.slot_id
    JOIN time_types t ON t.code = s.time_type
    JOIN care_units u ON u.hsa_id = a.unit
    LEFT JOIN reminder_preferences r ON r.patient = a.patient
    WHERE a.status = 'booked'
      AND s.start_at > $1 AND s.start_at <= $1 + interval '{LONGEST_OFFSET_HOURS} hours'
      AND EXISTS (
          SELECT FROM unnest(t.reminder_hours) AS h
          WHERE s.start_at - make_interval(hours => h) <= $1
            AND NOT EXISTS (SELECT FROM reminder_moments m WHERE m.appointment_id = a.id AND m.hours = h))
    ORDER BY s.start_at
    LIMIT $2
    FOR UPDATE OF a SKIP LOCKED"""  # noqa: S608 - a constant of ours, not input


class PostgresReminders:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def choice_of(self, patient: str) -> ReminderChoice:
        row = await self._connection.fetchrow(
            "SELECT reach_by, reach_at, updated_at FROM reminder_preferences WHERE patient = $1", patient
        )
        if row is None:
            return ReminderChoice(Reach(ReachBy.NONE), chosen=False)
        return ReminderChoice(Reach(ReachBy(row["reach_by"]), row["reach_at"]), True, row["updated_at"])

    async def choose(self, patient: str, reach: Reach, *, by: str, now: datetime) -> bool:
        changed = await self._connection.fetchval(
            """
            INSERT INTO reminder_preferences AS r (patient, reach_by, reach_at, updated_at, updated_by)
            VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (patient) DO UPDATE SET reach_by = $2, reach_at = $3, updated_at = $4, updated_by = $5
                WHERE (r.reach_by, r.reach_at) IS DISTINCT FROM ($2, $3)
            RETURNING true
            """,
            patient,
            reach.by.value,
            reach.address,
            now,
            by,
        )
        return bool(changed)

    async def times_to_remind(self, now: datetime, *, limit: int) -> list[TimeToRemind]:
        rows = await self._connection.fetch(TIMES_TO_REMIND, now, limit)
        return [
            TimeToRemind(
                appointment_id=row["appointment_id"],
                patient=row["patient"],
                booked_at=row["booked_at"],
                start_at=row["start_at"],
                time_type=time_type_from(row),
                unit_name=row["unit_name"],
                unit_address=row["unit_address"],
                unit_phone=row["unit_phone"],
                handled=frozenset(row["handled"]),
                choice=None if row["reach_by"] is None else Reach(ReachBy(row["reach_by"]), row["reach_at"]),
            )
            for row in rows
        ]

    async def handled(self, appointment_id: uuid.UUID, hours: int, outcome: MomentOutcome, *, now: datetime) -> None:
        await self._connection.execute(
            """INSERT INTO reminder_moments (appointment_id, hours, handled_at, outcome) VALUES ($1, $2, $3, $4)
               ON CONFLICT DO NOTHING""",
            appointment_id,
            hours,
            now,
            outcome.value,
        )

    async def pending_keys(self, appointment_id: uuid.UUID) -> list[str]:
        # Through the moments left (by the appointment's key), not a LIKE over every message ever sent.
        rows = await self._connection.fetch(
            """SELECT o.key FROM reminder_moments m
               JOIN outgoing_messages o ON o.key = 'reminder-' || m.appointment_id || '-' || m.hours || 'h'
               WHERE m.appointment_id = $1 AND m.outcome = 'left' AND o.state = 'pending'""",
            appointment_id,
        )
        return [row["key"] for row in rows]
