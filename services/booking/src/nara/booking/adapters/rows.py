"""Rows into domain values: the one place that knows the tables' column names for time types and slots."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from nara.shared.events.vocabulary import ContactForm, Profession

from ..domain.reminders import DEFAULT_REMINDER_HOURS
from ..domain.schedule import BookingChannel, Slot, TimeType
from ..domain.seats import Seats

Row = Mapping[str, Any]  # an asyncpg Record, or a dict of one


def time_type_from(row: Row) -> TimeType:
    return TimeType(
        code=row["code"],
        name=row["name"],
        profession=Profession(row["profession"]),
        contact_form=ContactForm(row["contact_form"]),
        length=timedelta(minutes=row["length_minutes"]),
        booking_channel=BookingChannel(row["booking_channel"]),
        web_cancel_allowed=row["web_cancel_allowed"],
        web_rebook_allowed=row["web_rebook_allowed"],
        cancel_notice=timedelta(minutes=row["cancel_notice_minutes"]),
        rebook_notice=timedelta(minutes=row["rebook_notice_minutes"]),
        reason_required=row["reason_required"],
        capacity=row["capacity"],
        medical_assessment=row["medical_assessment"],
        unit=row["time_type_unit"] if "time_type_unit" in row else row["unit"],
        reminder_hours=tuple(row["reminder_hours"]) if "reminder_hours" in row else DEFAULT_REMINDER_HOURS,
    )


SLOT_COLUMNS = """s.id, s.unit, s.practitioner, p.name AS practitioner_name, s.start_at, s.end_at, s.capacity,
                  s.reserved, s.blocked OR s.withdrawn_at IS NOT NULL AS blocked, t.code, t.name, t.profession,
                  t.contact_form, t.length_minutes, t.booking_channel, t.medical_assessment,
                  t.unit AS time_type_unit,
                  t.web_cancel_allowed, t.web_rebook_allowed, t.cancel_notice_minutes, t.rebook_notice_minutes,
                  t.reason_required, t.capacity AS type_capacity, u.name AS unit_name, u.address AS unit_address"""
SLOT_FROM = """slots s JOIN time_types t ON t.code = s.time_type JOIN practitioners p ON p.hsa_id = s.practitioner
               JOIN care_units u ON u.hsa_id = s.unit"""


def slot_from(row: Row) -> Slot:
    return Slot(
        id=row["id"],
        unit=row["unit"],
        practitioner=row["practitioner"],
        practitioner_name=row["practitioner_name"],
        time_type=time_type_from({**dict(row), "capacity": row["type_capacity"]}),
        start_at=row["start_at"],
        end_at=row["end_at"],
        seats=Seats(row["capacity"], row["reserved"]),
        blocked=row["blocked"],
        unit_name=row["unit_name"],
        unit_address=row["unit_address"],
    )
