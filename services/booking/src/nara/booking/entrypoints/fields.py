"""The shapes of booking's own request fields, on top of nara.shared.web.fields: nothing unchecked reaches SQL."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from nara.shared.clock import STOCKHOLM
from nara.shared.free_text import no_personnummer
from nara.shared.web.fields import Code, HsaId, PageNumber, no_control_characters, within_calendar

__all__ = ["Code", "ContactId", "HsaId", "PageNumber", "Personnummer", "Reason", "SearchMoment", "SlotPageSize"]

# A contact's id as the triage service gives it (a UUID today; the event contract says only "an identifier").
ContactId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:\-]{0,99}$")]
# The form only (10 or 12 digits, - or + before the last four); whether the number exists is the route's to say.
Personnummer = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9]{6}(?:[0-9]{2})?[-+]?[0-9]{4}$")]
# What a person writes about a visit or a cancellation: it reaches the appointment row and the cancelled event.
Reason = Annotated[
    str, StringConstraints(max_length=500), AfterValidator(no_control_characters), AfterValidator(no_personnummer)
]
SlotPageSize = Annotated[int, Field(ge=1, le=100)]


def stockholm_if_naive(value: datetime) -> datetime:
    """A time without a zone is read as Stockholm time, as people mean it."""
    return value.replace(tzinfo=STOCKHOLM) if value.tzinfo is None else value


# A search bound: naive is Stockholm, and it lies between 2000 and 2100, so the default end (+14 days) cannot overflow.
SearchMoment = Annotated[datetime, AfterValidator(stockholm_if_naive), AfterValidator(within_calendar)]
