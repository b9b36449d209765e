"""The guarantee-aware waitlist: who may have a freed time, and in which order they are offered it.

Pure rules, no I/O. A freed time goes only to entries whose triage allows it and whose wishes fit it; among
those, the one whose national guarantee deadline comes first (breached before at-risk before on-track, as the
guarantee monitor defines them), then the region's limit, then who asked first. A patient who chose to wait
(patientvald väntan) comes after everyone who did not."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import cached_property

from nara.shared.care_guarantee import ClockStatus
from nara.shared.clock import to_stockholm
from nara.shared.events.vocabulary import ContactForm

from .day_parts import DayPart, starts_in
from .errors import InvalidRequest

MAX_UNITS = 10
WEEKDAYS = range(7)  # Monday 0 .. Sunday 6, on Stockholm's calendar
CONTACT_FORMS = frozenset(form.value for form in ContactForm)
ADDRESS_MAX_LENGTH = 254  # RFC 5321's longest path
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# A Swedish mobile number, with or without +46 / 0046 and spaces or dashes: 07x, 9 digits after the 0.
MOBILE = re.compile(r"^(?:\+46|0046|0)7\d{8}$")


class ReachBy(StrEnum):
    """How a patient on the waitlist wants to hear of an earlier time."""

    SMS = "sms"
    EMAIL = "email"
    NONE = "none"  # they look in "Mina tider" themselves


class EntryEnd(StrEnum):
    """Why an entry stopped waiting."""

    ASSESSED = "assessed"  # the medical assessment was made: nothing left to wait for
    CLOSED = "closed"  # the contact was closed
    BOOKED = "booked"  # a time inside the guarantee deadline was booked
    LEFT = "left"  # the patient (or staff for them) took them off the list

    @property
    def final(self) -> bool:
        """An assessed or closed contact cannot wait again; one that left or booked can join again."""
        return self in (EntryEnd.ASSESSED, EntryEnd.CLOSED)


# The order of the monitor's statuses on the waitlist: the most urgent first.
STANDING_ORDER = (ClockStatus.BREACHED, ClockStatus.AT_RISK, ClockStatus.ON_TRACK)


@dataclass(frozen=True)
class Reach:
    """Where to tell the patient of an offer; the number or address stays in the database, out of events and logs."""

    by: ReachBy
    address: str | None = None

    @classmethod
    def of(cls, by: ReachBy, address: str | None) -> Reach:
        text = (address or "").strip()
        if by is ReachBy.NONE:
            return cls(by, None)
        if by is ReachBy.SMS:
            number = re.sub(r"[\s-]", "", text)
            if not MOBILE.match(number):
                raise InvalidRequest("Skriv ett mobilnummer, till exempel 070-123 45 67.")
            return cls(by, "+46" + number.removeprefix("+46").removeprefix("0046").removeprefix("0"))
        if len(text) > ADDRESS_MAX_LENGTH or not EMAIL.match(text):
            raise InvalidRequest("Skriv en e-postadress, till exempel namn@exempel.se.")
        return cls(by, text)


@dataclass(frozen=True)
class Wishes:
    """Which units, weekdays, parts of the day and contact forms suit the patient."""

    units: frozenset[str]
    weekdays: frozenset[int]
    day_parts: frozenset[DayPart]
    contact_forms: frozenset[str]

    @classmethod
    def of(
        cls, units: Iterable[str], weekdays: Iterable[int], day_parts: Iterable[DayPart], contact_forms: Iterable[str]
    ) -> Wishes:
        chosen = cls(frozenset(units), frozenset(weekdays), frozenset(day_parts), frozenset(contact_forms))
        if not chosen.units:
            raise InvalidRequest("Välj minst en vårdcentral.")
        if len(chosen.units) > MAX_UNITS:
            raise InvalidRequest(f"Välj högst {MAX_UNITS} vårdcentraler.")
        if not chosen.weekdays:
            raise InvalidRequest("Välj minst en veckodag.")
        if not chosen.weekdays <= set(WEEKDAYS):
            raise InvalidRequest("Veckodagarna är 0 (måndag) till 6 (söndag).")
        if not chosen.day_parts:
            raise InvalidRequest("Välj minst en tid på dagen.")
        if not chosen.contact_forms:
            raise InvalidRequest("Välj minst ett sätt att träffas.")
        if not chosen.contact_forms <= CONTACT_FORMS:
            raise InvalidRequest("Välj sätt att träffas bland dem som finns.")
        return chosen

    def accept(self, slot: FreedSlot) -> bool:
        return (
            slot.unit in self.units
            and slot.weekday in self.weekdays
            and slot.day_part in self.day_parts
            and slot.contact_form in self.contact_forms
        )


@dataclass(frozen=True)
class TriageAllows:
    """What the contact's triage lets it book: its professions, and where set, only these time types and
    contact forms (None: any); `latest_start` for care that must happen today."""

    professions: frozenset[str]
    time_types: frozenset[str] | None = None
    contact_forms: frozenset[str] | None = None
    latest_start: datetime | None = None

    def allow(self, slot: FreedSlot) -> bool:
        return (
            slot.profession in self.professions
            and (self.time_types is None or slot.time_type in self.time_types)
            and (self.contact_forms is None or slot.contact_form in self.contact_forms)
            and (self.latest_start is None or slot.start < self.latest_start)
        )


@dataclass(frozen=True)
class FreedSlot:
    """A time that came free: a cancellation, a released no-show, a new or unblocked slot."""

    unit: str
    profession: str
    time_type: str
    contact_form: str
    start: datetime
    staff_only: bool = False  # such times are booked by staff only, never offered on the web

    # Worked out once per freed time, not once per waiting entry (10,000 at a unit).
    @cached_property
    def weekday(self) -> int:
        """0 Monday .. 6 Sunday, on Stockholm's calendar."""
        return to_stockholm(self.start).weekday()

    @cached_property
    def day_part(self) -> DayPart:
        return next(part for part in DayPart if starts_in(part, self.start))


@dataclass(frozen=True)
class WaitingEntry:
    """One contact on the waitlist, with what the matching needs; `entry_id` is what an offer points at."""

    entry_id: str
    contact_id: str
    patient: str  # pseudonym
    wishes: Wishes
    allows: TriageAllows
    national_deadline: datetime
    regional_deadline: datetime | None
    joined_at: datetime  # when they first asked; joining again keeps it
    chose_to_wait: bool  # patientvald väntan: they took a later time when times inside the guarantee were shown
    booked_within_deadline: bool = False  # a time inside the national deadline is booked (the monitor's on-track)
    booked_start: datetime | None = None  # the contact's earliest booked time: only an earlier one is worth offering

    def standing(self, now: datetime) -> ClockStatus:
        """The monitor's status against the national deadline, for an entry that is still waiting."""
        if self.booked_within_deadline:
            return ClockStatus.ON_TRACK
        if now >= self.national_deadline:
            return ClockStatus.BREACHED
        return ClockStatus.AT_RISK

    def fits(self, slot: FreedSlot, now: datetime) -> bool:
        return (
            not slot.staff_only
            and slot.start > now
            and (self.booked_start is None or slot.start < self.booked_start)
            and self.allows.allow(slot)
            and self.wishes.accept(slot)
        )


def offer_key(entry: WaitingEntry, now: datetime) -> tuple[bool, int, datetime, bool, datetime, datetime, str]:
    """Sorts entries into the order they are offered a time; total, since a contact has one entry."""
    return (
        entry.chose_to_wait,
        STANDING_ORDER.index(entry.standing(now)),
        entry.national_deadline,
        entry.regional_deadline is None,  # a regional limit comes before none
        entry.regional_deadline or entry.national_deadline,
        entry.joined_at,
        entry.contact_id,
    )


def offer_order(slot: FreedSlot, entries: Sequence[WaitingEntry], now: datetime) -> list[WaitingEntry]:
    """The entries that may have this time, in the order they are offered it."""
    return sorted((e for e in entries if e.fits(slot, now)), key=lambda entry: offer_key(entry, now))
