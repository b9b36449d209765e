"""The day's book (dagbok): what each time of one Stockholm day holds, as staff at the unit see it.

A slot's state follows from what is stored on it: withdrawn (the schedule no longer gives it) and blocked come
first, since no booking can be made on them whatever their seats say; then booked (an appointment holds a seat,
the visit done or not), held (a live hold keeps a seat while someone confirms) and free."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from nara.shared.clock import STOCKHOLM

from .appointment import AppointmentStatus
from .schedule import TimeType

# An appointment keeps its seat when the visit took place or the patient did not come; only a cancellation or a
# rebooking gives it back (service/appointments.py releases the seat for those alone).
SEAT_HOLDING = frozenset({AppointmentStatus.BOOKED, AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW})


class SlotState(StrEnum):
    FREE = "free"
    HELD = "held"
    BOOKED = "booked"
    BLOCKED = "blocked"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class DayBookPractitioner:
    hsa_id: str
    name: str
    profession: str
    active_from: date | None = None  # None: since always
    active_to: date | None = None  # inclusive; None: until further notice

    def is_active_on(self, day: date) -> bool:
        return (self.active_from is None or self.active_from <= day) and (
            self.active_to is None or day <= self.active_to
        )


@dataclass(frozen=True)
class BookingOnSlot:
    """One appointment on a slot: a drop-in's several places each have their own."""

    appointment_id: uuid.UUID
    patient: str  # pseudonym; who it is, is the triage service's to say
    contact_id: str | None
    status: AppointmentStatus
    booked_by: str
    reason: str | None
    end_reason: str | None
    medical_assessment: bool | None

    @property
    def holds_seat(self) -> bool:
        return self.status in SEAT_HOLDING


@dataclass(frozen=True)
class DayBookSlot:
    id: uuid.UUID
    practitioner: str
    time_type: TimeType
    start_at: datetime
    end_at: datetime
    capacity: int
    blocked: bool
    withdrawn_at: datetime | None
    withdrawn_reason: str | None
    live_holds: int
    bookings: tuple[BookingOnSlot, ...]

    @property
    def seated(self) -> int:
        return sum(1 for booking in self.bookings if booking.holds_seat)

    @property
    def free_seats(self) -> int:
        return max(0, self.capacity - self.seated - self.live_holds)

    @property
    def state(self) -> SlotState:
        if self.withdrawn_at is not None:
            return SlotState.WITHDRAWN
        if self.blocked:
            return SlotState.BLOCKED
        if self.seated:
            return SlotState.BOOKED
        if self.live_holds:
            return SlotState.HELD
        return SlotState.FREE

    @property
    def to_move(self) -> tuple[BookingOnSlot, ...]:
        """Bookings on a withdrawn slot: they stay until staff move them to a time the schedule gives."""
        if self.withdrawn_at is None:
            return ()
        return tuple(b for b in self.bookings if b.status is AppointmentStatus.BOOKED)

    def may_book(self, now: datetime) -> bool:
        """Staff may book a patient here: not withdrawn or blocked, a seat free, and not begun."""
        return (
            self.state in (SlotState.FREE, SlotState.HELD, SlotState.BOOKED)
            and self.free_seats > 0
            and (self.start_at > now)
        )

    def may_block(self) -> bool:
        return self.withdrawn_at is None and not self.blocked

    def may_unblock(self) -> bool:
        return self.withdrawn_at is None and self.blocked


@dataclass(frozen=True)
class PractitionersDay:
    practitioner: DayBookPractitioner
    slots: tuple[DayBookSlot, ...]


@dataclass(frozen=True)
class DayBook:
    unit: str
    unit_name: str
    day: date
    practitioners: tuple[PractitionersDay, ...]
    professions: tuple[str, ...]  # every profession at the unit, for the filter
    everyone: tuple[DayBookPractitioner, ...]  # every practitioner at the unit, for the filter

    @property
    def patients(self) -> tuple[str, ...]:
        """Each patient shown, once, in the order first shown."""
        seen: dict[str, None] = {}
        for practitioners_day in self.practitioners:
            for slot in practitioners_day.slots:
                for booking in slot.bookings:
                    seen.setdefault(booking.patient, None)
        return tuple(seen)


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The instants (UTC) a Stockholm day begins and ends: 23 or 25 hours apart on the days the clock changes.
    In UTC, since Python subtracts two times of one zone by their wall clocks."""
    start = datetime.combine(day, time.min, STOCKHOLM)
    end = datetime.combine(day + timedelta(days=1), time.min, STOCKHOLM)
    return start.astimezone(UTC), end.astimezone(UTC)
