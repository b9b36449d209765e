"""Min vård's use cases: reading a patient's contract (the patient, their guardian, or staff of a unit that cares
for them, access-logged) and staff writing its agreement, fixed care contacts and plan, each change announced as
se.nara.patient-contract.updated.v1 with which parts changed, never their text."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from nara.shared.events.models import PatientContractUpdated
from nara.shared.events.vocabulary import Actor
from nara.shared.identity.caller import Caller

from ..domain.appointment import AppointmentStatus
from ..domain.errors import Forbidden, NotFound
from ..domain.patient_contract import (
    Agreement,
    ContractPart,
    FixedContactChoice,
    PlanItem,
    checked_fixed_contacts,
    checked_plan,
    next_step,
)
from .contract_records import PatientContract
from .requester import Requester
from .unit_of_work import UnitOfWork

NOT_YOURS = "Du kan bara se Min vård för dig själv och för dina barn under 18 år."
NOT_AT_YOUR_UNITS = "Patienten har ingen kontakt med dina enheter. Du kan bara se och skriva för enhetens patienter."


async def read_contract(
    uow: UnitOfWork, requester: Requester, patient: str, *, now: datetime, today: date, reader: Caller | None = None
) -> PatientContract:
    """The whole contract; staff see their units' contacts and times, and a `reader` is access-logged."""
    contracts = uow.patient_contracts
    units: Sequence[str] | None = None
    if requester.is_staff:
        await _ensure_cares_for(uow, requester, patient)
        units = requester.units
    elif not requester.may_act_for(patient):
        raise Forbidden(NOT_YOURS)
    times = [
        a
        for a in await uow.views.appointments_of_patient(patient)
        if a.status is not AppointmentStatus.REBOOKED and (units is None or a.unit in units)
    ]
    plan = await contracts.plan(patient)
    if reader is not None:
        await contracts.log_access(reader, patient, action="read patient contract", at=now)
    return PatientContract(
        agreement=await contracts.agreement(patient),
        fixed_contacts=await contracts.fixed_contacts(patient, units),
        agreed_times=times,
        plan=plan,
        care_unit=await contracts.care_unit(patient),
        next_step=next_step([a.start_at for a in times if a.is_upcoming(now)], plan.items, now, today),
    )


async def write_agreement(
    uow: UnitOfWork,
    requester: Requester,
    reader: Caller,
    patient: str,
    *,
    care_does: str,
    patient_does: str,
    unit: str | None,
    now: datetime,
) -> bool:
    """Staff write what the care does and what the patient does; True when it changed (and was announced)."""
    at_unit = await _staff_writing(uow, requester, reader, patient, unit, "write agreement", now)
    agreement = Agreement.written(care_does, patient_does, by=requester.id, at=now)
    stored = await uow.patient_contracts.agreement(patient)
    if stored and (stored.agreement.care_does, stored.agreement.patient_does) == (
        agreement.care_does,
        agreement.patient_does,
    ):
        return False
    await uow.patient_contracts.save_agreement(patient, agreement, at_unit)
    await _announce(uow, patient, at_unit, ContractPart.AGREEMENT, now)
    return True


async def write_plan(
    uow: UnitOfWork,
    requester: Requester,
    reader: Caller,
    patient: str,
    *,
    items: Sequence[PlanItem],
    unit: str | None,
    now: datetime,
) -> bool:
    """Staff replace the plan's activities (the domain checked each item); True when it changed."""
    at_unit = await _staff_writing(uow, requester, reader, patient, unit, "write plan", now)
    plan = checked_plan(items)
    if (await uow.patient_contracts.plan(patient)).items == plan:
        return False
    await uow.patient_contracts.save_plan(patient, plan, by=requester.id, at=now, unit=at_unit)
    await _announce(uow, patient, at_unit, ContractPart.PLAN, now)
    return True


async def write_fixed_contacts(
    uow: UnitOfWork,
    requester: Requester,
    reader: Caller,
    patient: str,
    *,
    practitioners: Sequence[str],
    fixed_doctor: str | None,
    unit: str | None,
    now: datetime,
) -> bool:
    """Staff name the patient's fixed care contacts at `unit` (None: at all their units), perhaps with the fixed
    doctor; other units' stay, and all of them together keep the limits. True when it changed."""
    at_unit = await _staff_writing(uow, requester, reader, patient, unit, "write fixed care contacts", now)
    scope = [unit] if unit else list(requester.units)
    contracts = uow.patient_contracts
    named = list(dict.fromkeys([*practitioners, *([fixed_doctor] if fixed_doctor else [])]))
    doctors = await contracts.doctors_among(named, scope)
    unknown = [p for p in named if p not in doctors]
    if unknown:
        raise NotFound(f"Vi hittar ingen behandlare {unknown[0]} på dina enheter.")
    chosen = [FixedContactChoice(p, doctors[p], fixed_doctor=p == fixed_doctor) for p in named]
    checked_fixed_contacts(chosen)
    before = await contracts.all_fixed_contacts(patient)
    await contracts.replace_fixed_contacts(patient, scope, chosen, by=requester.id, at=now)
    after = await contracts.all_fixed_contacts(patient)
    checked_fixed_contacts(after)  # with the other units' contacts too; a refusal rolls the change back
    if set(before) == set(after):
        return False
    await _announce(uow, patient, at_unit, ContractPart.FIXED_CONTACTS, now)
    return True


async def _ensure_cares_for(uow: UnitOfWork, requester: Requester, patient: str) -> None:
    if not await uow.patient_contracts.is_cared_for_at(patient, requester.units):
        raise NotFound(NOT_AT_YOUR_UNITS)


async def _staff_writing(
    uow: UnitOfWork, requester: Requester, reader: Caller, patient: str, unit: str | None, action: str, now: datetime
) -> str:
    """The unit a staff member writes at (one of theirs), with the patient's contract locked and the write logged."""
    if not requester.is_staff:
        raise Forbidden("Bara vårdens personal kan skriva i Min vård.")
    at_unit = unit or requester.units[0]
    if at_unit not in requester.units:
        raise Forbidden("Du kan bara skriva för dina egna enheter.")
    await _ensure_cares_for(uow, requester, patient)
    await uow.patient_contracts.lock(patient)
    await uow.patient_contracts.log_access(reader, patient, action=action, at=now)
    return at_unit


async def _announce(uow: UnitOfWork, patient: str, unit: str, part: ContractPart, now: datetime) -> None:
    event = PatientContractUpdated(
        patient=patient, unit=unit, parts=[part.value], updated_by=Actor.STAFF, updated_at=now
    )
    await uow.announce(event, subject=patient, time=now)
