"""The day's book (dagbok): every time of a day per practitioner or profession, with its state."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from nara.shared.identity.caller import Caller

from ..domain.day_book import DayBook, DayBookSlot, PractitionersDay, day_bounds
from ..domain.errors import Forbidden, NotFound
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
