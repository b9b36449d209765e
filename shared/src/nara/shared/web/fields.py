"""The shapes every string, date and number an API takes must have, so no input reaches the database unchecked.

Identifiers match their pattern (HSA-id, code); free text has a maximum length, no control characters and no
personnummer (whatever a person types ends up in events and logs); moments lie within the calendar Nära can
reason about; page numbers and counts have ranges. Each refusal says in Swedish what to do instead.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

# The personnummer rule is the event contract's too, so it lives beside it; still importable from here.
from nara.shared.free_text import PersonnummerInText as PersonnummerInText
from nara.shared.free_text import no_personnummer as no_personnummer

# An HSA-id: SE, the organisation number (10 digits), a dash and the holder's own part (units and staff alike).
HSA_ID_PATTERN = r"^SE[0-9]{10}-[A-Za-z0-9]{1,31}$"
# A code of the contract or the guidelines: lower case letters, digits, _ . and -.
CODE_PATTERN = r"^[a-z0-9][a-z0-9_.\-]{0,79}$"
# C0 and C1 control characters and DEL; tab, line feed and carriage return are kept in free text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")

EARLIEST_MOMENT = datetime(2000, 1, 1, tzinfo=UTC)
LATEST_MOMENT = datetime(2100, 1, 1, tzinfo=UTC)
EARLIEST_BIRTH = date(1890, 1, 1)

SHORT_TEXT = 200
LONG_TEXT = 2000
MAX_PAGE = 100_000


def no_control_characters(text: str) -> str:
    if _CONTROL.search(text):
        raise ValueError("Texten innehåller kontrolltecken som inte går att spara. Skriv om den med vanliga tecken.")
    return text


def single_line(text: str) -> str:
    if _ANY_CONTROL.search(text):
        raise ValueError("Värdet innehåller kontrolltecken eller radbrytningar. Ange det på en rad med vanliga tecken.")
    return text


def within_calendar(moment: datetime) -> datetime:
    """A moment with its offset, between 2000 and 2100: anything else is a typing error, not a time of care."""
    if moment.tzinfo is None:
        raise ValueError("Ange tiden med tidszon, till exempel 2026-12-07T09:00:00+01:00.")
    try:
        inside = EARLIEST_MOMENT <= moment <= LATEST_MOMENT
    except OverflowError:
        inside = False
    if not inside:
        raise ValueError("Tiden ligger utanför det som går att boka eller söka: ange en tid mellan år 2000 och 2100.")
    return moment


def plausible_date(day: date) -> date:
    if not EARLIEST_BIRTH <= day <= LATEST_MOMENT.date():
        raise ValueError("Datumet ligger utanför det som går att använda: ange ett datum mellan år 1890 och 2100.")
    return day


def no_personnummer_in_holder(hsa_id: str) -> str:
    """The organisation number is public (a sole trader's is their personnummer); the holder's part is typed."""
    no_personnummer(hsa_id.partition("-")[2])
    return hsa_id


HsaId = Annotated[
    str, StringConstraints(pattern=HSA_ID_PATTERN, max_length=44), AfterValidator(no_personnummer_in_holder)
]
Code = Annotated[str, StringConstraints(pattern=CODE_PATTERN)]
Identifier = Annotated[str, StringConstraints(min_length=1, max_length=SHORT_TEXT), AfterValidator(single_line)]
ShortText = Annotated[
    str, StringConstraints(max_length=SHORT_TEXT), AfterValidator(single_line), AfterValidator(no_personnummer)
]
LongText = Annotated[
    str, StringConstraints(max_length=LONG_TEXT), AfterValidator(no_control_characters), AfterValidator(no_personnummer)
]
Moment = Annotated[datetime, AfterValidator(within_calendar)]
CalendarDate = Annotated[date, AfterValidator(plausible_date)]
PageNumber = Annotated[int, Field(ge=1, le=MAX_PAGE)]
PageSize = Annotated[int, Field(ge=1, le=500)]
