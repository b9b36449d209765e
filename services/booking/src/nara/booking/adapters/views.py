"""The read side: free slots, care units, appointments and fixed care contacts as they are shown."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import asyncpg

from ..domain import rules
from ..domain.seats import Seats
from ..domain.web_changes import change_terms
from ..service.ports import SlotFilter
from ..service.records import AppointmentRecord, CareUnit, FixedCareContact, FreeSlot
from .appointments import APPOINTMENT_QUERY, record_from

# The search applies the domain's rules as filters, so that paging and ordering can stay in the database:
#   NOT blocked, start_at > now         rules.ensure_bookable_now, and a blocked slot is not bookable
#   reserved < capacity                 Seats.has_free_seat (domain/seats.py)
#   profession = ANY(contact's)         rules.serves_profession
#   start_at < latest                   rules.latest_start_for
#   web OR staff OR triaged for the     rules.ensure_time_type_open_to
#   contact's professions
#   withdrawn_at IS NULL                a slot the schedule no longer gives takes no new booking
#   end_at <= deadline                  rules.ends_within_guarantee (only the order; the value shown is the rule's)
#   wall-clock start in the day part    day_parts.starts_in (the bounds come from day_parts.BOUNDS)
FREE_SLOTS = """
    SELECT s.id, s.unit, s.practitioner, p.name AS practitioner_name, t.profession, t.contact_form,
           t.code AS time_type, t.name AS time_type_name, s.start_at, s.end_at, s.capacity, s.reserved,
           t.web_cancel_allowed, t.cancel_notice_minutes, t.web_rebook_allowed, t.rebook_notice_minutes,
           ($9::timestamptz IS NOT NULL AND s.end_at <= $9) AS within_guarantee,
           (f.practitioner IS NOT NULL) AS fixed
    FROM slots s
    JOIN time_types t ON t.code = s.time_type
    JOIN practitioners p ON p.hsa_id = s.practitioner
    LEFT JOIN fixed_care_contacts f ON f.practitioner = s.practitioner AND f.patient = $10
    WHERE s.unit = $1 AND NOT s.blocked AND s.withdrawn_at IS NULL AND s.reserved < s.capacity
      AND s.start_at > $2 AND s.start_at >= $3 AND s.start_at < $4
      AND ($5::text IS NULL OR t.profession = $5)
      AND ($6::text IS NULL OR t.contact_form = $6)
      AND ($7::text[] IS NULL OR t.profession = ANY($7))
      AND ($8::timestamptz IS NULL OR s.start_at < $8)
      AND (t.booking_channel = 'web' OR $11
           OR (t.booking_channel = 'triaged' AND $7::text[] IS NOT NULL AND t.profession = ANY($7)))
      AND ($14::time IS NULL OR (s.start_at AT TIME ZONE 'Europe/Stockholm')::time >= $14)
      AND ($15::time IS NULL OR (s.start_at AT TIME ZONE 'Europe/Stockholm')::time < $15)
    ORDER BY within_guarantee DESC, fixed DESC, s.start_at, p.name
    LIMIT $12 OFFSET $13"""


class PostgresViews:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def free_slots(self, search: SlotFilter) -> list[FreeSlot]:
        rows = await self._connection.fetch(
            FREE_SLOTS,
            search.unit,
            search.now,
            search.date_from,
            search.date_to,
            search.profession,
            search.contact_form,
            search.contact_professions,
            search.latest_start,
            search.guarantee_deadline,
            search.patient,
            search.by_staff,
            search.limit,
            search.offset,
            search.day_part[0] if search.day_part else None,
            search.day_part[1] if search.day_part else None,
        )
        return [
            FreeSlot(
                id=r["id"],
                unit=r["unit"],
                practitioner=r["practitioner"],
                practitioner_name=r["practitioner_name"],
                profession=r["profession"],
                contact_form=r["contact_form"],
                time_type=r["time_type"],
                time_type_name=r["time_type_name"],
                start_at=r["start_at"],
                end_at=r["end_at"],
                free_seats=Seats(r["capacity"], r["reserved"]).free,
                within_guarantee=rules.ends_within_guarantee(search.guarantee_deadline, r["end_at"]),
                fixed_care_contact=r["fixed"],
                change_terms=change_terms(
                    r["start_at"],
                    cancel_allowed=r["web_cancel_allowed"],
                    cancel_notice=timedelta(minutes=r["cancel_notice_minutes"]),
                    rebook_allowed=r["web_rebook_allowed"],
                    rebook_notice=timedelta(minutes=r["rebook_notice_minutes"]),
                ),
            )
            for r in rows
        ]

    async def care_units(self) -> list[CareUnit]:
        rows = await self._connection.fetch(
            "SELECT hsa_id, name, address, opening_hours, phone FROM care_units ORDER BY name"
        )
        return [CareUnit(r["hsa_id"], r["name"], r["address"], _json(r["opening_hours"]), r["phone"]) for r in rows]

    async def appointments_of_patient(self, patient: str) -> list[AppointmentRecord]:
        rows = await self._connection.fetch(f"{APPOINTMENT_QUERY} WHERE a.patient = $1 ORDER BY s.start_at", patient)
        return [record_from(row) for row in rows]

    async def appointments_at_units(
        self, units: Sequence[str], *, since: datetime, limit: int = 200, contact_id: str | None = None
    ) -> list[AppointmentRecord]:
        rows = await self._connection.fetch(
            f"""{APPOINTMENT_QUERY} WHERE a.unit = ANY($1::text[]) AND s.start_at >= $2
                AND ($4::text IS NULL OR a.contact_id = $4) ORDER BY s.start_at LIMIT $3""",
            list(units),
            since,
            limit,
            contact_id,
        )
        return [record_from(row) for row in rows]

    async def fixed_care_contacts(self, patient: str, units: Sequence[str]) -> list[FixedCareContact]:
        """The patient's fixed care contacts at these units: staff see their own units' care, never another's."""
        rows = await self._connection.fetch(
            """SELECT f.practitioner, p.name, p.profession, p.unit, f.is_fixed_doctor FROM fixed_care_contacts f
               JOIN practitioners p ON p.hsa_id = f.practitioner WHERE f.patient = $1 AND p.unit = ANY($2::text[])
               ORDER BY f.is_fixed_doctor DESC, p.name""",
            patient,
            list(units),
        )
        return [
            FixedCareContact(r["practitioner"], r["name"], r["profession"], r["unit"], r["is_fixed_doctor"])
            for r in rows
        ]


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value
