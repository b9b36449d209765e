"""A unit's hours as staff set them: the rules a weekly template must keep, and how the slots that exist are
brought in line with the slots the schedule gives (created, withdrawn, or made live again), never losing a booking.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from nara.shared.clock import STOCKHOLM

from .errors import BookingRefused, InvalidRequest, InvalidRows
from .schedule import Closure, PlannedSlot, TimeType, WeeklyTemplate

WEEKDAY_NAMES = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")  # ISO order, Monday is 1
LONGEST_CLOSURE = timedelta(days=366)


class TemplateOverlap(BookingRefused):
    """The practitioner already works other hours then (answered 409)."""

    code = "template_overlap"


class ImportRefused(InvalidRows):
    """A file of templates with bad lines: none is imported, and every bad line is listed (answered 422)."""

    code = "import_refused"

    def __init__(self, rows: list[tuple[int, str]]):
        super().__init__(
            f"Filen har {len(rows)} fel och inget har lästs in. Rätta raderna och läs in filen igen.", rows
        )


class WithdrawalReason(StrEnum):
    """Why the schedule no longer gives a slot (slots.withdrawn_reason, and the displaced event's reason)."""

    UNIT_CLOSED = "unit_closed"
    PRACTITIONER_AWAY = "practitioner_away"
    HOLIDAY = "holiday"
    SCHEDULE_CHANGED = "schedule_changed"  # a template changed or was removed, or the practitioner stopped

    @property
    def swedish(self) -> str:
        return {
            WithdrawalReason.UNIT_CLOSED: "Enheten är stängd",
            WithdrawalReason.PRACTITIONER_AWAY: "Behandlaren är borta",
            WithdrawalReason.HOLIDAY: "Helgdag",
            WithdrawalReason.SCHEDULE_CHANGED: "Schemat har ändrats",
        }[self]


@dataclass(frozen=True)
class StoredTemplate:
    id: int
    template: WeeklyTemplate


@dataclass(frozen=True)
class StoredClosure:
    id: uuid.UUID
    closure: Closure
    reason: str
    created_by: str
    created_at: datetime


@dataclass(frozen=True)
class PractitionerAtUnit:
    hsa_id: str
    name: str
    profession: str
    unit: str


@dataclass(frozen=True)
class ExistingSlot:
    id: uuid.UUID
    practitioner: str
    time_type: str
    start_at: datetime
    end_at: datetime
    withdrawn: bool

    @property
    def key(self) -> SlotKey:
        return (self.practitioner, self.time_type, self.start_at, self.end_at)


SlotKey = tuple[str, str, datetime, datetime]  # what makes a slot the same time: not its id, which may be older


@dataclass(frozen=True)
class Reconciliation:
    """What makes the existing slots match the plan: nothing in the past is touched."""

    create: list[PlannedSlot]
    withdraw: dict[uuid.UUID, WithdrawalReason]
    reinstate: list[uuid.UUID]


def weekday_name(weekday: int) -> str:
    return WEEKDAY_NAMES[weekday - 1]


def check_template(
    template: WeeklyTemplate, time_type: TimeType | None, practitioner: PractitionerAtUnit, unit: str
) -> None:
    """A template is the unit's own or the region's time type, of the practitioner's profession, and long enough
    for at least one slot; InvalidRequest (Swedish) otherwise."""
    if practitioner.unit != unit:
        raise InvalidRequest("Behandlaren arbetar inte på den här enheten.")
    if time_type is None or time_type.unit not in (None, unit):
        raise InvalidRequest("Tidtypen finns inte på den här enheten. Välj en av enhetens eller regionens tidtyper.")
    if time_type.profession != practitioner.profession:
        raise InvalidRequest(
            f"Tidtypen {time_type.name} är för en annan yrkesgrupp än behandlarens. Välj en tidtyp för samma yrke."
        )
    if template.ends <= template.starts:
        raise InvalidRequest("Sluttiden måste vara efter starttiden.")
    minutes = _minutes(template.ends) - _minutes(template.starts)
    if minutes < time_type.length.total_seconds() / 60:
        raise InvalidRequest(
            f"Passet är för kort: en tid av typen {time_type.name} är {int(time_type.length.total_seconds() // 60)} "
            "minuter. Gör passet längre eller välj en annan tidtyp."
        )
    if template.valid_from and template.valid_to and template.valid_to < template.valid_from:
        raise InvalidRequest("Giltig till måste vara samma dag som eller efter giltig från.")


def overlapping(template: WeeklyTemplate, others: Iterable[StoredTemplate]) -> StoredTemplate | None:
    """Another template of the same practitioner on the same weekday whose hours and valid days overlap."""
    for other in others:
        theirs = other.template
        if (
            theirs.practitioner == template.practitioner
            and theirs.weekday == template.weekday
            and theirs.starts < template.ends
            and template.starts < theirs.ends
            and (theirs.valid_to is None or template.valid_from is None or template.valid_from <= theirs.valid_to)
            and (template.valid_to is None or theirs.valid_from is None or theirs.valid_from <= template.valid_to)
        ):
            return other
    return None


def ensure_no_overlap(template: WeeklyTemplate, others: Iterable[StoredTemplate]) -> None:
    clash = overlapping(template, others)
    if clash is not None:
        theirs = clash.template
        raise TemplateOverlap(
            f"Behandlaren har redan ett pass på {weekday_name(theirs.weekday)}ar "
            f"{theirs.starts:%H:%M}–{theirs.ends:%H:%M} som överlappar. Ändra det passet eller välj andra tider."
        )


def check_closure(closure: Closure, today: date) -> None:
    if closure.last_day < closure.first_day:
        raise InvalidRequest("Sista dagen måste vara samma dag som eller efter första dagen.")
    if closure.last_day < today:
        raise InvalidRequest("Perioden har redan passerat. Ange dagar från och med i dag.")
    if closure.last_day - closure.first_day >= LONGEST_CLOSURE:
        raise InvalidRequest("En stängning eller frånvaro kan vara högst ett år. Dela upp längre perioder.")


def reconcile(
    planned: Sequence[PlannedSlot],
    existing: Sequence[ExistingSlot],
    now: datetime,
    reason_for: Callable[[ExistingSlot], WithdrawalReason] | None = None,
) -> Reconciliation:
    """Planned slots that do not exist are created; future live slots the plan no longer gives are withdrawn;
    future withdrawn slots the plan gives again are made live. A slot is the same when its practitioner, time type,
    start and end are (slots made under an older id scheme count too). `existing` covers the planned days."""
    wanted = {_key(slot) for slot in planned}
    known = {slot.key for slot in existing}
    live = {slot.key for slot in existing if not slot.withdrawn}
    withdrawn_by_key: dict[SlotKey, ExistingSlot] = {}
    for slot in existing:
        if slot.withdrawn and slot.start_at > now:
            withdrawn_by_key.setdefault(slot.key, slot)
    reinstate = [withdrawn_by_key[key] for key in wanted - live if key in withdrawn_by_key]
    return Reconciliation(
        create=[slot for slot in planned if _key(slot) not in known],
        withdraw={
            slot.id: reason_for(slot) if reason_for else WithdrawalReason.SCHEDULE_CHANGED
            for slot in existing
            if not slot.withdrawn and slot.start_at > now and slot.key not in wanted
        },
        reinstate=sorted(slot.id for slot in reinstate),
    )


def _key(slot: PlannedSlot) -> SlotKey:
    return (slot.practitioner, slot.time_type, slot.start_at, slot.end_at)


def why_withdrawn(
    slot: ExistingSlot, unit: str, closed_days: Mapping[date, str], closures: Sequence[Closure]
) -> WithdrawalReason:
    """The most telling reason a slot is gone: a holiday, the unit closed, the practitioner away, else a change."""
    day = slot.start_at.astimezone(STOCKHOLM).date()
    if day in closed_days:
        return WithdrawalReason.HOLIDAY
    covering = [c for c in closures if c.unit == unit and c.first_day <= day <= c.last_day]
    if any(c.practitioner is None for c in covering):
        return WithdrawalReason.UNIT_CLOSED
    if any(c.practitioner == slot.practitioner for c in covering):
        return WithdrawalReason.PRACTITIONER_AWAY
    return WithdrawalReason.SCHEDULE_CHANGED


def day_start(day: date) -> datetime:
    """Midnight in Stockholm, as a UTC instant."""
    return datetime.combine(day, time(0), STOCKHOLM).astimezone(UTC)


def _minutes(wall_clock: time) -> int:
    return wall_clock.hour * 60 + wall_clock.minute
