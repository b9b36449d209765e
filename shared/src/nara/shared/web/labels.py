"""Swedish words for the contract's codes, in one place: what a person reads for each shared enum's value.

Staff pages show the labels as they are; a citizen page that reads a profession inside a sentence lowers it
(`|lower` in a template). `label(value)` finds the table from the enum's type; a plain string names its table.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum

from nara.shared.care_guarantee import ClockStatus
from nara.shared.events.vocabulary import (
    CareLevel,
    Channel,
    ContactCloseReason,
    ContactForm,
    ListingStatus,
    Profession,
    Urgency,
)

PROFESSIONS: dict[str, str] = {
    Profession.DOCTOR: "Läkare",
    Profession.NURSE: "Sjuksköterska",
    Profession.DISTRICT_NURSE: "Distriktssköterska",
    Profession.PHYSIOTHERAPIST: "Fysioterapeut",
    Profession.OCCUPATIONAL_THERAPIST: "Arbetsterapeut",
    Profession.PSYCHOLOGIST: "Psykolog",
    Profession.COUNSELLOR: "Kurator",
    Profession.MIDWIFE: "Barnmorska",
}

# How staff name the contact forms (besöksform).
CONTACT_FORMS: dict[str, str] = {
    ContactForm.CLINIC: "Mottagningsbesök",
    ContactForm.HOME: "Hembesök",
    ContactForm.PHONE: "Telefon",
    ContactForm.VIDEO: "Video",
    ContactForm.CHAT_LETTER: "Chatt eller brev",
}

# How a citizen reads the same forms on their booking.
CONTACT_FORMS_FOR_CITIZENS: dict[str, str] = {
    ContactForm.CLINIC: "Besök på vårdcentralen",
    ContactForm.HOME: "Hembesök",
    ContactForm.PHONE: "Telefonsamtal",
    ContactForm.VIDEO: "Videobesök",
    ContactForm.CHAT_LETTER: "Chatt eller brev",
}

CLOSE_REASONS: dict[str, str] = {
    ContactCloseReason.SELF_CARE: "Egenvårdsråd",
    ContactCloseReason.WITHDRAWN: "Återkallad",
    ContactCloseReason.EMERGENCY_DEPARTMENT: "Hänvisad till akutmottagningen",
    ContactCloseReason.DUPLICATE: "Dubblett",
}

CARE_LEVELS: dict[str, str] = {
    CareLevel.CALL_112: "Ring 112 nu",
    CareLevel.EMERGENCY_NOW: "Akutmottagning nu",
    CareLevel.WITHIN_HOURS: "Inom några timmar",
    CareLevel.SAME_DAY: "Samma dag",
    CareLevel.WITHIN_3_DAYS: "Inom 3 dagar",
    CareLevel.PLANNED: "Planerad vård",
    CareLevel.SELF_CARE: "Egenvård",
}

URGENCIES: dict[str, str] = {
    Urgency.RED: "Röd",
    Urgency.ORANGE: "Orange",
    Urgency.YELLOW: "Gul",
    Urgency.GREEN: "Grön",
    Urgency.BLUE: "Blå",
}

CHANNELS: dict[str, str] = {
    Channel.WEB: "Webben",
    Channel.PHONE_1177: "Telefon via 1177",
    Channel.PHONE_UNIT: "Telefon",
    Channel.RECEPTION: "Receptionen",
    Channel.WALK_IN: "Besök utan tid",
    Channel.E_SERVICE: "E-tjänst",
    Channel.EMERGENCY_DEPARTMENT: "Akutmottagningen",
}

LISTINGS: dict[str, str] = {
    ListingStatus.HERE: "Listad här",
    ListingStatus.ELSEWHERE: "Listad på en annan enhet",
    ListingStatus.UNKNOWN: "Listning okänd",
}

# In the order the pages list them.
CLOCK_STATUSES: dict[str, str] = {
    ClockStatus.ON_TRACK: "I tid",
    ClockStatus.AT_RISK: "Risk",
    ClockStatus.BREACHED: "Passerad",
    ClockStatus.ASSESSED: "Bedömd",
    ClockStatus.NOT_COVERED: "Omfattas inte",
    ClockStatus.PATIENT_CHOSEN_WAIT: "Patientvald väntan",
}

CLOCK_STATUS_HINTS: dict[str, str] = {
    ClockStatus.ON_TRACK: "Tid bokad inom vårdgarantin",
    ClockStatus.AT_RISK: "Ingen bedömning och ingen tid inom gränsen",
    ClockStatus.BREACHED: "Gränsen har passerats utan bedömning",
    ClockStatus.ASSESSED: "Medicinsk bedömning gjord",
    ClockStatus.NOT_COVERED: "Vårdgarantin gäller inte kontakten",
    ClockStatus.PATIENT_CHOSEN_WAIT: "Patienten valde en senare tid",
}

# The tables by the name a template gives, e.g. {{ code|label("profession") }}.
TABLES: Mapping[str, Mapping[str, str]] = {
    "profession": PROFESSIONS,
    "contact_form": CONTACT_FORMS,
    "contact_form_for_citizens": CONTACT_FORMS_FOR_CITIZENS,
    "close_reason": CLOSE_REASONS,
    "care_level": CARE_LEVELS,
    "urgency": URGENCIES,
    "channel": CHANNELS,
    "listing": LISTINGS,
    "clock_status": CLOCK_STATUSES,
    "clock_status_hint": CLOCK_STATUS_HINTS,
}

_BY_ENUM: Mapping[type[StrEnum], Mapping[str, str]] = {
    Profession: PROFESSIONS,
    ContactForm: CONTACT_FORMS,
    ContactCloseReason: CLOSE_REASONS,
    CareLevel: CARE_LEVELS,
    Urgency: URGENCIES,
    Channel: CHANNELS,
    ListingStatus: LISTINGS,
    ClockStatus: CLOCK_STATUSES,
}


def label(value: str | None, table: str | None = None, missing: str = "–") -> str:
    """The Swedish word for a code; an unknown code shows as it is, and no code at all as `missing`."""
    if not value:
        return missing
    words = TABLES[table] if table else _BY_ENUM.get(type(value)) if isinstance(value, StrEnum) else None
    if words is None:
        raise KeyError(f"no Swedish labels for {value!r}: name the table, e.g. label(code, 'profession')")
    return words.get(value, str(value))
