"""The day's book (dagbok): every time of a day per practitioner or profession, with its state."""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from nara.shared.identity.caller import Caller

from ..domain.day_book import DayBook, DayBookSlot, PractitionersDay, day_bounds
from ..domain.errors import Forbidden, NotFound
from ..domain.schedule import Slot
from .appointments import visible_appointment
from .records import AppointmentRecord
from .requester import Requester
from .unit_of_work import UnitOfWork

READ_ACTION = "read day's book"


@dataclass(frozen=True)
class DayBookQuery:
    unit: str
    day: date  # in Stockholm's calendar
    practitioner: str | None = None  # HSA-id: only this practitioner
    profession: str | None = None  # only practitioners of this profession


async def read_day_book(
    uow: UnitOfWork, requester: Requester, reader: Caller, query: DayBookQuery, now: datetime
) -> DayBook:
    """The unit's day for its own staff; every patient it shows is access-logged as read, in this transaction."""
    if not requester.is_staff:
        raise Forbidden("Dagboken är till för personalen på vårdenheten.")
    if query.unit not in requester.units:
        raise Forbidden("Du kan bara läsa dagboken för de enheter du arbetar på.")
    unit_name = await uow.day_books.unit_name(query.unit)
    if unit_name is None:
        raise NotFound("Vi hittar ingen sådan vårdenhet.")
    everyone = await uow.day_books.practitioners(query.unit)
    if query.practitioner and all(p.hsa_id != query.practitioner for p in everyone):
        raise NotFound("Vi hittar ingen sådan behandlare på enheten. Välj en behandlare i listan.")
    chosen = [
        p
        for p in everyone
        if (query.practitioner is None or p.hsa_id == query.practitioner)
        and (query.profession is None or p.profession == query.profession)
    ]
    starts, ends = day_bounds(query.day)
    slots = await uow.day_books.slots(
        query.unit, [p.hsa_id for p in chosen], starting_from=starts, starting_before=ends, now=now
    )
    by_practitioner: dict[str, list[DayBookSlot]] = defaultdict(list)
    for slot in slots:
        by_practitioner[slot.practitioner].append(slot)
    book = DayBook(
        unit=query.unit,
        unit_name=unit_name,
        day=query.day,
        # Who works that day, and anyone with times on it (a booking on a time withdrawn after they left).
        practitioners=tuple(
            PractitionersDay(p, tuple(by_practitioner[p.hsa_id]))
            for p in chosen
            if p.is_active_on(query.day) or by_practitioner[p.hsa_id]
        ),
        professions=tuple(sorted({p.profession for p in everyone})),
        everyone=tuple(everyone),
    )
    if book.patients:
        await uow.day_books.log_reads(reader, book.patients, resource=resource_of(book), at=now)
    return book


def resource_of(book: DayBook) -> str:
    return f"day-book/{book.unit}/{book.day.isoformat()}"


async def slot_at_own_unit(uow: UnitOfWork, requester: Requester, slot_id: uuid.UUID) -> Slot:
    """A time at one of the staff member's units, for an action on it; NotFound otherwise, never a hint."""
    slot = await uow.slots.slot(slot_id)
    if slot is None or not requester.is_staff or slot.unit not in requester.units:
        raise NotFound("Vi hittar inte den tiden på dina enheter.")
    return slot


async def appointment_at_own_unit(
    uow: UnitOfWork, requester: Requester, appointment_id: uuid.UUID
) -> tuple[AppointmentRecord, Slot]:
    """An appointment at one of the staff member's units with its time (whose type says whether a visit is a
    medical assessment); NotFound otherwise."""
    found = await visible_appointment(uow, requester, appointment_id)
    if not requester.is_staff:
        raise NotFound("Vi hittar ingen sådan tid.")
    return found, await slot_at_own_unit(uow, requester, found.slot_id)
