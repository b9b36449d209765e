"""The day's book in SQL: a day's slots with their holds and bookings."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

import asyncpg

from nara.shared.identity.access_log import record_staff_read
from nara.shared.identity.caller import Caller

from ..domain.appointment import AppointmentStatus
from ..domain.day_book import BookingOnSlot, DayBookPractitioner, DayBookSlot
from .rows import time_type_from

# Withdrawn slots after the live one that replaced them at the same start, so the book reads as the day runs.
SLOTS_OF_DAY = """
    SELECT s.id, s.practitioner, s.start_at, s.end_at, s.capacity, s.blocked, s.withdrawn_at, s.withdrawn_reason,
           t.code, t.name, t.profession, t.contact_form, t.length_minutes, t.booking_channel, t.medical_assessment,
           t.unit AS time_type_unit, t.web_cancel_allowed, t.web_rebook_allowed, t.cancel_notice_minutes,
           t.rebook_notice_minutes, t.reason_required, t.capacity AS type_capacity,
           (SELECT count(*) FROM holds h WHERE h.slot_id = s.id AND h.expires_at > $5) AS live_holds
    FROM slots s JOIN time_types t ON t.code = s.time_type
    WHERE s.unit = $1 AND s.practitioner = ANY($2::text[]) AND s.start_at >= $3 AND s.start_at < $4
    ORDER BY s.start_at, s.withdrawn_at IS NOT NULL, s.practitioner"""

# A rebooking's old appointment is left out: the patient is shown where they were moved to.
APPOINTMENTS_ON_SLOTS = """
    SELECT id, slot_id, patient, contact_id, status, booked_by, reason, end_reason, medical_assessment
    FROM appointments WHERE slot_id = ANY($1::uuid[]) AND status <> 'rebooked'
    ORDER BY created_at, id"""


class PostgresDayBooks:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def unit_name(self, unit: str) -> str | None:
        name: str | None = await self._connection.fetchval("SELECT name FROM care_units WHERE hsa_id = $1", unit)
        return name

    async def practitioners(self, unit: str) -> list[DayBookPractitioner]:
        rows = await self._connection.fetch(
            """SELECT hsa_id, name, profession, active_from, active_to FROM practitioners WHERE unit = $1
               ORDER BY name, hsa_id""",
            unit,
        )
        return [
            DayBookPractitioner(r["hsa_id"], r["name"], r["profession"], r["active_from"], r["active_to"]) for r in rows
        ]

    async def slots(
        self,
        unit: str,
        practitioners: Sequence[str],
        *,
        starting_from: datetime,
        starting_before: datetime,
        now: datetime,
    ) -> list[DayBookSlot]:
        rows = await self._connection.fetch(
            SLOTS_OF_DAY, unit, list(practitioners), starting_from, starting_before, now
        )
        bookings = await self._bookings_on([row["id"] for row in rows])
        return [
            DayBookSlot(
                id=row["id"],
                practitioner=row["practitioner"],
                time_type=time_type_from({**dict(row), "capacity": row["type_capacity"]}),
                start_at=row["start_at"],
                end_at=row["end_at"],
                capacity=row["capacity"],
                blocked=row["blocked"],
                withdrawn_at=row["withdrawn_at"],
                withdrawn_reason=row["withdrawn_reason"],
                live_holds=row["live_holds"],
                bookings=tuple(bookings.get(row["id"], ())),
            )
            for row in rows
        ]

    async def log_reads(self, reader: Caller, patients: Sequence[str], *, resource: str, at: datetime) -> None:
        for patient in patients:
            await record_staff_read(
                self._connection, reader, patient=patient, action="read day's book", resource=resource, at=at
            )

    async def _bookings_on(self, slot_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[BookingOnSlot]]:
        found: dict[uuid.UUID, list[BookingOnSlot]] = defaultdict(list)
        if not slot_ids:
            return found
        for row in await self._connection.fetch(APPOINTMENTS_ON_SLOTS, slot_ids):
            found[row["slot_id"]].append(
                BookingOnSlot(
                    appointment_id=row["id"],
                    patient=row["patient"],
                    contact_id=row["contact_id"],
                    status=AppointmentStatus(row["status"]),
                    booked_by=row["booked_by"],
                    reason=row["reason"],
                    end_reason=row["end_reason"],
                    medical_assessment=row["medical_assessment"],
                )
            )
        return found
