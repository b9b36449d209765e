"""The set-up API's request and response shapes, shared with the set-up pages, and their translation to the domain.

The constraints repeat the domain's rules (domain/unit_setup.py) so bad input is a 422 naming the field."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Annotated, Self

from pydantic import BaseModel, Field, StringConstraints, field_validator, model_validator

from nara.shared.events.vocabulary import ContactForm, Profession
from nara.shared.web.fields import CalendarDate, HsaId, ShortText

from ..domain.reminders import DEFAULT_REMINDER_HOURS, LONGEST_OFFSET_HOURS, MOST_REMINDERS, reminder_hours
from ..domain.schedule import BookingChannel, TimeType
from ..domain.unit_setup import (
    LONGEST_NOTICE,
    MOST_DROP_IN_PLACES,
    CareUnitDetails,
    OpeningHours,
    Practitioner,
)

Name = Annotated[ShortText, StringConstraints(strip_whitespace=True, min_length=1)]
Phone = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9][0-9 \-]{4,24}$"),
    Field(description="Swedish style, e.g. 0346-123 45 or +46 346 123 45", examples=["0346-123 45"]),
]
TimeTypeCode = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Z][A-Z0-9_]{1,31}$"),
    Field(description="Upper case letters, digits and _, unique in the region", examples=["SSK_BESOK"]),
]
WallClock = Annotated[
    str,
    StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$"),
    Field(description="Stockholm wall clock, HH:MM", examples=["08:00"]),
]
NOTICE_HOURS = LONGEST_NOTICE // timedelta(hours=1)


class OpeningHoursModel(BaseModel):
    weekday: int = Field(ge=1, le=7, description="ISO weekday: Monday is 1")
    opens: WallClock
    closes: WallClock = Field(description="Stockholm wall clock, HH:MM; after `opens`")

    @model_validator(mode="after")
    def closes_after_opening(self) -> Self:
        if self.closes <= self.opens:  # HH:MM strings order as the times do
            raise ValueError("Stängningstiden måste vara senare än öppningstiden.")
        return self

    def hours(self) -> OpeningHours:
        return OpeningHours(self.weekday, time.fromisoformat(self.opens), time.fromisoformat(self.closes))

    @classmethod
    def of(cls, hours: OpeningHours) -> OpeningHoursModel:
        return cls(weekday=hours.weekday, opens=hours.opens.strftime("%H:%M"), closes=hours.closes.strftime("%H:%M"))


class CareUnitChange(BaseModel):
    name: Name
    address: Name
    phone: Phone
    opening_hours: list[OpeningHoursModel] = Field(
        default_factory=list, max_length=7, description="One per open weekday; a weekday left out is closed"
    )
    offer_minutes: int | None = Field(
        None,
        ge=5,
        le=1440,
        description="How long a freed time is held for the waiting patient it is offered to (minutes; default 15). "
        "Left out: unchanged.",
    )

    @field_validator("opening_hours")
    @classmethod
    def one_per_weekday(cls, hours: list[OpeningHoursModel]) -> list[OpeningHoursModel]:
        if len({h.weekday for h in hours}) != len(hours):
            raise ValueError("Ange öppettider högst en gång per veckodag.")
        return hours

    def details(self, hsa_id: str) -> CareUnitDetails:
        hours = tuple(h.hours() for h in sorted(self.opening_hours, key=_weekday))
        return CareUnitDetails(hsa_id, self.name, self.address, self.phone, hours, self.offer_minutes)


class CareUnitRequest(CareUnitChange):
    hsa_id: HsaId


class CareUnitAnswer(BaseModel):
    """Answers are plain shapes: what is stored is shown as it is, even from before today's rules."""

    hsa_id: str
    name: str
    address: str
    phone: str
    opening_hours: list[OpeningHoursModel]
    offer_minutes: int | None = None

    @classmethod
    def of(cls, unit: CareUnitDetails) -> CareUnitAnswer:
        return cls(
            hsa_id=unit.hsa_id,
            name=unit.name,
            address=unit.address,
            phone=unit.phone,
            opening_hours=[OpeningHoursModel.of(h) for h in unit.opening_hours],
            offer_minutes=unit.offer_minutes,
        )


class PractitionerChange(BaseModel):
    name: Name
    profession: Profession
    active_from: CalendarDate | None = Field(None, description="First working day; empty: since always")
    active_to: CalendarDate | None = Field(None, description="Last working day, inclusive; empty: until further notice")

    @model_validator(mode="after")
    def ends_after_it_starts(self) -> Self:
        if self.active_from and self.active_to and self.active_to < self.active_from:
            raise ValueError("Aktiv till måste vara samma dag som aktiv från eller senare.")
        return self

    def practitioner(self, hsa_id: str, unit: str) -> Practitioner:
        return Practitioner(hsa_id, self.name, self.profession, unit, self.active_from, self.active_to)


class PractitionerRequest(PractitionerChange):
    hsa_id: HsaId


class PractitionerAnswer(BaseModel):
    hsa_id: str
    name: str
    profession: Profession
    unit: str
    active_from: date | None
    active_to: date | None

    @classmethod
    def of(cls, p: Practitioner) -> PractitionerAnswer:
        return cls(
            hsa_id=p.hsa_id,
            name=p.name,
            profession=p.profession,
            unit=p.unit,
            active_from=p.active_from,
            active_to=p.active_to,
        )


class TimeTypeChange(BaseModel):
    name: Name = Field(description="Swedish, as the citizen reads it")
    profession: Profession
    length_minutes: int = Field(ge=5, le=480, multiple_of=5)
    contact_form: ContactForm
    booking_channel: BookingChannel = Field(
        description="web: anyone on the web; triaged: on the web only for a triaged contact; staff: staff only"
    )
    web_cancel_allowed: bool = True
    cancel_notice_hours: int = Field(24, ge=0, le=NOTICE_HOURS, description="Least notice to cancel on the web")
    web_rebook_allowed: bool = True
    rebook_notice_hours: int = Field(24, ge=0, le=NOTICE_HOURS, description="Least notice to rebook on the web")
    medical_assessment: bool = Field(False, description="A visit of this type is a medical assessment")
    reason_required: bool = False
    capacity: int = Field(1, ge=1, le=MOST_DROP_IN_PLACES, description="1: one patient; more: drop-in places")
    reminder_hours: list[Annotated[int, Field(ge=1, le=LONGEST_OFFSET_HOURS)]] = Field(
        default_factory=lambda: list(DEFAULT_REMINDER_HOURS),
        max_length=MOST_REMINDERS,
        description="Reminders to the patient this many hours before the time: none to three, each 1-168",
    )

    def time_type(self, code: str, unit: str | None) -> TimeType:
        return TimeType(
            code=code,
            name=self.name,
            profession=self.profession,
            contact_form=self.contact_form,
            length=timedelta(minutes=self.length_minutes),
            booking_channel=self.booking_channel,
            web_cancel_allowed=self.web_cancel_allowed,
            web_rebook_allowed=self.web_rebook_allowed,
            cancel_notice=timedelta(hours=self.cancel_notice_hours),
            rebook_notice=timedelta(hours=self.rebook_notice_hours),
            reason_required=self.reason_required,
            capacity=self.capacity,
            medical_assessment=self.medical_assessment,
            unit=unit,
            reminder_hours=reminder_hours(self.reminder_hours),
        )


class TimeTypeRequest(TimeTypeChange):
    code: TimeTypeCode


class TimeTypeAnswer(BaseModel):
    code: str
    name: str
    profession: Profession
    length_minutes: int
    contact_form: ContactForm
    booking_channel: BookingChannel
    web_cancel_allowed: bool
    cancel_notice_hours: int
    web_rebook_allowed: bool
    rebook_notice_hours: int
    medical_assessment: bool
    reason_required: bool
    capacity: int
    reminder_hours: list[int]
    unit: str | None = Field(description="The unit that owns it; null: the region's, for every unit")

    @classmethod
    def of(cls, t: TimeType) -> TimeTypeAnswer:
        hour = timedelta(hours=1)
        return cls(
            code=t.code,
            name=t.name,
            profession=t.profession,
            length_minutes=t.length // timedelta(minutes=1),
            contact_form=t.contact_form,
            booking_channel=t.booking_channel,
            web_cancel_allowed=t.web_cancel_allowed,
            cancel_notice_hours=t.cancel_notice // hour,
            web_rebook_allowed=t.web_rebook_allowed,
            rebook_notice_hours=t.rebook_notice // hour,
            medical_assessment=t.medical_assessment,
            reason_required=t.reason_required,
            capacity=t.capacity,
            reminder_hours=list(t.reminder_hours),
            unit=t.unit,
        )


class ImportAnswer(BaseModel):
    added: int = Field(description="Practitioners new at the unit")
    updated: int = Field(description="Practitioners already at the unit, their details replaced by the file's")


def _weekday(hours: OpeningHoursModel) -> int:
    return hours.weekday
