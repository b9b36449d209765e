"""What web booking allows: notice for cancel and rebook, what a triaged contact may book, patient-chosen wait."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Literal

from nara.shared.clock import STOCKHOLM, to_stockholm
from nara.shared.events.vocabulary import CareLevel
from nara.shared.free_text import PersonnummerInText
from nara.shared.redaction import contains_personnummer

from .errors import ContactNotBookable, InvalidRequest, NotAllowedOnWeb, NoticeTooShort, SlotNotBookable
from .schedule import TimeType

# Care levels that must not wait for a booked time, with the advice shown instead: the API's refusal, the
# pages and their next step all say it in these words.
NOT_WEB_BOOKABLE: dict[str, str] = {
    CareLevel.CALL_112: "Ring 112 nu. Ditt ärende kan inte vänta på en bokad tid.",
    CareLevel.EMERGENCY_NOW: "Sök vård på en akutmottagning nu. Ditt ärende kan inte vänta på en bokad tid.",
    CareLevel.WITHIN_HOURS: "Ring din vårdcentral eller 1177 nu, så får du hjälp inom några timmar.",
    CareLevel.SELF_CARE: "Du kan ta hand om dina besvär själv. Följ råden du fick, och hör av dig igen om det "
    "blir värre.",
}
# Of those, the ones that cannot wait at all: their advice comes first, whatever else is booked.
URGENT_LEVELS = frozenset({CareLevel.CALL_112, CareLevel.EMERGENCY_NOW, CareLevel.WITHIN_HOURS})
WEB_BOOKABLE_LEVELS = frozenset({CareLevel.SAME_DAY, CareLevel.WITHIN_3_DAYS, CareLevel.PLANNED})

NOT_TRIAGED = "Ärendet är inte bedömt än. Svara på frågorna först, så visar vi vilka tider som passar."
CLOSED = "Ärendet är redan avslutat. Gör en ny bedömning om du fortfarande har besvär."
CONTACT_NOT_KNOWN_YET = "Vi hittar inte din bedömning än. Vänta en stund och försök igen."
# What a citizen may change on the web, each with its own notice.
Change = Literal["cancel", "rebook"]


@dataclass(frozen=True)
class TriagedContact:
    """What booking knows of a contact from the triage service's events."""

    contact_id: str
    patient: str | None
    unit: str | None
    sought_at: datetime | None
    guarantee_deadline: datetime | None
    care_level: str | None
    professions: tuple[str, ...]
    closed: bool
    offered_within_guarantee: bool
    listed_unit: str | None = None

    @property
    def triaged(self) -> bool:
        return self.care_level is not None

    def seen_at_any(self, units: tuple[str, ...]) -> bool:
        """Staff work with a contact sought at, or listed at, one of their units; not with another unit's."""
        return any(unit in units for unit in (self.unit, self.listed_unit) if unit is not None)


def latest_start_for(contact: TriagedContact, now: datetime) -> datetime | None:
    """The latest start a contact's care level allows: today for same_day, else no limit."""
    if contact.care_level == CareLevel.SAME_DAY:
        tomorrow = to_stockholm(now).date() + timedelta(days=1)
        return datetime.combine(tomorrow, time(0), STOCKHOLM).astimezone(UTC)
    return None


def may_use_contact(contact: TriagedContact, patient: str | None, staff_units: tuple[str, ...] | None) -> bool:
    """A contact serves its own patient only, and staff only where it was sought or listed (`staff_units`)."""
    if patient is not None and contact.patient is not None and contact.patient != patient:
        return False
    return staff_units is None or contact.seen_at_any(staff_units)


def ensure_contact_may_search(contact: TriagedContact, *, by_staff: bool) -> None:
    """A contact's times are shown once it is triaged and open; on the web, only for care that can wait."""
    if not contact.triaged:
        raise ContactNotBookable(NOT_TRIAGED)
    if contact.closed:
        raise ContactNotBookable(CLOSED)
    if contact.care_level in NOT_WEB_BOOKABLE and not by_staff:  # staff book whatever the care level
        raise ContactNotBookable(NOT_WEB_BOOKABLE[contact.care_level])


def serves_profession(contact: TriagedContact, profession: str) -> bool:
    """A triaged contact books its triaged profession or one of the alternatives."""
    return profession in contact.professions


def ensure_contact_may_book(
    contact: TriagedContact, patient: str, time_type: TimeType, slot_start: datetime, now: datetime
) -> None:
    if contact.patient is not None and contact.patient != patient:
        raise ContactNotBookable("Kontakten hör inte till dig.")
    if contact.closed:
        raise ContactNotBookable(CLOSED)
    ensure_contact_may_search(contact, by_staff=False)
    if not serves_profession(contact, time_type.profession):
        raise ContactNotBookable(
            "Den här tiden är hos en yrkesgrupp som inte passar för ditt ärende. Välj en annan tid."
        )
    latest = latest_start_for(contact, now)
    if latest is not None and slot_start >= latest:
        raise ContactNotBookable("Ditt ärende behöver en tid i dag. Välj en tid i dag, eller ring din vårdcentral.")


def ends_within_guarantee(deadline: datetime | None, slot_end: datetime) -> bool | None:
    """Whether a time ends by the contact's guarantee deadline; None without a deadline to compare with."""
    return None if deadline is None else slot_end <= deadline


def ensure_time_type_open_to(time_type: TimeType, contact: TriagedContact | None, by_staff: bool) -> None:
    """Hidden time types are for staff, or for a triaged contact whose professions they serve; staff-only time
    types for staff alone."""
    if time_type.visible or by_staff:
        return
    if time_type.staff_only:
        raise NotAllowedOnWeb("Den här tiden bokas bara av personalen. Kontakta din vårdcentral.")
    if contact is None or not contact.triaged or not serves_profession(contact, time_type.profession):
        raise NotAllowedOnWeb("Den här tiden kan bara bokas efter en bedömning. Börja med att beskriva dina besvär.")


def ensure_bookable_now(slot_start: datetime, now: datetime) -> None:
    if slot_start <= now:
        raise SlotNotBookable("Tiden har redan passerat. Välj en senare tid.")


def ensure_citizen_may_change(action: Change, time_type: TimeType, slot_start: datetime, now: datetime) -> None:
    """A citizen cancels or rebooks on the web only where the time type allows, and with its notice."""
    allowed, notice = (
        (time_type.web_cancel_allowed, time_type.cancel_notice)
        if action == "cancel"
        else (time_type.web_rebook_allowed, time_type.rebook_notice)
    )
    verb = "avboka" if action == "cancel" else "omboka"
    if not allowed:
        raise NotAllowedOnWeb(f"Den här tiden går inte att {verb} på webben. Ring din vårdcentral.")
    if slot_start - now < notice:
        hours = int(notice.total_seconds() // 3600)
        raise NoticeTooShort(
            f"Det är för sent att {verb} på webben: det måste göras minst {hours} timmar före besöket. "
            "Ring din vårdcentral."
        )


def ensure_no_personnummer(text: str | None) -> None:
    """What a person writes is kept and told on (a cancel reason travels in its event): never a personnummer."""
    if text and contains_personnummer(text):
        raise InvalidRequest(str(PersonnummerInText()))


def patient_chose_to_wait(contact: TriagedContact | None, slot_end: datetime, booked_by_patient: bool) -> bool:
    """A later time chosen while times within the guarantee were shown: the wait is the patient's own choice."""
    return bool(
        booked_by_patient
        and contact is not None
        and contact.offered_within_guarantee
        and ends_within_guarantee(contact.guarantee_deadline, slot_end) is False
    )
