"""The patient contract as it is read and stored: what the port returns and what the API and pages show."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from nara.shared.identity.caller import Caller

from ..domain.patient_contract import Agreement, ContractNextStep, FixedContactChoice, PlanItem
from .records import AppointmentRecord


@dataclass(frozen=True)
class ContractUnit:
    """The care unit the patient turns to: its name, address and phone (None where the unit has none yet)."""

    hsa_id: str
    name: str
    address: str
    phone: str | None


@dataclass(frozen=True)
class ContractContact:
    """A fixed care contact as shown: the practitioner's HSA-id, name, profession and unit."""

    practitioner: str
    name: str
    profession: str
    unit: str
    unit_name: str
    fixed_doctor: bool


@dataclass(frozen=True)
class StoredAgreement:
    agreement: Agreement
    author_name: str | None  # the writer's name where they are a practitioner here
    unit_name: str | None


@dataclass(frozen=True)
class StoredPlan:
    items: tuple[PlanItem, ...]
    written_by: str | None
    written_at: datetime | None


@dataclass(frozen=True)
class PatientContract:
    """Min vård: the four parts and the one next step."""

    agreement: StoredAgreement | None
    fixed_contacts: list[ContractContact]
    agreed_times: list[AppointmentRecord]  # every booked, past and coming, earliest first; rebooked ones left out
    plan: StoredPlan
    care_unit: ContractUnit | None
    next_step: ContractNextStep


class PatientContracts(Protocol):
    """The contract's storage: the agreement and plan (0008), the fixed care contacts (0002) and the access log."""

    async def lock(self, patient: str) -> None:
        """Serialise changes to one patient's contract until the transaction ends."""

    async def agreement(self, patient: str) -> StoredAgreement | None: ...

    async def save_agreement(self, patient: str, agreement: Agreement, unit: str) -> None: ...

    async def plan(self, patient: str) -> StoredPlan: ...

    async def save_plan(self, patient: str, items: Sequence[PlanItem], *, by: str, at: datetime, unit: str) -> None: ...

    async def fixed_contacts(self, patient: str, units: Sequence[str] | None) -> list[ContractContact]:
        """The patient's fixed care contacts, at these units only (None: all, for the patient)."""

    async def doctors_among(self, practitioners: Sequence[str], units: Sequence[str]) -> dict[str, bool]:
        """Of these practitioners, those working at these units, each with whether they are a doctor."""

    async def all_fixed_contacts(self, patient: str) -> list[FixedContactChoice]:
        """Every fixed care contact of the patient, at every unit, for the limits."""

    async def replace_fixed_contacts(
        self, patient: str, units: Sequence[str], chosen: Sequence[FixedContactChoice], *, by: str, at: datetime
    ) -> None:
        """The patient's fixed care contacts at these units become `chosen`; other units' stay."""

    async def care_unit(self, patient: str) -> ContractUnit | None:
        """The unit that wrote the contract, else of the latest appointment, else where the patient sought care."""

    async def is_cared_for_at(self, patient: str, units: Sequence[str]) -> bool:
        """Listed at, in contact with, booked at, or given a contract or fixed contact by one of these units."""

    async def log_access(self, reader: Caller, patient: str, *, action: str, at: datetime) -> None:
        """One access-log row (patientdatalagen), in this transaction."""
