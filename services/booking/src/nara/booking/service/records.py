"""Appointments and free slots as the API and the pages show them: what the read-side views return."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from nara.shared.events.vocabulary import ContactForm, Profession

from ..domain.appointment import AppointmentStatus
from ..domain.web_changes import WebChangeTerms


@dataclass(frozen=True)
class AppointmentRecord:
    id: uuid.UUID
    lineage: uuid.UUID
    slot_id: uuid.UUID
    patient: str
    unit: str
    unit_name: str
    unit_address: str
    contact_id: str | None
    status: AppointmentStatus
    booked_by: str
    reason: str | None
    earlier_time_offered_within_guarantee: bool
    replaces: uuid.UUID | None
    created_at: datetime
    start_at: datetime
    end_at: datetime
    practitioner: str
    practitioner_name: str
    profession: Profession
    contact_form: ContactForm
    time_type: str
    time_type_name: str
    ended_at: datetime | None
    end_reason: str | None
    medical_assessment: bool | None

    @property
    def is_active(self) -> bool:
        return self.status.is_active

    def is_upcoming(self, now: datetime) -> bool:
        """Still booked and not begun: what a citizen may still change."""
        return self.is_active and self.start_at > now


@dataclass(frozen=True)
class FreeSlot:
    id: uuid.UUID
    unit: str
    practitioner: str
    practitioner_name: str
    profession: str
    contact_form: str
    time_type: str
    time_type_name: str
    start_at: datetime
    end_at: datetime
    free_seats: int
    within_guarantee: bool | None
    fixed_care_contact: bool
    change_terms: WebChangeTerms  # told before booking: until when the citizen may cancel or rebook on the web


@dataclass(frozen=True)
class SlotPage:
    slots: list[FreeSlot]
    page: int
    has_more: bool


@dataclass(frozen=True)
class CareUnit:
    hsa_id: str
    name: str
    address: str
    opening_hours: list[dict[str, Any]]
    phone: str


@dataclass(frozen=True)
class FixedCareContact:
    practitioner: str
    name: str
    profession: str
    unit: str
    fixed_doctor: bool
