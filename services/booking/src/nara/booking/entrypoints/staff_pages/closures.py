"""Stängt och frånvaro (/personal/schema/stangt): the days the unit is closed and practitioners' absences, added and
removed by the scheduler, and the coming twelve months' public holidays and eves as computed (never typed in).
Free times on a closed day are withdrawn at once; booked ones stay, listed under Att flytta."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from nara.shared.clock import to_stockholm
from nara.shared.web.labels import label
from nara.shared.web.pages import Choice, see_other

from ...domain.errors import BookingRefused
from ...domain.schedule import Closure
from ...service import hours
from ..problems import status_of
from ..wiring import horizon, now_of, unit_of_work
from .hours_common import Errors, calendar_day
from .kit import HOME, LOGIN, CurrentDesk, Desk, StaffRoute, page

router = APIRouter(prefix=HOME, route_class=StaffRoute, include_in_schema=False)
WHOLE_UNIT = "enheten"
ONE_PRACTITIONER = "behandlare"
DONE = {
    "stangt": "Sparat. Lediga tider de dagarna går inte längre att boka.",
    "borttaget": "Borttaget. Tiderna de dagarna går att boka igen.",
}


@router.get("/stangt")
async def closures_page(
    request: Request, desk: CurrentDesk, klart: Annotated[str | None, Query(max_length=20)] = None
) -> Response:
    return await _page(request, desk, {}, [], done=DONE.get(klart or "", ""))


@router.post("/stangt")
async def add(request: Request, desk: CurrentDesk) -> Response:
    form = await LOGIN.checked_form(request, desk.staff)
    values = {name: str(form.get(name) or "") for name in ("vem", "behandlare", "forsta_dag", "sista_dag", "anledning")}
    errors: Errors = []
    if values["vem"] not in (WHOLE_UNIT, ONE_PRACTITIONER):
        errors.append(("vem", "Välj om hela enheten är stängd eller en behandlare är borta."))
    elif values["vem"] == ONE_PRACTITIONER and not values["behandlare"]:
        errors.append(("behandlare", "Välj vilken behandlare som är borta."))
    first = calendar_day(values["forsta_dag"], "forsta_dag", "första dagen", errors, required=True)
    last = calendar_day(values["sista_dag"], "sista_dag", "sista dagen", errors)
    if not values["anledning"].strip():
        errors.append(("anledning", "Skriv en anledning, till exempel Utbildningsdag."))
    elif len(values["anledning"]) > 200:
        errors.append(("anledning", "Skriv anledningen med högst 200 tecken."))
    if errors or first is None:
        return await _page(request, desk, values, errors, status_code=422)
    practitioner = values["behandlare"] if values["vem"] == ONE_PRACTITIONER else None
    closure = Closure(desk.unit, practitioner, first, last or first)
    try:
        async with unit_of_work(request) as uow:
            await hours.add_closure(
                uow, desk.requester, closure, values["anledning"], now_of(request), horizon(request)
            )
    except BookingRefused as refused:
        field = "anledning" if "personnummer" in refused.message else "sista_dag" if "dag" in refused.message else None
        return await _page(request, desk, values, [(field, refused.message)], status_code=status_of(refused))
    return see_other(desk.link("/stangt", klart="stangt"))


@router.post("/stangt/{closure_id}/ta-bort")
async def remove(request: Request, desk: CurrentDesk, closure_id: uuid.UUID) -> Response:
    await LOGIN.checked_form(request, desk.staff)
    async with unit_of_work(request) as uow:
        await hours.remove_closure(uow, desk.requester, desk.unit, closure_id, now_of(request), horizon(request))
    return see_other(desk.link("/stangt", klart="borttaget"))


async def _page(
    request: Request, desk: Desk, values: dict[str, str], errors: Errors, *, status_code: int = 200, done: str = ""
) -> Response:
    now = now_of(request)
    today = to_stockholm(now).date()
    async with unit_of_work(request) as uow:
        closures = await hours.list_closures(uow, desk.requester, desk.unit, now)
        staff = await hours.practitioners(uow, desk.requester, desk.unit)
    names = {p.hsa_id: p.name for p in staff}
    holidays = hours.holidays_between(today, today + timedelta(days=365), horizon(request).holidays)
    return page(
        request,
        desk,
        "closures_list.html",
        title="Stängt och frånvaro",
        active="stangt",
        errors=errors,
        status_code=status_code,
        done=done,
        closures=closures,
        names=names,
        holidays=holidays,
        who=[
            Choice(WHOLE_UNIT, "Hela enheten är stängd"),
            Choice(ONE_PRACTITIONER, "En behandlare är borta", "Till exempel ledighet, kurs eller sjukdom."),
        ],
        practitioners=[
            Choice("", "Välj behandlare"),
            *(Choice(p.hsa_id, f"{p.name}, {label(p.profession, 'profession').lower()}") for p in staff),
        ],
        values=values,
    )
