"""The value sets and field types that the event models share."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, Field


class Channel(StrEnum):
    """The front door through which a person sought care."""

    WEB = "web"
    PHONE_1177 = "phone_1177"
    PHONE_UNIT = "phone_unit"
    RECEPTION = "reception"
    WALK_IN = "walk_in"
    E_SERVICE = "e_service"
    EMERGENCY_DEPARTMENT = "emergency_department"


class ContactForm(StrEnum):
    """How the patient and the professional meet (besöksform)."""

    CLINIC = "clinic"
    HOME = "home"
    PHONE = "phone"
    VIDEO = "video"
    CHAT_LETTER = "chat_letter"


class Profession(StrEnum):
    """The licensed profession groups that can make a medical assessment."""

    DOCTOR = "doctor"
    NURSE = "nurse"
    DISTRICT_NURSE = "district_nurse"
    PHYSIOTHERAPIST = "physiotherapist"
    OCCUPATIONAL_THERAPIST = "occupational_therapist"
    PSYCHOLOGIST = "psychologist"
    COUNSELLOR = "counsellor"
    MIDWIFE = "midwife"


class CareLevel(StrEnum):
    """Where triage sends the patient, most urgent first."""

    CALL_112 = "call_112"
    EMERGENCY_NOW = "emergency_now"
    WITHIN_HOURS = "within_hours"
    SAME_DAY = "same_day"
    WITHIN_3_DAYS = "within_3_days"
    PLANNED = "planned"
    SELF_CARE = "self_care"


class Urgency(StrEnum):
    """Triage urgency as the RETTS colours, most urgent first; the higher colour wins."""

    RED = "red"
    ORANGE = "orange"
    YELLOW = "yellow"
    GREEN = "green"
    BLUE = "blue"


class Actor(StrEnum):
    """Who booked or cancelled: the patient themselves or staff on their behalf."""

    PATIENT = "patient"
    STAFF = "staff"


class ContactCloseReason(StrEnum):
    """Why a contact was closed without (further) booking."""

    SELF_CARE = "self_care"
    WITHDRAWN = "withdrawn"
    EMERGENCY_DEPARTMENT = "emergency_department"
    DUPLICATE = "duplicate"


class Sex(StrEnum):
    """From the personnummer (the second-last digit); carried for national reporting, never asked."""

    FEMALE = "female"
    MALE = "male"


class AgeGroup(StrEnum):
    """Coarse age on the day of contact, for national reporting; never the birth date or the personnummer."""

    CHILD = "0-17"
    ADULT = "18-64"
    OLDER = "65-79"
    OLDEST = "80+"

    @classmethod
    def of(cls, age: int) -> AgeGroup:
        return cls.CHILD if age < 18 else cls.ADULT if age < 65 else cls.OLDER if age < 80 else cls.OLDEST


class ListingStatus(StrEnum):
    """Where the patient is listed, as far as the region's listing register says at registration."""

    HERE = "here"  # listed at the unit of the contact: the guarantee applies
    ELSEWHERE = "elsewhere"  # listed at another unit: outside the guarantee, with that reason shown
    UNKNOWN = "unknown"  # not known: covered, and flagged for staff to resolve ("listning okänd")


class AlertLevel(StrEnum):
    """How loudly an operations team should hear a guarantee alert."""

    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


def _as_utc(value: datetime) -> datetime:
    return value.astimezone(timezone.utc)


# AwareDatetime rejects naive times ("Input should have timezone info"); storing and sending
# UTC keeps every event comparable without knowing the producer's zone.
UtcDatetime = Annotated[AwareDatetime, AfterValidator(_as_utc)]

# Both forms of a personnummer or samordningsnummer: YYMMDD-NNNN and YYYYMMDDNNNN, with or
# without the separator.
_PERSONNUMMER_SHAPE = re.compile(r"^(\d{2})?\d{6}[-+]?\d{4}$")


def looks_like_personnummer(value: str) -> bool:
    """True if the value has the shape of a personnummer or samordningsnummer."""
    return bool(_PERSONNUMMER_SHAPE.match(value.strip()))


def _reject_personnummer(value: str) -> str:
    # The message must not repeat the value: it would put the personnummer in logs and DLQ headers.
    if looks_like_personnummer(value):
        raise ValueError("looks like a personnummer; events carry the patient's pseudonym only")
    return value


Pseudonym = Annotated[
    str,
    Field(
        min_length=1,
        description="The patient's pseudonym, never the personnummer or name.",
    ),
    AfterValidator(_reject_personnummer),
]

HsaId = Annotated[str, Field(min_length=1, description="An HSA-id (care unit or practitioner).")]

Identifier = Annotated[str, Field(min_length=1)]
