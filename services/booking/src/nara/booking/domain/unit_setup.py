"""A unit as staff set it up: its details and opening hours, its practitioners, and the rules time types keep."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, time, timedelta

from nara.shared.events.vocabulary import Profession

from .errors import BookingRefused, InvalidRequest
from .schedule import TimeType

# A time type's code: what staff and programs type, so short and plain (the API's pattern says the same).
TIME_TYPE_CODE = re.compile(r"^[A-Z][A-Z0-9_]{1,31}$")
SHORTEST_TIME_TYPE = timedelta(minutes=5)
LONGEST_TIME_TYPE = timedelta(hours=8)
TIME_TYPE_STEP = timedelta(minutes=5)  # slots line up on a five-minute grid
MOST_DROP_IN_PLACES = 50
LONGEST_NOTICE = timedelta(days=30)


class AlreadyExists(BookingRefused):
    """An HSA-id or code that is taken (answered as 409)."""

    code = "already_exists"


@dataclass(frozen=True)
class OpeningHours:
    """One weekday's opening hours on Stockholm's wall clock; a weekday without any is closed."""

    weekday: int  # ISO, Monday is 1
    opens: time
    closes: time


@dataclass(frozen=True)
class CareUnitDetails:
    hsa_id: str
    name: str
    address: str
    phone: str
    opening_hours: tuple[OpeningHours, ...] = ()
    offer_minutes: int | None = None  # how long a freed time is held for a waitlist offer; None: as stored (15)


@dataclass(frozen=True)
class Practitioner:
    hsa_id: str
    name: str
    profession: Profession
    unit: str
    active_from: date | None = None  # None: since always
    active_to: date | None = None  # inclusive; None: until further notice


def check_opening_hours(hours: tuple[OpeningHours, ...]) -> None:
    weekdays = [h.weekday for h in hours]
    if any(not 1 <= day <= 7 for day in weekdays):
        raise InvalidRequest("Veckodagen ska vara 1 (måndag) till 7 (söndag).")
    if len(set(weekdays)) != len(weekdays):
        raise InvalidRequest("Ange öppettider högst en gång per veckodag.")
    if any(h.closes <= h.opens for h in hours):
        raise InvalidRequest("Stängningstiden måste vara senare än öppningstiden.")


def check_active_days(active_from: date | None, active_to: date | None) -> None:
    if active_from is not None and active_to is not None and active_to < active_from:
        raise InvalidRequest("Aktiv till måste vara samma dag som aktiv från eller senare.")


def check_time_type(time_type: TimeType) -> None:
    """The rules a time type keeps whoever sets it up (the API and the pages check the same before)."""
    if not TIME_TYPE_CODE.match(time_type.code):
        raise InvalidRequest("Koden ska börja med en versal och bara ha versaler, siffror och _ (2–32 tecken).")
    if not SHORTEST_TIME_TYPE <= time_type.length <= LONGEST_TIME_TYPE or time_type.length % TIME_TYPE_STEP:
        raise InvalidRequest("Längden ska vara 5 till 480 minuter, i steg om 5 minuter.")
    if not 1 <= time_type.capacity <= MOST_DROP_IN_PLACES:
        raise InvalidRequest(f"Antal platser ska vara 1 till {MOST_DROP_IN_PLACES}.")
    for notice in (time_type.cancel_notice, time_type.rebook_notice):
        if not timedelta(0) <= notice <= LONGEST_NOTICE:
            raise InvalidRequest("Framförhållningen ska vara 0 till 720 timmar.")
