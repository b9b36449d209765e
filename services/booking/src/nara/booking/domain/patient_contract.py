"""The patient contract (patientkontrakt): the agreement, the fixed care contacts, the plan, and the one next step.

Staff write the agreement and the plan; the citizen reads them in "Min vård" beside their agreed (booked) times.
Every text is checked here, so the API, the staff pages and the database keep one set of rules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from nara.shared.free_text import PersonnummerInText, no_personnummer

from .errors import InvalidRequest

MAX_FIXED_CARE_CONTACTS = 9  # plus one fixed doctor contact (domain.md, "The patient contract")
AGREEMENT_MAX_LENGTH = 2000
PLAN_WHAT_MAX_LENGTH = 200
PLAN_WHO_MAX_LENGTH = 120
MAX_PLAN_ITEMS = 30


class ContractPart(StrEnum):
    """The parts staff write; an update event names which changed, never their text."""

    AGREEMENT = "agreement"
    FIXED_CONTACTS = "fixed_contacts"
    PLAN = "plan"


class PlanTiming(StrEnum):
    ON_DAY = "date"  # a given day
    IN_WEEK = "week"  # some day in a given week
    WHEN_SUITS = "when_suits"  # "när det passar": no time set


class PlanStatus(StrEnum):
    PLANNED = "planned"
    DONE = "done"
    CANCELLED = "cancelled"


def checked_text(text: str, max_length: int, what: str, *, required: bool = False) -> str:
    """The text trimmed, or a refusal a person can act on: too long, empty when needed, or holding a personnummer."""
    trimmed = text.strip()
    if required and not trimmed:
        raise InvalidRequest(f"Skriv {what}.")
    if len(trimmed) > max_length:
        raise InvalidRequest(f"Skriv {what} med högst {max_length} tecken. Nu är det {len(trimmed)}.")
    if any((ord(c) < 32 and c not in "\n\r\t") or ord(c) == 127 for c in trimmed):
        raise InvalidRequest(f"Det finns tecken i {what} som inte går att spara. Skriv texten igen.")
    try:
        no_personnummer(trimmed)  # the database keeps pseudonyms only
    except PersonnummerInText as found:
        raise InvalidRequest(str(found)) from None
    return trimmed


@dataclass(frozen=True)
class Agreement:
    """What the care does and what the patient does, as staff wrote it with the patient."""

    care_does: str
    patient_does: str
    written_by: str  # the staff member's HSA-id
    written_at: datetime

    @classmethod
    def written(cls, care_does: str, patient_does: str, *, by: str, at: datetime) -> Agreement:
        care = checked_text(care_does, AGREEMENT_MAX_LENGTH, "vad vården gör")
        patient = checked_text(patient_does, AGREEMENT_MAX_LENGTH, "vad patienten gör")
        if not care and not patient:
            raise InvalidRequest("Skriv vad vården gör, vad patienten gör, eller båda.")
        return cls(care, patient, by, at)


@dataclass(frozen=True)
class FixedContactChoice:
    """One practitioner named as a fixed care contact, as staff chose them; `is_doctor` is their profession."""

    practitioner: str
    is_doctor: bool
    fixed_doctor: bool = False


def checked_fixed_contacts(chosen: Sequence[FixedContactChoice]) -> tuple[FixedContactChoice, ...]:
    """Up to nine fixed care contacts plus one fixed doctor, who must be a doctor; each practitioner once."""
    if len({c.practitioner for c in chosen}) != len(chosen):
        raise InvalidRequest("Samma behandlare står med två gånger. Ta bort den ena.")
    doctors = [c for c in chosen if c.fixed_doctor]
    if len(doctors) > 1:
        raise InvalidRequest("En patient kan ha en fast läkarkontakt. Välj en av läkarna.")
    if doctors and not doctors[0].is_doctor:
        raise InvalidRequest("Fast läkarkontakt måste vara en läkare.")
    if len(chosen) - len(doctors) > MAX_FIXED_CARE_CONTACTS:
        raise InvalidRequest(
            f"En patient kan ha högst {MAX_FIXED_CARE_CONTACTS} fasta vårdkontakter och en fast läkarkontakt."
        )
    return tuple(chosen)


@dataclass(frozen=True)
class PlanItem:
    """One planned activity: what, who does it, when (a day, a week, or when it suits) and how it stands."""

    what: str
    who: str
    timing: PlanTiming
    day: date | None  # the day, or the Monday of the week; None when it suits
    status: PlanStatus = PlanStatus.PLANNED

    @classmethod
    def of(
        cls, what: str, who: str, timing: PlanTiming, day: date | None, status: PlanStatus = PlanStatus.PLANNED
    ) -> PlanItem:
        checked_what = checked_text(what, PLAN_WHAT_MAX_LENGTH, "vad som ska göras", required=True)
        checked_who = checked_text(who, PLAN_WHO_MAX_LENGTH, "vem som gör det")
        if timing is PlanTiming.WHEN_SUITS:
            return cls(checked_what, checked_who, timing, None, status)
        if day is None:
            raise InvalidRequest("Ange när: en dag, en vecka eller när det passar.")
        if timing is PlanTiming.IN_WEEK:
            day = day - timedelta(days=day.weekday())  # a week is kept as its Monday
        return cls(checked_what, checked_who, timing, day, status)

    @property
    def is_open(self) -> bool:
        return self.status is PlanStatus.PLANNED

    def still_ahead(self, today: date) -> bool:
        """Open, and its day or week has not passed (an item for when it suits is always ahead)."""
        if not self.is_open:
            return False
        if self.day is None:
            return True
        last_day = self.day + timedelta(days=6) if self.timing is PlanTiming.IN_WEEK else self.day
        return last_day >= today


def checked_plan(items: Sequence[PlanItem]) -> tuple[PlanItem, ...]:
    if len(items) > MAX_PLAN_ITEMS:
        raise InvalidRequest(f"En plan kan ha högst {MAX_PLAN_ITEMS} aktiviteter. Ta bort de som är klara.")
    return tuple(items)


class NextStepKind(StrEnum):
    AGREED_TIME = "agreed_time"
    PLANNED_ACTIVITY = "planned_activity"
    CONTACT_UNIT = "contact_unit"


@dataclass(frozen=True)
class ContractNextStep:
    """The one next step: the agreed time (its start) or planned activity it points at, else contact the unit."""

    kind: NextStepKind
    time: datetime | None = None
    activity: PlanItem | None = None


def next_step(
    coming_times: Sequence[datetime], plan: Sequence[PlanItem], now: datetime, today: date
) -> ContractNextStep:
    """The nearest coming agreed time; else the nearest planned activity still ahead (dated before "when it
    suits", in the plan's order among equals); else contact the care unit. `today` is the day in Stockholm."""
    ahead_times = sorted(t for t in coming_times if t > now)
    if ahead_times:
        return ContractNextStep(NextStepKind.AGREED_TIME, time=ahead_times[0])
    ahead = [item for item in plan if item.still_ahead(today)]
    if ahead:
        nearest = min(ahead, key=lambda item: (item.day is None, item.day or today))
        return ContractNextStep(NextStepKind.PLANNED_ACTIVITY, activity=nearest)
    return ContractNextStep(NextStepKind.CONTACT_UNIT)
