"""Setting up a unit: care units (admin), practitioners and time types (the unit's scheduler).

Staff read the set-up of their own units; a scheduler or admin changes it there (Requester.may_plan); only an
admin adds a unit or changes the region's time types, which every unit may use.

A changed time type, or a practitioner's changed active days, take effect at once: the unit's future slots are
regenerated in the same unit of work (service/hours.py, regenerate_unit), so a booking on a time that goes away
is kept and listed for staff to move.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..domain.errors import Forbidden, NotFound
from ..domain.offers import offer_time
from ..domain.schedule import TimeType
from ..domain.unit_setup import (
    AlreadyExists,
    CareUnitDetails,
    Practitioner,
    check_active_days,
    check_opening_hours,
    check_time_type,
)
from .hours import Horizon, regenerate_unit
from .practitioner_csv import invalid_rows, parse_practitioners
from .requester import Requester
from .unit_of_work import UnitOfWork


@dataclass(frozen=True)
class ImportCount:
    added: int
    updated: int


async def care_units(uow: UnitOfWork, requester: Requester) -> list[CareUnitDetails]:
    """The staff member's own units, an admin's too (the region's list is GET /api/v1/units)."""
    if not requester.is_staff:
        raise Forbidden("Bara personal kan se enheternas uppgifter.")
    return await uow.setup.care_units(requester.units)


async def care_unit(uow: UnitOfWork, requester: Requester, hsa_id: str) -> CareUnitDetails:
    _ensure_reads(requester, hsa_id)
    return await _existing_unit(uow, hsa_id)


async def add_care_unit(uow: UnitOfWork, requester: Requester, unit: CareUnitDetails) -> CareUnitDetails:
    if not (requester.is_staff and requester.region_admin):
        raise Forbidden("Bara regionens administratör kan lägga till en enhet.")
    check_opening_hours(unit.opening_hours)
    if unit.offer_minutes is not None:
        offer_time(unit.offer_minutes)
    if not await uow.setup.add_care_unit(unit):
        raise AlreadyExists(f"Det finns redan en enhet med HSA-id {unit.hsa_id}. Välj den i stället.")
    return unit


async def change_care_unit(uow: UnitOfWork, requester: Requester, unit: CareUnitDetails) -> CareUnitDetails:
    _ensure_plans(requester, unit.hsa_id)
    await _existing_unit(uow, unit.hsa_id)
    check_opening_hours(unit.opening_hours)
    if unit.offer_minutes is not None:
        offer_time(unit.offer_minutes)
    await uow.setup.change_care_unit(unit)
    return await uow.setup.care_unit(unit.hsa_id) or unit  # as stored: an offer time left out was kept


async def practitioners(uow: UnitOfWork, requester: Requester, unit: str) -> list[Practitioner]:
    _ensure_reads(requester, unit)
    await _existing_unit(uow, unit)
    return await uow.setup.practitioners(unit)


async def add_practitioner(uow: UnitOfWork, requester: Requester, practitioner: Practitioner) -> Practitioner:
    _ensure_plans(requester, practitioner.unit)
    await _existing_unit(uow, practitioner.unit)
    check_active_days(practitioner.active_from, practitioner.active_to)
    if not await uow.setup.add_practitioner(practitioner):
        taken = await uow.setup.practitioner(practitioner.hsa_id)
        if taken is not None and taken.unit == practitioner.unit:
            raise AlreadyExists(
                f"{taken.name} har redan HSA-id {practitioner.hsa_id} här. Ändra uppgifterna i stället."
            )
        raise AlreadyExists(
            f"HSA-id {practitioner.hsa_id} finns redan på en annan enhet. Kontrollera HSA-id:t eller be den "
            "enheten avsluta behandlaren."
        )
    return practitioner


async def change_practitioner(
    uow: UnitOfWork, requester: Requester, practitioner: Practitioner, now: datetime, horizon: Horizon
) -> Practitioner:
    """Change a practitioner's name, profession or active days; their times from now on follow at once."""
    _ensure_plans(requester, practitioner.unit)
    existing = await uow.setup.practitioner(practitioner.hsa_id)
    if existing is None or existing.unit != practitioner.unit:
        raise NotFound("Vi hittar ingen behandlare med det HSA-id:t på enheten.")
    check_active_days(practitioner.active_from, practitioner.active_to)
    await uow.setup.save_practitioners([practitioner])
    await regenerate_unit(uow, practitioner.unit, now, horizon)
    return practitioner


async def import_practitioners(
    uow: UnitOfWork, requester: Requester, unit: str, csv_text: str, now: datetime, horizon: Horizon
) -> ImportCount:
    """All the file's practitioners, or none: a practitioner already at the unit is updated, so reading the same
    file again changes nothing; InvalidRows names every line that cannot be used."""
    _ensure_plans(requester, unit)
    await _existing_unit(uow, unit)
    rows = parse_practitioners(csv_text, unit)
    added, taken = await uow.setup.save_practitioners([row.practitioner for row in rows])
    if taken:  # the refusal rolls back what was saved
        raise invalid_rows(
            [
                (row.line, "HSA-id:t finns redan på en annan enhet.")
                for row in rows
                if row.practitioner.hsa_id in set(taken)
            ]
        )
    await regenerate_unit(uow, unit, now, horizon)  # active days may have changed
    return ImportCount(added=added, updated=len(rows) - added)


async def time_types(uow: UnitOfWork, requester: Requester, unit: str) -> list[TimeType]:
    """The unit's own time types and the region's, which every unit may use."""
    _ensure_reads(requester, unit)
    await _existing_unit(uow, unit)
    return await uow.setup.time_types_for(unit)


async def add_time_type(uow: UnitOfWork, requester: Requester, time_type: TimeType) -> TimeType:
    """A unit's own time type (time_type.unit), or with unit None the region's (an admin's)."""
    _ensure_owns(requester, time_type.unit)
    if time_type.unit is not None:
        await _existing_unit(uow, time_type.unit)
    check_time_type(time_type)
    if not await uow.setup.add_time_type(time_type):
        raise AlreadyExists(f"Koden {time_type.code} används redan i regionen. Välj en annan kod.")
    return time_type


async def change_time_type(
    uow: UnitOfWork, requester: Requester, time_type: TimeType, now: datetime, horizon: Horizon
) -> TimeType:
    """Change a time type where it belongs (time_type.unit: the unit's own, None: the region's). The future slots
    of every unit that uses it follow at once; a booked one that no longer fits stays, to be moved."""
    _ensure_owns(requester, time_type.unit)
    existing = await uow.setup.time_type(time_type.code)
    if existing is None or existing.unit != time_type.unit:
        if existing is not None and existing.unit is None:
            raise Forbidden(f"{time_type.code} är regionens tidtyp. Bara regionens administratör kan ändra den.")
        raise NotFound(f"Vi hittar ingen tidtyp {time_type.code} här.")
    check_time_type(time_type)
    await uow.setup.change_time_type(time_type)
    units = [time_type.unit] if time_type.unit else await uow.setup.units_using_time_type(time_type.code)
    for unit in units:  # in HSA-id order, so two changes lock the units in the same order
        await regenerate_unit(uow, unit, now, horizon)
    return time_type


def _ensure_reads(requester: Requester, unit: str) -> None:
    if not requester.is_staff or unit not in requester.units:
        raise Forbidden("Du kan bara se uppgifter om enheter du arbetar på.")


def _ensure_plans(requester: Requester, unit: str) -> None:
    if not requester.may_plan(unit):
        raise Forbidden("Du kan bara ändra schemat för dina egna enheter, som schemaläggare.")


def _ensure_owns(requester: Requester, unit: str | None) -> None:
    """A unit's own set-up is its scheduler's; the region's (None) its admin's."""
    if unit is None:
        if not (requester.is_staff and requester.region_admin):
            raise Forbidden("Bara regionens administratör kan lägga till eller ändra regionens tidtyper.")
    else:
        _ensure_plans(requester, unit)


async def _existing_unit(uow: UnitOfWork, hsa_id: str) -> CareUnitDetails:
    found = await uow.setup.care_unit(hsa_id)
    if found is None:
        raise NotFound(f"Vi hittar ingen enhet med HSA-id {hsa_id}.")
    return found
