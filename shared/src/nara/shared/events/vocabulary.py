"""The value sets and field types that the event models share."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, Field, ValidationInfo

from nara.shared.free_text import PersonnummerInText
from nara.shared.redaction import PLACEHOLDER, contains_personnummer, redact_personnummer


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
    return value.astimezone(UTC)


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
    if looks_like_personnummer(value) or _is_personnummer(value):
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

# Validation context of a consumer reading an event (decode_event). An event written before the personnummer
# rule may still carry one in its text: a consumer applies it with the number replaced, so the state change is
# not lost and the number goes no further. A producer building an event is refused instead.
READING = "nara.reading"


def _personnummer_rule(
    found: Callable[[str], bool], redacted: Callable[[str], str]
) -> Callable[[str, ValidationInfo], str]:
    def check(value: str, info: ValidationInfo) -> str:
        if not found(value):
            return value
        if info.context and info.context.get(READING):
            return redacted(value)
        raise PersonnummerInText()

    return check


# An HSA-id's organisation number is public, and a sole trader's is their personnummer: only the rest is read.
_HSA_ORGANISATION = re.compile(r"^SE[0-9]{10}-")


def _holder_part(value: str) -> tuple[str, str]:
    match = _HSA_ORGANISATION.match(value)
    return (match.group(), value[match.end() :]) if match else ("", value)


def _hsa_id_holds_personnummer(value: str) -> bool:
    return contains_personnummer(_holder_part(value)[1])


def _hsa_id_redacted(value: str) -> str:
    organisation, holder = _holder_part(value)
    return organisation + redact_personnummer(holder)


def _is_personnummer(value: str) -> bool:
    """The whole value is one valid personnummer or samordningsnummer, however it is written."""
    return redact_personnummer(value.strip()) == PLACEHOLDER


FreeText = Annotated[str, AfterValidator(_personnummer_rule(contains_personnummer, redact_personnummer))]
"""Text a person wrote or reads: no personnummer or samordningsnummer anywhere in it."""

HsaId = Annotated[
    str,
    Field(min_length=1, description="An HSA-id (care unit or practitioner)."),
    # Citizens type a listed unit: whatever they typed must not carry a personnummer onto Kafka.
    AfterValidator(_personnummer_rule(_hsa_id_holds_personnummer, _hsa_id_redacted)),
]

Identifier = Annotated[
    str,
    Field(min_length=1),
    # Ids and codes: never a personnummer as the whole value. They are not scanned inside: a UUID's hex digits
    # would now and then make a valid number, and codes are checked against their lists where they are set.
    AfterValidator(_personnummer_rule(_is_personnummer, lambda value: PLACEHOLDER)),
]
