"""Appointments as the API and the pages show them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import asyncpg

APPOINTMENT_QUERY = """
    SELECT a.*, s.start_at, s.end_at, s.practitioner, p.name AS practitioner_name, t.profession, t.contact_form,
           t.name AS time_type_name, t.code AS time_type, u.name AS unit_name, u.address AS unit_address
    FROM appointments a
    JOIN slots s ON s.id = a.slot_id
    JOIN time_types t ON t.code = s.time_type
    JOIN practitioners p ON p.hsa_id = s.practitioner
    JOIN care_units u ON u.hsa_id = a.unit"""


@dataclass(frozen=True)
class AppointmentRecord:
    id: uuid.UUID
    lineage: uuid.UUID
    slot_id: uuid.UUID
    patient: str
    unit: str
    unit_name: str
    unit_address: str
    contact_id: str | None
    status: str
    booked_by: str
    reason: str | None
    earlier_time_offered_within_guarantee: bool
    replaces: uuid.UUID | None
    created_at: datetime
    start_at: datetime
    end_at: datetime
    practitioner: str
    practitioner_name: str
    profession: str
    contact_form: str
    time_type: str
    time_type_name: str
    ended_at: datetime | None
    end_reason: str | None
    medical_assessment: bool | None

    @classmethod
    def from_row(cls, row) -> AppointmentRecord:
        return cls(**{field: row[field] for field in cls.__dataclass_fields__})


async def appointment(
    connection: asyncpg.Connection, appointment_id: uuid.UUID, *, lock: bool = False
) -> AppointmentRecord | None:
    suffix = " FOR UPDATE OF a" if lock else ""
    row = await connection.fetchrow(f"{APPOINTMENT_QUERY} WHERE a.id = $1{suffix}", appointment_id)
    return AppointmentRecord.from_row(row) if row else None


async def appointments_of_patient(connection: asyncpg.Connection, patient: str) -> list[AppointmentRecord]:
    rows = await connection.fetch(f"{APPOINTMENT_QUERY} WHERE a.patient = $1 ORDER BY s.start_at", patient)
    return [AppointmentRecord.from_row(row) for row in rows]


async def appointments_at_units(
    connection: asyncpg.Connection,
    units: tuple[str, ...],
    *,
    since: datetime,
    limit: int = 200,
    contact_id: str | None = None,
) -> list[AppointmentRecord]:
    """The appointments at these units from `since` on; with `contact_id`, only that contact's."""
    rows = await connection.fetch(
        f"""{APPOINTMENT_QUERY} WHERE a.unit = ANY($1::text[]) AND s.start_at >= $2
            AND ($4::text IS NULL OR a.contact_id = $4) ORDER BY s.start_at LIMIT $3""",
        list(units),
        since,
        limit,
        contact_id,
    )
    return [AppointmentRecord.from_row(row) for row in rows]
