"""Listing (listning): where a patient is listed decides whether the care guarantee applies to a contact.

Since 2022-07-01 the guarantee applies at the unit where the patient is listed. A contact at another unit
is outside it, with that reason shown. When the listing is unknown the contact is covered and flagged
("listning okänd") for staff to resolve: a contact is never dropped from the guarantee for lack of data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from nara.shared.care_guarantee import LISTED_ELSEWHERE_REASON, LISTING_UNKNOWN_FLAG
from nara.shared.events.vocabulary import ListingStatus
from nara.shared.free_text import PersonnummerInText
from nara.shared.redaction import contains_personnummer

ELSEWHERE_REASON = LISTED_ELSEWHERE_REASON
UNKNOWN_FLAG = LISTING_UNKNOWN_FLAG
# An HSA-id of a care unit: SE, the organisation number (10 digits), a dash and the unit's own part.
_HSA_ID = re.compile(r"^SE[0-9]{10}-([A-Z0-9]{1,31})$")
# Roles that may record a listing besides admin: those who meet the patient. Operations only watch.
RECORDING_ROLES = frozenset({"reception", "clinician"})


class ListingSource(StrEnum):
    """Who told the register: the regional listing system's file, staff, an admin, or the citizen on the web."""

    IMPORT = "import"
    STAFF = "staff"
    ADMIN = "admin"
    WEB = "web"


class ListingProblem(ValueError):
    """A listing that cannot be recorded; the message (Swedish) says what to change."""


@dataclass(frozen=True)
class Listing:
    unit: str
    listed_from: date | None  # None only for rows from before the register kept it
    source: ListingSource


def listing_status(contact_unit: str, listed_unit: str | None) -> ListingStatus:
    """Here, elsewhere, or unknown: the last is covered by the guarantee and flagged, never dropped."""
    if listed_unit is None:
        return ListingStatus.UNKNOWN
    return ListingStatus.HERE if listed_unit == contact_unit else ListingStatus.ELSEWHERE


def checked_unit(raw: str | None) -> str:
    """A unit's HSA-id, upper case; ListingProblem if it does not have the form of one."""
    unit = (raw or "").strip().upper()
    if not unit:
        raise ListingProblem("Ange vårdcentralens HSA-id, till exempel SE2321000115-E00000000011.")
    form = _HSA_ID.match(unit)
    if not form:
        raise ListingProblem(
            "HSA-id:t har inte rätt form. Det börjar med SE, tio siffror och ett bindestreck, "
            "till exempel SE2321000115-E00000000011."
        )
    # The unit goes out in events: a personnummer typed as its own part must not (the organisation number is
    # public, and a sole trader's is their personnummer, so only the part after the dash is read).
    if contains_personnummer(form[1]):
        raise ListingProblem(str(PersonnummerInText()))
    return unit


def checked_listed_from(value: date | None, today: date) -> date:
    """The day the listing began; today when not given. A listing cannot begin in the future."""
    if value is None:
        return today
    if value > today:
        raise ListingProblem("Listningen kan inte börja i framtiden. Ange dagen den började, senast i dag.")
    if value.year < 1900:
        raise ListingProblem("Listningsdatumet är orimligt tidigt. Kontrollera året.")
    return value


def may_record(
    role: str, *, works_at_new_unit: bool, has_contact_at_own_unit: bool, listed_at_another_unit: bool = False
) -> bool:
    """An admin may record any listing. Staff who meet patients may record where a patient they have a contact
    with is listed (resolving "listning okänd"), and list a patient at their own unit, unless the register lists
    the patient at another unit: moving another unit's patient needs a contact here, or an admin."""
    if role == "admin":
        return True
    if role not in RECORDING_ROLES:
        return False
    return has_contact_at_own_unit or (works_at_new_unit and not listed_at_another_unit)


def may_read(role: str, *, listed_at_own_unit: bool, has_contact_at_own_unit: bool) -> bool:
    """An admin reads any listing; staff who meet patients one at their units, or of a patient they have a
    contact with."""
    if role == "admin":
        return True
    return role in RECORDING_ROLES and (listed_at_own_unit or has_contact_at_own_unit)


def should_replace(existing: Listing | None, incoming_from: date, incoming_unit: str) -> bool:
    """An imported row replaces what the register holds unless staff or an earlier import know a newer listing.
    The unit a citizen chose on the web was only the best guess while nothing was known: the region's file wins."""
    if existing is None or existing.listed_from is None:
        return True
    if existing.unit == incoming_unit and existing.listed_from == incoming_from:
        return False
    return existing.source is ListingSource.WEB or incoming_from >= existing.listed_from
