"""Time types, weekly templates and the slots they produce, with Stockholm wall-clock times turned into UTC."""

from __future__ import annotations

import uuid
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from nara.shared.clock import STOCKHOLM
from nara.shared.events.vocabulary import ContactForm, Profession

from .reminders import DEFAULT_REMINDER_HOURS
from .seats import Seats

SLOT_NAMESPACE = uuid.UUID("0b6f3c55-4a0e-4d4f-9d39-6e61726162b0")


class BookingChannel(StrEnum):
    """Who may book a time type (the CHECK on time_types.booking_channel, 0005_clinic_schedule.sql)."""

    WEB = "web"  # anyone on the web
    TRIAGED = "triaged"  # on the web only for a triaged contact allowed its profession; staff always
    STAFF = "staff"  # staff only


@dataclass(frozen=True)
class TimeType:
    code: str
    name: str
    profession: Profession
    contact_form: ContactForm  # the CHECK on time_types.contact_form (0001_schedule.sql) lists the same five
    length: timedelta
    booking_channel: BookingChannel
    web_cancel_allowed: bool
    web_rebook_allowed: bool
    cancel_notice: timedelta
    rebook_notice: timedelta
    reason_required: bool
    capacity: int = 1
    medical_assessment: bool = False
    unit: str | None = None  # None: the region's, shared by every unit
    reminder_hours: tuple[int, ...] = DEFAULT_REMINDER_HOURS  # reminders this many hours before (domain/reminders.py)

    @property
    def visible(self) -> bool:
        """Shown to every citizen on the web (not only to a triaged contact)."""
        return self.booking_channel is BookingChannel.WEB

    @property
    def staff_only(self) -> bool:
        return self.booking_channel is BookingChannel.STAFF

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
    valid_from: date | None = None  # None: since always; the practitioner's active days narrow it
    valid_to: date | None = None  # inclusive; None: until further notice

    def applies_on(self, day: date) -> bool:
        return (
            day.isoweekday() == self.weekday
            and (self.valid_from is None or day >= self.valid_from)
            and (self.valid_to is None or day <= self.valid_to)
        )


@dataclass(frozen=True)
class Closure:
    """The unit closed (practitioner None) or one practitioner away, on whole Stockholm days, both inclusive."""

    unit: str
    practitioner: str | None
    first_day: date
    last_day: date

    def closes(self, template: WeeklyTemplate, day: date) -> bool:
        return (
            self.first_day <= day <= self.last_day
            and template.unit == self.unit
            and (self.practitioner is None or self.practitioner == template.practitioner)
        )


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
    """The UTC instant of a Stockholm wall-clock time, or None when the clock skips it (spring forward).
    In the hour the clock repeats (autumn), the first of the two."""
    candidate = datetime.combine(day, wall_clock, STOCKHOLM)
    if candidate.astimezone(UTC).astimezone(STOCKHOLM).replace(tzinfo=None) != candidate.replace(tzinfo=None):
        return None
    return candidate.astimezone(UTC)


def local_instants(day: date, wall_clock: time) -> list[datetime]:
    """Every UTC instant a Stockholm wall-clock time stands for: none in the hour the clock skips (spring), two in
    the hour it repeats (autumn: 02:30 happens first in summer time, then again an hour later in winter time)."""
    first = local_instant(day, wall_clock)
    if first is None:
        return []
    second = datetime.combine(day, wall_clock, STOCKHOLM).replace(fold=1).astimezone(UTC)
    return [first] if second == first else [first, second]


def slot_id(practitioner: str, start_at: datetime, time_type: str, end_at: datetime) -> uuid.UUID:
    """Stable per practitioner, start, time type and end, so generating the same week twice creates nothing new,
    and a changed template's slot at the same start is a new slot beside the withdrawn one."""
    key = f"{practitioner}|{start_at.astimezone(UTC).isoformat()}|{time_type}|{end_at.astimezone(UTC).isoformat()}"
    return uuid.uuid5(SLOT_NAMESPACE, key)


def slots_from_templates(
    templates: Iterable[WeeklyTemplate],
    time_types: Mapping[str, TimeType],
    first_day: date,
    last_day: date,
    closed_days: Container[date] = frozenset(),
    closures: Sequence[Closure] = (),
) -> list[PlannedSlot]:
    """Every slot the templates give from first_day to last_day inclusive, each as long as its time type; none
    on the closed days (public holidays and the eves the region closes on: domain/holidays.py), none outside a
    template's valid days, none where a closure or absence says so.

    Slots follow the wall clock: 08:00 is 08:00 on both sides of a daylight-saving change. A slot whose
    start or end falls in the hour the clock skips is left out; a slot is always as long as its time type, so in
    the hour the clock repeats each wall-clock start gives two slots, one in summer and one in winter time.
    """
    planned: list[PlannedSlot] = []
    day = first_day
    while day <= last_day:
        for template in templates:
            if (
                template.applies_on(day)
                and day not in closed_days
                and not any(closure.closes(template, day) for closure in closures)
            ):
                planned.extend(_template_slots(template, time_types[template.time_type], day))
        day += timedelta(days=1)
    return planned


def _template_slots(template: WeeklyTemplate, time_type: TimeType, day: date) -> list[PlannedSlot]:
    planned: list[PlannedSlot] = []
    # The hours close at the later reading of a repeated hour: they last as long as the wall clock says.
    closes = max(datetime.combine(day, template.ends, STOCKHOLM).replace(fold=fold).astimezone(UTC) for fold in (0, 1))
    wall = datetime.combine(day, template.starts)
    while wall + time_type.length <= datetime.combine(day, template.ends):
        wall_end = wall + time_type.length
        # The end is measured in real time (a 1-hour type is 1 hour), and must exist on the wall clock too.
        if wall_end.date() == day and local_instant(day, wall_end.time()) is not None:
            for start_at in local_instants(day, wall.time()):
                end_at = start_at + time_type.length
                if end_at <= closes:
                    planned.append(
                        PlannedSlot(
                            slot_id(template.practitioner, start_at, time_type.code, end_at),
                            template.unit,
                            template.practitioner,
                            time_type.code,
                            start_at,
                            end_at,
                            time_type.capacity,
                        )
                    )
        wall = wall_end
    return sorted(planned, key=lambda slot: slot.start_at)  # the repeated hour's second pass, in time order
