"""The unit's page (/personal/schema/enhet): its name, address, phone and opening hours; a scheduler or
administrator changes them, and an administrator adds a new unit ("Ny enhet")."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from nara.shared.web.pages import see_other

from ...domain.errors import InvalidRequest, NotFound
from ...domain.unit_setup import AlreadyExists, CareUnitDetails
from ...service import setup
from ..setup_models import CareUnitChange, CareUnitRequest, OpeningHoursModel
from ..wiring import unit_of_work
from .kit import HOME, LOGIN, CurrentDesk, Desk, StaffRoute, page
from .setup_forms import WEEKDAYS, Errors, ensure_plans, opening_hours, validated

router = APIRouter(prefix=f"{HOME}/enhet", route_class=StaffRoute, include_in_schema=False)
DONE = {
    "andrad": "Enhetens uppgifter är sparade.",
    "ny": "Enheten är tillagd. Logga in på den för att lägga upp dess behandlare, tidtyper och schema.",
}
MESSAGES = {
    "hsa_id": "Skriv enhetens HSA-id, till exempel SE2321000115-E00000000011.",
    "name": "Skriv enhetens namn (högst 200 tecken).",
    "address": "Skriv enhetens adress (högst 200 tecken).",
    "phone": "Skriv ett telefonnummer med siffror, till exempel 0346-123 45.",
}
FIELDS = ("hsa_id", "name", "address", "phone")


@router.get("")
async def unit_page(request: Request, desk: CurrentDesk, klart: str = "") -> Response:
    try:
        async with unit_of_work(request) as uow:
            unit: CareUnitDetails | None = await setup.care_unit(uow, desk.requester, desk.unit)
    except NotFound:  # the region's office, where an administrator adds the first unit
        unit = None
    values = _values_of(unit) if unit else {}
    return _details(request, desk, unit, values, [], done=DONE.get(klart, ""))


@router.post("")
async def change_unit(request: Request, desk: CurrentDesk) -> Response:
    ensure_plans(desk)
    form = await LOGIN.checked_form(request, desk.staff)
    hours, values, errors = opening_hours(form)
    values |= {name: form.get(name) for name in FIELDS}
    change, invalid = validated(CareUnitChange, {**values, "opening_hours": hours}, MESSAGES)
    errors = invalid + errors
    async with unit_of_work(request) as uow:
        unit = await setup.care_unit(uow, desk.requester, desk.unit)
    if change is not None and not errors:
        try:
            async with unit_of_work(request) as uow:
                await setup.change_care_unit(uow, desk.requester, change.details(desk.unit))
            return see_other(desk.link("/enhet", klart="andrad"))
        except InvalidRequest as refused:
            errors.append((None, refused.message))
    return _details(request, desk, unit, values, errors, status_code=422)


@router.get("/ny")
async def new_unit_page(request: Request, desk: CurrentDesk) -> Response:
    _ensure_region_admin(desk)
    return _new(request, desk, {}, [])


@router.post("/ny")
async def add_unit(request: Request, desk: CurrentDesk) -> Response:
    _ensure_region_admin(desk)
    form = await LOGIN.checked_form(request, desk.staff)
    hours, values, errors = opening_hours(form)
    values |= {name: form.get(name) for name in FIELDS}
    wanted, invalid = validated(CareUnitRequest, {**values, "opening_hours": hours}, MESSAGES)
    errors = invalid + errors
    if wanted is not None and not errors:
        try:
            async with unit_of_work(request) as uow:
                await setup.add_care_unit(uow, desk.requester, wanted.details(wanted.hsa_id))
            return see_other(desk.link("/enhet", klart="ny"))
        except AlreadyExists as taken:
            errors.append(("hsa_id", taken.message))
        except InvalidRequest as refused:
            errors.append((None, refused.message))
    return _new(request, desk, values, errors, status_code=422)


def _ensure_region_admin(desk: Desk) -> None:
    if not desk.requester.region_admin:
        raise HTTPException(403, "Bara regionens administratör kan lägga till en enhet.")


def _values_of(unit: CareUnitDetails) -> dict[str, str]:
    values = {"hsa_id": unit.hsa_id, "name": unit.name, "address": unit.address, "phone": unit.phone}
    for hours in unit.opening_hours:
        shown = OpeningHoursModel.of(hours)
        values |= {f"opens-{hours.weekday}": shown.opens, f"closes-{hours.weekday}": shown.closes}
    return values


def _details(
    request: Request,
    desk: Desk,
    unit: CareUnitDetails | None,
    values: dict[str, str],
    errors: Errors,
    status_code: int = 200,
    **context: Any,
) -> Response:
    return page(
        request,
        desk,
        "units_details.html",
        title=unit.name if unit else desk.unit_name,
        active="enhet",
        errors=errors,
        status_code=status_code,
        unit=unit,
        values=values,
        weekdays=WEEKDAYS,
        **context,
    )


def _new(request: Request, desk: Desk, values: dict[str, str], errors: Errors, status_code: int = 200) -> Response:
    return page(
        request,
        desk,
        "units_new.html",
        title="Ny enhet",
        active="enhet",
        errors=errors,
        status_code=status_code,
        values=values,
        weekdays=WEEKDAYS,
    )
