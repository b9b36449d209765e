"""What the use cases need of storage, as protocols: the asyncpg adapters (nara.booking.adapters) implement them
and the entrypoints hand them in, so nothing here knows SQL."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Protocol

from nara.shared.events.models import EventData
from nara.shared.events.vocabulary import Actor
from nara.shared.identity.caller import Caller

from ..domain.appointment import AppointmentStatus, Hold
from ..domain.day_book import DayBookPractitioner, DayBookSlot
from ..domain.hours import ExistingSlot, PractitionerAtUnit, StoredClosure, StoredTemplate, WithdrawalReason
from ..domain.rules import TriagedContact
from ..domain.schedule import PlannedSlot, Slot, TimeType, WeeklyTemplate
from ..domain.unit_setup import CareUnitDetails, Practitioner
from .records import AppointmentRecord, CareUnit, FixedCareContact, FreeSlot


@dataclass(frozen=True)
class NewAppointment:
    """An appointment about to be written, seat included: a booking (replaces None) or a rebooking."""

    id: uuid.UUID
    lineage: uuid.UUID
    slot_id: uuid.UUID
    patient: str
    unit: str
    contact_id: str | None
    booked_by: Actor  # the CHECK on appointments.booked_by (0002_appointments.sql) allows the same two
    booked_by_id: str
    reason: str | None
    earlier_time_offered_within_guarantee: bool
    replaces: uuid.UUID | None
    created_at: datetime


@dataclass(frozen=True)
class BookingAttempt:
    booked_at_unit: int  # the patient's future bookings at the unit before this one (0 when no limit applies)
    seated: bool


@dataclass(frozen=True)
class SlotFilter:
    """The free-slot search, with the domain's rules already applied to the contact (search.py)."""

    unit: str
    now: datetime
    date_from: datetime
    date_to: datetime
    profession: str | None
    contact_form: str | None
    contact_professions: list[str] | None  # a triaged contact: only these, hidden time types included
    latest_start: datetime | None
    guarantee_deadline: datetime | None
    patient: str | None  # whose fixed care contacts come first
    by_staff: bool
    limit: int
    offset: int
    day_part: tuple[time, time | None] | None = None  # Stockholm wall clock: from (inclusive), until (exclusive)


class Slots(Protocol):
    async def slot(self, slot_id: uuid.UUID) -> Slot | None: ...

    async def slot_locking_patient_at_unit(self, slot_id: uuid.UUID, patient: str) -> Slot | None:
        """The slot, with one patient's bookings at its unit serialised until commit (the per-unit limit)."""

    async def take_seat(self, slot_id: uuid.UUID, patient: str, now: datetime) -> bool:
        """Seats.take under concurrency: False when the slot has no seat for the patient."""

    async def release_seat(self, slot_id: uuid.UUID) -> None: ...

    async def release_expired_holds(self, now: datetime) -> None: ...

    async def drop_holds_of(self, patient: str) -> None: ...

    async def add_hold(self, slot_id: uuid.UUID, patient: str, now: datetime, expires_at: datetime) -> Hold: ...

    async def set_blocked(self, slot_id: uuid.UUID, blocked: bool) -> None: ...


class Appointments(Protocol):
    async def get(self, appointment_id: uuid.UUID, *, lock: bool = False) -> AppointmentRecord | None: ...

    async def book(
        self, appointment: NewAppointment, *, limit_at_unit: int | None, event: EventData, now: datetime
    ) -> BookingAttempt:
        """Seat, appointment and its event at once, unless the patient has `limit_at_unit` future bookings at
        the unit or the slot has no seat; SlotTaken when the patient already has this slot."""

    async def add(self, appointment: NewAppointment) -> None:
        """An appointment whose seat is taken already; SlotTaken when the patient already has this slot."""

    async def end(
        self,
        appointment_id: uuid.UUID,
        status: AppointmentStatus,
        *,
        now: datetime,
        by: str,
        reason: str | None = None,
        medical_assessment: bool | None = None,
    ) -> None: ...


class Contacts(Protocol):
    async def get(self, contact_id: str) -> TriagedContact | None: ...

    async def note_offer_within_guarantee(self, contact_id: str) -> None: ...


class Schedule(Protocol):
    async def time_types(self) -> dict[str, TimeType]: ...

    async def weekly_templates(self, units: Sequence[str] | None) -> list[WeeklyTemplate]: ...

    async def add_planned_slots(self, planned: list[PlannedSlot]) -> None:
        """Slots that exist already (same practitioner and start) are left as they are."""

    async def practitioner(self, hsa_id: str) -> tuple[str, str] | None:
        """(unit, profession) of a practitioner, or None."""

    async def lock_fixed_care_contacts_of(self, patient: str) -> None:
        """Serialise changes to one patient's list until commit, so the limits hold under concurrency."""

    async def record_fixed_care_contact(
        self, patient: str, practitioner: str, *, fixed_doctor: bool, by: str, now: datetime
    ) -> int:
        """Record it (a fixed doctor replaces the earlier one); returns how many others the patient has."""

    async def remove_fixed_care_contact(self, patient: str, practitioner: str) -> None: ...


class ScheduleSetup(Protocol):
    """Care units, practitioners and time types as staff set them up (service/setup.py; adapters/setup.py)."""

    async def care_units(self, hsa_ids: Sequence[str] | None) -> list[CareUnitDetails]:
        """These units (None: every unit), by name."""

    async def care_unit(self, hsa_id: str) -> CareUnitDetails | None: ...

    async def add_care_unit(self, unit: CareUnitDetails) -> bool:
        """False when the HSA-id is taken."""

    async def change_care_unit(self, unit: CareUnitDetails) -> None: ...

    async def practitioners(self, unit: str) -> list[Practitioner]: ...

    async def practitioner(self, hsa_id: str) -> Practitioner | None: ...

    async def add_practitioner(self, practitioner: Practitioner) -> bool:
        """False when the HSA-id is taken, here or at another unit."""

    async def save_practitioners(self, practitioners: Sequence[Practitioner]) -> tuple[int, list[str]]:
        """Add or update each at its unit: (how many were new, the HSA-ids left alone as taken at another unit)."""

    async def time_types_for(self, unit: str) -> list[TimeType]:
        """The unit's own time types and the region's."""

    async def time_type(self, code: str) -> TimeType | None: ...

    async def add_time_type(self, time_type: TimeType) -> bool:
        """False when the code is taken (codes are unique in the region)."""

    async def change_time_type(self, time_type: TimeType) -> None: ...

    async def units_using_time_type(self, code: str) -> list[str]:
        """The units whose weekly templates use the time type, in HSA-id order."""


@dataclass(frozen=True)
class DisplacedBooking:
    """A booked appointment whose slot a change withdrew: staff move it, the patient keeps it until then."""

    appointment_id: uuid.UUID
    lineage: uuid.UUID
    contact_id: str | None
    patient: str
    unit: str
    practitioner: str
    practitioner_name: str
    time_type: str
    time_type_name: str
    start_at: datetime
    end_at: datetime
    withdrawn_reason: str


class Hours(Protocol):
    """Weekly templates, closures and absences, and the slots a change withdraws (service/hours.py;
    adapters/hours.py)."""

    async def lock_unit(self, unit: str) -> None:
        """Serialise changes to one unit's hours and slots until commit (changes and the horizon job alike)."""

    async def units(self) -> list[str]: ...

    async def practitioner(self, hsa_id: str) -> PractitionerAtUnit | None: ...

    async def practitioners(self, unit: str) -> list[PractitionerAtUnit]:
        """The unit's practitioners by name."""

    async def templates(self, unit: str, practitioner: str | None = None) -> list[StoredTemplate]: ...

    async def template(self, template_id: int) -> StoredTemplate | None: ...

    async def add_template(self, template: WeeklyTemplate) -> int: ...

    async def change_template(self, template_id: int, template: WeeklyTemplate) -> None: ...

    async def remove_template(self, template_id: int) -> None: ...

    async def closures(self, unit: str, *, ending_from: date) -> list[StoredClosure]: ...

    async def closure(self, closure_id: uuid.UUID) -> StoredClosure | None: ...

    async def add_closure(self, closure: StoredClosure) -> None: ...

    async def remove_closure(self, closure_id: uuid.UUID) -> None: ...

    async def slots_between(self, unit: str, after: datetime, before: datetime) -> list[ExistingSlot]:
        """The unit's slots, live and withdrawn, starting after `after` and before `before`."""

    async def withdraw_slots(self, reasons: dict[uuid.UUID, WithdrawalReason], now: datetime) -> list[uuid.UUID]:
        """Withdraw the live ones among them (their live holds dropped); returns those withdrawn now."""

    async def reinstate_slots(self, slot_ids: Sequence[uuid.UUID]) -> None: ...

    async def bookings_on(self, slot_ids: Sequence[uuid.UUID]) -> list[DisplacedBooking]: ...

    async def bookings_to_move(self, unit: str, now: datetime) -> list[DisplacedBooking]:
        """Booked appointments on withdrawn slots that have not ended, earliest first."""


class DayBooks(Protocol):
    """The day's book: every time of a day with its state (service/day_book.py; adapters/day_book.py)."""

    async def unit_name(self, unit: str) -> str | None:
        """The care unit's name, or None when there is no such unit."""

    async def practitioners(self, unit: str) -> list[DayBookPractitioner]:
        """Every practitioner of the unit, active or not, by name."""

    async def slots(
        self,
        unit: str,
        practitioners: Sequence[str],
        *,
        starting_from: datetime,
        starting_before: datetime,
        now: datetime,
    ) -> list[DayBookSlot]:
        """These practitioners' slots at the unit that start in the interval, withdrawn ones too, in time order;
        each with its appointments (all but those moved away by a rebooking) and its holds live at `now`."""

    async def log_reads(self, reader: Caller, patients: Sequence[str], *, resource: str, at: datetime) -> None:
        """One access-log row per patient shown (patientdatalagen), in the read's own transaction."""


class Views(Protocol):
    """The read side: what is shown, straight from the tables."""

    async def free_slots(self, search: SlotFilter) -> list[FreeSlot]: ...

    async def care_units(self) -> list[CareUnit]: ...

    async def appointments_of_patient(self, patient: str) -> list[AppointmentRecord]: ...

    async def appointments_at_units(
        self, units: Sequence[str], *, since: datetime, limit: int = 200, contact_id: str | None = None
    ) -> list[AppointmentRecord]: ...

    async def fixed_care_contacts(self, patient: str, units: Sequence[str]) -> list[FixedCareContact]: ...


@dataclass(frozen=True)
class StoredAnswer:
    status: int
    body: Any
    request_hash: str


class IdempotencyRecords(Protocol):
    async def claim(self, caller: str, key: str, request_hash: str, now: datetime) -> StoredAnswer | None:
        """Take the key (None), or the answer stored under it; a concurrent twin waits for the first to commit."""

    async def record(self, caller: str, key: str, status: int, body: Any) -> None: ...
