"""Weekly templates, closures and absences in SQL, and withdrawing the slots a change takes away."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

import asyncpg

from ..domain.hours import ExistingSlot, PractitionerAtUnit, StoredClosure, StoredTemplate, WithdrawalReason
from ..domain.schedule import Closure, WeeklyTemplate
from ..service.ports import DisplacedBooking
from .rows import Row

HOURS_LOCK_CLASS = 0x686F7572  # "hour"

TEMPLATES = """
    SELECT w.id, w.practitioner, p.unit, w.time_type, w.weekday, w.starts, w.ends, w.valid_from, w.valid_to
    FROM weekly_templates w JOIN practitioners p ON p.hsa_id = w.practitioner"""

CLOSURES = "SELECT * FROM closures"

# Withdrawn in one order (by id) and only while live: of two passes at once, one withdraws and the other finds
# nothing to do. Live holds give their seats back; a booking keeps its seat.
WITHDRAW = """
    WITH wanted AS (SELECT * FROM unnest($1::uuid[], $2::text[]) AS w (id, reason)),
         target AS (SELECT s.id, wanted.reason FROM slots s JOIN wanted ON wanted.id = s.id
                    WHERE s.withdrawn_at IS NULL ORDER BY s.id FOR UPDATE OF s),
         dropped AS (DELETE FROM holds h USING target WHERE h.slot_id = target.id RETURNING h.slot_id)
    UPDATE slots s SET withdrawn_at = $3, withdrawn_reason = target.reason,
                       reserved = s.reserved - (SELECT count(*) FROM dropped WHERE dropped.slot_id = s.id)
    FROM target WHERE s.id = target.id
    RETURNING s.id"""

BOOKINGS = """
    SELECT a.id, a.lineage, a.contact_id, a.patient, a.unit, s.practitioner, p.name AS practitioner_name,
           s.time_type, t.name AS time_type_name, s.start_at, s.end_at, s.withdrawn_reason
    FROM appointments a
    JOIN slots s ON s.id = a.slot_id
    JOIN practitioners p ON p.hsa_id = s.practitioner
    JOIN time_types t ON t.code = s.time_type
    WHERE a.status = 'booked'"""


class PostgresHours:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def lock_unit(self, unit: str) -> None:
        await self._connection.execute("SELECT pg_advisory_xact_lock($1, hashtext($2))", HOURS_LOCK_CLASS, unit)

    async def units(self) -> list[str]:
        return [row["hsa_id"] for row in await self._connection.fetch("SELECT hsa_id FROM care_units ORDER BY 1")]

    async def practitioner(self, hsa_id: str) -> PractitionerAtUnit | None:
        row = await self._connection.fetchrow(
            "SELECT hsa_id, name, profession, unit FROM practitioners WHERE hsa_id = $1", hsa_id
        )
        return PractitionerAtUnit(row["hsa_id"], row["name"], row["profession"], row["unit"]) if row else None

    async def practitioners(self, unit: str) -> list[PractitionerAtUnit]:
        rows = await self._connection.fetch(
            "SELECT hsa_id, name, profession, unit FROM practitioners WHERE unit = $1 ORDER BY name, hsa_id", unit
        )
        return [PractitionerAtUnit(row["hsa_id"], row["name"], row["profession"], row["unit"]) for row in rows]

    async def templates(self, unit: str, practitioner: str | None = None) -> list[StoredTemplate]:
        rows = await self._connection.fetch(
            TEMPLATES + " WHERE p.unit = $1 AND ($2::text IS NULL OR w.practitioner = $2)"
            " ORDER BY w.practitioner, w.weekday, w.starts, w.valid_from NULLS FIRST",
            unit,
            practitioner,
        )
        return [_template_from(row) for row in rows]

    async def template(self, template_id: int) -> StoredTemplate | None:
        row = await self._connection.fetchrow(TEMPLATES + " WHERE w.id = $1", template_id)
        return _template_from(row) if row else None

    async def add_template(self, template: WeeklyTemplate) -> int:
        template_id: int = await self._connection.fetchval(
            """INSERT INTO weekly_templates (practitioner, time_type, weekday, starts, ends, valid_from, valid_to)
               VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id""",
            *_template_values(template),
        )
        return template_id

    async def change_template(self, template_id: int, template: WeeklyTemplate) -> None:
        await self._connection.execute(
            """UPDATE weekly_templates SET practitioner = $2, time_type = $3, weekday = $4, starts = $5, ends = $6,
                   valid_from = $7, valid_to = $8
               WHERE id = $1""",
            template_id,
            *_template_values(template),
        )

    async def remove_template(self, template_id: int) -> None:
        await self._connection.execute("DELETE FROM weekly_templates WHERE id = $1", template_id)

    async def closures(self, unit: str, *, ending_from: date) -> list[StoredClosure]:
        rows = await self._connection.fetch(
            CLOSURES + " WHERE unit = $1 AND last_day >= $2 ORDER BY first_day, practitioner NULLS FIRST",
            unit,
            ending_from,
        )
        return [_closure_from(row) for row in rows]

    async def closure(self, closure_id: uuid.UUID) -> StoredClosure | None:
        row = await self._connection.fetchrow(CLOSURES + " WHERE id = $1", closure_id)
        return _closure_from(row) if row else None

    async def add_closure(self, closure: StoredClosure) -> None:
        await self._connection.execute(
            """INSERT INTO closures (id, unit, practitioner, first_day, last_day, reason, created_by, created_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""",
            closure.id,
            closure.closure.unit,
            closure.closure.practitioner,
            closure.closure.first_day,
            closure.closure.last_day,
            closure.reason,
            closure.created_by,
            closure.created_at,
        )

    async def remove_closure(self, closure_id: uuid.UUID) -> None:
        await self._connection.execute("DELETE FROM closures WHERE id = $1", closure_id)

    async def slots_between(self, unit: str, after: datetime, before: datetime) -> list[ExistingSlot]:
        rows = await self._connection.fetch(
            """SELECT id, practitioner, time_type, start_at, end_at, withdrawn_at IS NOT NULL AS withdrawn FROM slots
               WHERE unit = $1 AND start_at > $2 AND start_at < $3""",
            unit,
            after,
            before,
        )
        return [
            ExistingSlot(
                row["id"], row["practitioner"], row["time_type"], row["start_at"], row["end_at"], row["withdrawn"]
            )
            for row in rows
        ]

    async def withdraw_slots(self, reasons: dict[uuid.UUID, WithdrawalReason], now: datetime) -> list[uuid.UUID]:
        if not reasons:
            return []
        ids = list(reasons)
        rows = await self._connection.fetch(WITHDRAW, ids, [str(reasons[i]) for i in ids], now)
        return [row["id"] for row in rows]

    async def reinstate_slots(self, slot_ids: Sequence[uuid.UUID]) -> None:
        if slot_ids:
            await self._connection.execute(
                """UPDATE slots SET withdrawn_at = NULL, withdrawn_reason = NULL
                   WHERE id = ANY($1::uuid[]) AND withdrawn_at IS NOT NULL""",
                sorted(slot_ids),
            )

    async def bookings_on(self, slot_ids: Sequence[uuid.UUID]) -> list[DisplacedBooking]:
        if not slot_ids:
            return []
        # A statement of its own (a fresh snapshot): a booking that committed while the slot was being withdrawn
        # is seen here, so its event is not missed.
        rows = await self._connection.fetch(
            BOOKINGS + " AND a.slot_id = ANY($1::uuid[]) ORDER BY s.start_at", list(slot_ids)
        )
        return [_booking_from(row) for row in rows]

    async def bookings_to_move(self, unit: str, now: datetime) -> list[DisplacedBooking]:
        rows = await self._connection.fetch(
            BOOKINGS + " AND a.unit = $1 AND s.withdrawn_at IS NOT NULL AND s.end_at > $2 ORDER BY s.start_at, a.id",
            unit,
            now,
        )
        return [_booking_from(row) for row in rows]


def _template_values(template: WeeklyTemplate) -> tuple[object, ...]:
    return (
        template.practitioner,
        template.time_type,
        template.weekday,
        template.starts,
        template.ends,
        template.valid_from,
        template.valid_to,
    )


def _template_from(row: Row) -> StoredTemplate:
    return StoredTemplate(
        row["id"],
        WeeklyTemplate(
            row["practitioner"],
            row["unit"],
            row["time_type"],
            row["weekday"],
            row["starts"],
            row["ends"],
            row["valid_from"],
            row["valid_to"],
        ),
    )


def _closure_from(row: Row) -> StoredClosure:
    return StoredClosure(
        row["id"],
        Closure(row["unit"], row["practitioner"], row["first_day"], row["last_day"]),
        row["reason"],
        row["created_by"],
        row["created_at"],
    )


def _booking_from(row: Row) -> DisplacedBooking:
    return DisplacedBooking(
        appointment_id=row["id"],
        lineage=row["lineage"],
        contact_id=row["contact_id"],
        patient=row["patient"],
        unit=row["unit"],
        practitioner=row["practitioner"],
        practitioner_name=row["practitioner_name"],
        time_type=row["time_type"],
        time_type_name=row["time_type_name"],
        start_at=row["start_at"],
        end_at=row["end_at"],
        withdrawn_reason=row["withdrawn_reason"] or "",
    )
