"""Appointments in SQL. The lifecycle is the domain's (domain/appointment.py); every ending keeps
`WHERE status = 'booked'`, and the unique indexes of 0002_appointments.sql refuse a fork or a double booking."""

from __future__ import annotations

import uuid
from datetime import datetime

import asyncpg

from nara.shared.events.models import EventData
from nara.shared.events.vocabulary import ContactForm, Profession
from nara.shared.outbox.writer import OutboxRow, serialised_insert, wake_local_relays

from ..domain.appointment import AppointmentStatus
from ..domain.errors import SlotTaken
from ..service.ports import BookingAttempt, NewAppointment
from ..service.records import AppointmentRecord
from .rows import Row
from .slots import seat_ctes

SOURCE = "/nara/booking"
ALREADY_YOURS = "Du har redan en bokad tid här. Se Mina tider."
BOOKED = AppointmentStatus.BOOKED.value

APPOINTMENT_QUERY = """
    SELECT a.*, s.start_at, s.end_at, s.practitioner, p.name AS practitioner_name, t.profession, t.contact_form,
           t.name AS time_type_name, t.code AS time_type, u.name AS unit_name, u.address AS unit_address
    FROM appointments a
    JOIN slots s ON s.id = a.slot_id
    JOIN time_types t ON t.code = s.time_type
    JOIN practitioners p ON p.hsa_id = s.practitioner
    JOIN care_units u ON u.hsa_id = a.unit"""

# A whole booking after the slot was read (and the patient's lock at its unit taken, so this statement's fresh
# snapshot counts every booking the patient made there): the per-unit limit $13 (NULL: none), the seat, the
# appointment and its event, in one round trip. The answer says which refusal applies, if any; a unique
# violation means the patient already has this slot (or the lineage is already active).
BOOK_PARAMETERS = 13  # the booking's own; the event's OutboxRow.parameters follow them
BOOK = f"""
    WITH existing AS (
        SELECT count(*) AS n FROM appointments a JOIN slots s ON s.id = a.slot_id
        WHERE $13::int IS NOT NULL AND a.patient = $2 AND a.unit = $6 AND a.status = '{BOOKED}' AND s.start_at > $3),
    {seat_ctes("$13::int IS NULL OR (SELECT n FROM existing) < $13::int").lstrip()},
    booked AS (
        INSERT INTO appointments (id, lineage, slot_id, patient, unit, contact_id, status, booked_by, booked_by_id,
                                  reason, earlier_time_offered_within_guarantee, replaces, created_at)
        SELECT $4, $5, seated.id, $2, $6, $7, '{BOOKED}', $8, $9, $10, $11, $12, $3 FROM seated
        RETURNING id),
    announced AS ({serialised_insert(BOOK_PARAMETERS + 1, for_each_row_of="booked")} RETURNING 1)
    SELECT (SELECT n FROM existing) AS booked_at_unit, EXISTS (SELECT FROM booked) AS seated"""  # noqa: S608 - constants only

INSERT = """
    INSERT INTO appointments (id, lineage, slot_id, patient, unit, contact_id, status, booked_by, booked_by_id,
                              reason, earlier_time_offered_within_guarantee, replaces, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, 'booked', $7, $8, $9, $10, $11, $12)"""

END = """
    UPDATE appointments SET status = $2, ended_at = $3, ended_by = $4, end_reason = $5, medical_assessment = $6
    WHERE id = $1 AND status = 'booked'"""


def record_from(row: Row) -> AppointmentRecord:
    fields = {field: row[field] for field in AppointmentRecord.__dataclass_fields__}
    return AppointmentRecord(
        **{
            **fields,
            "status": AppointmentStatus(row["status"]),
            "profession": Profession(row["profession"]),
            "contact_form": ContactForm(row["contact_form"]),
        }
    )


class PostgresAppointments:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def get(self, appointment_id: uuid.UUID, *, lock: bool = False) -> AppointmentRecord | None:
        suffix = " FOR UPDATE OF a" if lock else ""
        row = await self._connection.fetchrow(f"{APPOINTMENT_QUERY} WHERE a.id = $1{suffix}", appointment_id)
        return record_from(row) if row else None

    async def book(
        self, appointment: NewAppointment, *, limit_at_unit: int | None, event: EventData, now: datetime
    ) -> BookingAttempt:
        row = OutboxRow.of_event(event, source=SOURCE, subject=appointment.patient, time=now)
        try:
            answer = await self._connection.fetchrow(
                BOOK,
                appointment.slot_id,
                appointment.patient,
                now,
                appointment.id,
                appointment.lineage,
                appointment.unit,
                appointment.contact_id,
                str(appointment.booked_by),
                appointment.booked_by_id,
                appointment.reason,
                appointment.earlier_time_offered_within_guarantee,
                appointment.replaces,
                limit_at_unit,
                *row.parameters,
            )
        except asyncpg.UniqueViolationError as duplicate:
            raise SlotTaken(ALREADY_YOURS) from duplicate
        if answer["seated"]:
            wake_local_relays()
        return BookingAttempt(answer["booked_at_unit"], answer["seated"])

    async def add(self, appointment: NewAppointment) -> None:
        try:
            await self._connection.execute(
                INSERT,
                appointment.id,
                appointment.lineage,
                appointment.slot_id,
                appointment.patient,
                appointment.unit,
                appointment.contact_id,
                str(appointment.booked_by),
                appointment.booked_by_id,
                appointment.reason,
                appointment.earlier_time_offered_within_guarantee,
                appointment.replaces,
                appointment.created_at,
            )
        except asyncpg.UniqueViolationError as duplicate:
            raise SlotTaken(ALREADY_YOURS) from duplicate

    async def end(
        self,
        appointment_id: uuid.UUID,
        status: AppointmentStatus,
        *,
        now: datetime,
        by: str,
        reason: str | None = None,
        medical_assessment: bool | None = None,
    ) -> None:
        await self._connection.execute(END, appointment_id, status.value, now, by, reason, medical_assessment)
