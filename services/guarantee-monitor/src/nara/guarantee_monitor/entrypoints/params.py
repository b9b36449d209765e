"""The shapes of the monitor's query parameters, shared by the API and /ops: nothing unchecked reaches the database.

Codes are checked against their lists before pydantic's own check, so a wrong one is refused in Swedish with
the choices; moments lie within the calendar (`Moment`); a month is one the calendar has; a unit is an HSA-id,
and one the caller works at.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import Depends, HTTPException, Query
from fastapi.exceptions import RequestValidationError
from pydantic import AfterValidator, BeforeValidator

from nara.shared.care_guarantee import ClockStatus
from nara.shared.events.vocabulary import ListingStatus
from nara.shared.identity import Caller
from nara.shared.web.fields import Code, HsaId, Moment

from ..domain.reporting import EARLIEST_MONTH, LATEST_MONTH, month_bounds

MONTH_PATTERN = r"^20[0-9]{2}-(0[1-9]|1[0-2])$"


def one_of(what: str, choices: Iterable[str]) -> BeforeValidator:
    allowed = sorted(choices)

    def check(value: object) -> object:
        if value is not None and value not in allowed:
            raise ValueError(f"Okänd {what} '{str(value)[:40]}'. Välj en av: {', '.join(allowed)}.")
        return value

    return BeforeValidator(check)


def _month(value: str) -> str:
    try:
        month_bounds(value)
    except ValueError:
        raise ValueError(
            f"Månaden '{value[:20]}' går inte att använda. Ange den som ÅÅÅÅ-MM, från {EARLIEST_MONTH} "
            f"till {LATEST_MONTH}, till exempel 2026-11."
        ) from None
    return value


# SKR's contact form groups, and the recorded forms (the contract's ContactForm) they are made of.
ContactFormOrGroup = Literal["clinic", "home", "distance", "phone", "video", "chat_letter"]
StatusParam = Annotated[ClockStatus | None, one_of("status", ClockStatus)]
ListingParam = Annotated[ListingStatus | None, one_of("listning", ListingStatus)]
ContactFormParam = Annotated[ContactFormOrGroup | None, one_of("kontaktform", ContactFormOrGroup.__args__)]
UnitParam = Annotated[HsaId | None, Query(description="A unit (HSA-id) the caller works at.")]
ProfessionParam = Annotated[Code | None, Query(description="A profession code, e.g. nurse.")]
From = Annotated[Moment | None, Query(alias="from", description="From this moment (with its offset), 2000-2100.")]
To = Annotated[Moment | None, Query(alias="to", description="Up to this moment (with its offset), 2000-2100.")]
Month = Annotated[
    str,
    Query(
        description="The month, YYYY-MM, in Europe/Stockholm.",
        examples=["2026-11"],
        json_schema_extra={"pattern": MONTH_PATTERN},
    ),
    AfterValidator(_month),
]


def own_unit(caller: Caller, unit: str | None) -> None:
    """A unit named in a request must be one of the caller's: another unit's is refused, not answered empty."""
    if unit is not None and unit not in caller.units:
        raise HTTPException(403, f"Du arbetar inte på enheten {unit}, så dess uppgifter visas inte för dig.")


def period(date_from: datetime | None, date_to: datetime | None) -> None:
    if date_from is not None and date_to is not None and date_from >= date_to:
        raise RequestValidationError(
            [{"loc": ("query", "to"), "type": "value_error", "msg": "Slutet (to) ska ligga efter början (from)."}]
        )


@dataclass(frozen=True)
class ComplianceFilter:
    """What a compliance question narrows to: the same five parameters on the API, its CSV and /ops' download."""

    date_from: datetime | None = None
    date_to: datetime | None = None
    unit: str | None = None
    profession: str | None = None
    contact_form: str | None = None

    def checked_for(self, caller: Caller) -> dict[str, Any]:
        """The filter as the compliance queries take it; another unit's is refused, as is an empty period."""
        own_unit(caller, self.unit)
        period(self.date_from, self.date_to)
        return asdict(self)


def _compliance_filter(
    date_from: From = None,
    date_to: To = None,
    unit: UnitParam = None,
    profession: ProfessionParam = None,
    contact_form: ContactFormParam = None,
) -> ComplianceFilter:
    return ComplianceFilter(date_from, date_to, unit, profession, contact_form)


Filter = Annotated[ComplianceFilter, Depends(_compliance_filter)]
