"""Time types, weekly templates and the slots they produce, with Stockholm wall-clock times turned into UTC."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from nara.shared.clock import STOCKHOLM
from nara.shared.events.vocabulary import ContactForm, Profession

from .seats import Seats

SLOT_NAMESPACE = uuid.UUID("0b6f3c55-4a0e-4d4f-9d39-6e61726162b0")


@dataclass(frozen=True)
class TimeType:
    code: str
    name: str
    profession: Profession
    contact_form: ContactForm  # the CHECK on time_types.contact_form (0001_schedule.sql) lists the same five
    length: timedelta
    visible: bool
    web_cancel_allowed: bool
    web_rebook_allowed: bool
    cancel_notice: timedelta
    rebook_notice: timedelta
    reason_required: bool
    capacity: int = 1

    @property
    def is_drop_in(self) -> bool:
        return self.capacity > 1


@dataclass(frozen=True)
class Slot:
    """One bookable time of a practitioner, with its seats, as booking and its pages show it."""

    id: uuid.UUID
    unit: str
    practitioner: str
    practitioner_name: str
    time_type: TimeType
    start_at: datetime
    end_at: datetime
    seats: Seats
    blocked: bool
    unit_name: str
    unit_address: str


@dataclass(frozen=True)
class WeeklyTemplate:
    """A practitioner's recurring hours for one time type, in Stockholm wall-clock time."""

    practitioner: str
    unit: str
    time_type: str
    weekday: int  # ISO, Monday is 1
    starts: time
    ends: time


@dataclass(frozen=True)
class PlannedSlot:
    id: uuid.UUID
    unit: str
    practitioner: str
    time_type: str
    start_at: datetime
    end_at: datetime
    capacity: int


def local_instant(day: date, wall_clock: time) -> datetime | None:
    """The UTC instant of a Stockholm wall-clock time, or None when the clock skips it (spring forward)."""
    candidate = datetime.combine(day, wall_clock, STOCKHOLM)
    if candidate.astimezone(UTC).astimezone(STOCKHOLM).replace(tzinfo=None) != candidate.replace(tzinfo=None):
        return None
    return candidate.astimezone(UTC)


def slot_id(practitioner: str, start_at: datetime) -> uuid.UUID:
    """Stable per practitioner and start, so generating the same week twice creates nothing new."""
    return uuid.uuid5(SLOT_NAMESPACE, f"{practitioner}|{start_at.astimezone(UTC).isoformat()}")


def slots_from_templates(
    templates: Iterable[WeeklyTemplate],
    time_types: Mapping[str, TimeType],
    first_day: date,
    last_day: date,
) -> list[PlannedSlot]:
    """Every slot the templates give from first_day to last_day inclusive, each as long as its time type.

    Slots follow the wall clock: 08:00 is 08:00 on both sides of a daylight-saving change. A slot whose
    start or end falls in the hour the clock skips is left out.
    """
    planned: list[PlannedSlot] = []
    day = first_day
    while day <= last_day:
        for template in templates:
            if template.weekday != day.isoweekday():
                continue
            time_type = time_types[template.time_type]
            wall = datetime.combine(day, template.starts)
            end_of_hours = datetime.combine(day, template.ends)
            while wall + time_type.length <= end_of_hours:
                start_at = local_instant(day, wall.time())
                end_at = (
                    local_instant(day, (wall + time_type.length).time())
                    if (wall + time_type.length).date() == day
                    else None
                )
                if start_at is not None and end_at is not None and end_at > start_at:
                    planned.append(
                        PlannedSlot(
                            slot_id(template.practitioner, start_at),
                            template.unit,
                            template.practitioner,
                            time_type.code,
                            start_at,
                            end_at,
                            time_type.capacity,
                        )
                    )
                wall += time_type.length
        day += timedelta(days=1)
    return planned
