"""The day's book as its tables show it: each time's row in Swedish words, with the actions it allows."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from nara.shared.web.swedish import FILTERS

from ...domain.appointment import AppointmentStatus
from ...domain.day_book import BookingOnSlot, DayBook, DayBookSlot, SlotState

# The state in words, and the staff stylesheet's tag colour beside it (never the colour alone).
STATES = {
    SlotState.FREE: ("Ledig", "green"),
    SlotState.HELD: ("Reserverad", "yellow"),
    SlotState.BOOKED: ("Bokad", "blue"),
    SlotState.BLOCKED: ("Spärrad", "untriaged"),
    SlotState.WITHDRAWN: ("Utgår", "red"),
}
STATUSES = {
    AppointmentStatus.BOOKED: "Bokad",
    AppointmentStatus.COMPLETED: "Genomförd",
    AppointmentStatus.NO_SHOW: "Kom inte",
    AppointmentStatus.CANCELLED: "Avbokad",
    AppointmentStatus.REBOOKED: "Flyttad",
}
PASSED = ("Passerad", "untriaged")  # a free time that has begun: nobody can book or need block it any more
UNKNOWN_PATIENT = "Personnummer okänt"


def personnummer_text(digits: str) -> str:
    """The triage service's 12 digits as people write them: ÅÅÅÅMMDD-NNNN."""
    return f"{digits[:8]}-{digits[8:]}" if len(digits) == 12 and digits.isdigit() else digits


@dataclass(frozen=True)
class BookingRow:
    appointment_id: uuid.UUID
    patient: str  # the personnummer as written, or that it is not known
    status: str
    active: bool
    may_register_visit: bool
    to_move: bool


@dataclass(frozen=True)
class SlotRow:
    id: uuid.UUID
    time: str  # 08:00–08:20
    start: str  # 08:00, for the actions' accessible names
    time_type: str
    places: str  # a drop-in's "2 av 4 platser lediga"
    state: str
    state_kind: str
    withdrawn_reason: str | None
    bookings: tuple[BookingRow, ...]
    may_book: bool
    may_block: bool
    may_unblock: bool


@dataclass(frozen=True)
class PractitionerTable:
    hsa_id: str
    name: str
    profession: str
    rows: tuple[SlotRow, ...]


def tables_of(book: DayBook, identities: dict[str, str], now: datetime) -> list[PractitionerTable]:
    return [
        PractitionerTable(
            day.practitioner.hsa_id,
            day.practitioner.name,
            day.practitioner.profession,
            tuple(slot_row(slot, identities, now) for slot in day.slots),
        )
        for day in book.practitioners
    ]


def slot_row(slot: DayBookSlot, identities: dict[str, str], now: datetime) -> SlotRow:
    begun = slot.start_at <= now  # a time that has begun is not blocked any more: nothing new can be booked on it
    state, kind = PASSED if begun and slot.state is SlotState.FREE else STATES[slot.state]
    to_move = {b.appointment_id for b in slot.to_move}
    places = f"{slot.free_seats} av {slot.capacity} platser lediga" if slot.capacity > 1 else ""
    return SlotRow(
        id=slot.id,
        time=FILTERS["time"](slot.start_at) + "–" + FILTERS["time"](slot.end_at),
        start=FILTERS["time"](slot.start_at),
        time_type=slot.time_type.name,
        places=places,
        state=state,
        state_kind=kind,
        withdrawn_reason=slot.withdrawn_reason,
        bookings=tuple(_booking(b, slot, identities, now, b.appointment_id in to_move) for b in slot.bookings),
        may_book=slot.may_book(now),
        may_block=slot.may_block() and not begun,
        may_unblock=slot.may_unblock(),
    )


def _booking(
    booking: BookingOnSlot, slot: DayBookSlot, identities: dict[str, str], now: datetime, to_move: bool
) -> BookingRow:
    known = identities.get(booking.patient)
    active = booking.status is AppointmentStatus.BOOKED
    return BookingRow(
        appointment_id=booking.appointment_id,
        patient=personnummer_text(known) if known else UNKNOWN_PATIENT,
        status=STATUSES[booking.status],
        active=active,
        may_register_visit=active and slot.start_at <= now,
        to_move=to_move,
    )
