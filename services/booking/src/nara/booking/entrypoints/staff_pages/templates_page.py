"""Veckoschema (/personal/schema/mallar): one practitioner's weekly hours by weekday, added, changed and removed by
the unit's scheduler, and a CSV file of templates pasted in. Reception reads them. Every change makes the slots at
once (service/hours.py); bookings on times a change takes away stay booked, to move."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from nara.shared.web.fields import HSA_ID_PATTERN
from nara.shared.web.labels import label
from nara.shared.web.pages import Choice, see_other

from ...domain.errors import BookingRefused, NotFound
from ...domain.hours import ImportRefused, StoredTemplate, TemplateOverlap, weekday_name
from ...domain.schedule import WeeklyTemplate
from ...service import hours
from ...service.unit_of_work import UnitOfWork
from ..problems import status_of
from ..wiring import horizon, now_of, unit_of_work
from .hours_common import WEEKDAYS, Errors, calendar_day, wall_clock
from .kit import HOME, LOGIN, CurrentDesk, Desk, StaffRoute, page

router = APIRouter(prefix=HOME, route_class=StaffRoute, include_in_schema=False)
FIELDS = ("veckodag", "start", "slut", "tidtyp", "giltig_fran", "giltig_till")
DONE = {
    "sparat": "Passet är sparat och tiderna är bokningsbara.",
    "andrat": "Passet är ändrat och tiderna följer det nya schemat.",
    "borttaget": "Passet är borttaget och dess lediga tider är inte längre bokningsbara.",
    "inlast": "Filen är inläst och tiderna är bokningsbara.",
}
Practitioner = Annotated[str | None, Query(max_length=44, pattern=HSA_ID_PATTERN)]


@router.get("/mallar")
async def week(
    request: Request,
    desk: CurrentDesk,
    behandlare: Practitioner = None,
    klart: Annotated[str | None, Query(max_length=20)] = None,
) -> Response:
    return await _week_page(request, desk, behandlare, {}, [], done=DONE.get(klart or "", ""))


@router.post("/mallar")
async def add(request: Request, desk: CurrentDesk) -> Response:
    """The same hours on each weekday ticked (veckodag, several values), all or none."""
    form = await LOGIN.checked_form(request, desk.staff)
    values = {name: str(form.get(name) or "") for name in ("behandlare", *FIELDS)}
    weekdays = form.all("veckodag")
    errors: Errors = []
    if not weekdays:
        errors.append(("veckodag", "Välj minst en veckodag."))
    templates = [_template(desk, values | {"veckodag": day}, errors) for day in weekdays or [""]]
    chosen = {"veckodagar": ",".join(weekdays)}
    if errors:
        return await _week_page(request, desk, values["behandlare"], values | chosen, errors, status_code=422)
    try:
        async with unit_of_work(request) as uow:
            await hours.add_templates(
                uow, desk.requester, [t for t in templates if t], now_of(request), horizon(request)
            )
    except BookingRefused as refused:
        errors.append((_field_of(refused), refused.message))
        return await _week_page(
            request, desk, values["behandlare"], values | chosen, errors, status_code=status_of(refused)
        )
    return see_other(desk.link("/mallar", behandlare=values["behandlare"].strip(), klart="sparat"))


@router.get("/mallar/{template_id:int}")
async def change_form(request: Request, desk: CurrentDesk, template_id: int) -> Response:
    async with unit_of_work(request) as uow:
        stored = await _stored(uow, desk, template_id)
    template = stored.template
    values = {
        "veckodag": str(template.weekday),
        "start": f"{template.starts:%H:%M}",
        "slut": f"{template.ends:%H:%M}",
        "tidtyp": template.time_type,
        "giltig_fran": template.valid_from.isoformat() if template.valid_from else "",
        "giltig_till": template.valid_to.isoformat() if template.valid_to else "",
    }
    return await _change_page(request, desk, stored, values, [])


@router.post("/mallar/{template_id:int}")
async def change(request: Request, desk: CurrentDesk, template_id: int) -> Response:
    form = await LOGIN.checked_form(request, desk.staff)
    async with unit_of_work(request) as uow:
        stored = await _stored(uow, desk, template_id)
    values = {name: str(form.get(name) or "") for name in FIELDS} | {"behandlare": stored.template.practitioner}
    errors: Errors = []
    template = _template(desk, values, errors)
    if template is None:
        return await _change_page(request, desk, stored, values, errors, status_code=422)
    try:
        async with unit_of_work(request) as uow:
            await hours.change_template(uow, desk.requester, template_id, template, now_of(request), horizon(request))
    except BookingRefused as refused:
        errors.append((_field_of(refused), refused.message))
        return await _change_page(request, desk, stored, values, errors, status_code=status_of(refused))
    return see_other(desk.link("/mallar", behandlare=template.practitioner, klart="andrat"))


@router.post("/mallar/{template_id:int}/ta-bort")
async def remove(request: Request, desk: CurrentDesk, template_id: int) -> Response:
    await LOGIN.checked_form(request, desk.staff)
    async with unit_of_work(request) as uow:
        stored = await _stored(uow, desk, template_id)
        await hours.remove_template(uow, desk.requester, desk.unit, template_id, now_of(request), horizon(request))
    return see_other(desk.link("/mallar", behandlare=stored.template.practitioner, klart="borttaget"))


@router.post("/mallar/importera")
async def import_file(request: Request, desk: CurrentDesk) -> Response:
    form = await LOGIN.checked_form(request, desk.staff)
    text = str(form.get("fil") or "")
    errors: Errors = []
    if not text.strip():
        errors.append(("fil", "Klistra in filens innehåll, med rubrikraden först."))
    else:
        try:
            async with unit_of_work(request) as uow:
                await hours.import_templates(uow, desk.requester, desk.unit, text, now_of(request), horizon(request))
        except ImportRefused as refused:
            errors += [(None, refused.message)] + [(None, line) for line in refused.lines]
        except BookingRefused as refused:
            errors.append(("fil", refused.message))
    if errors:
        return await _week_page(request, desk, None, {"fil": text}, errors, status_code=422)
    return see_other(desk.link("/mallar", klart="inlast"))


# --- the pages ----------------------------------------------------------------------------------------------------


async def _week_page(
    request: Request,
    desk: Desk,
    practitioner: str | None,
    values: dict[str, str],
    errors: Errors,
    *,
    status_code: int = 200,
    done: str = "",
) -> Response:
    async with unit_of_work(request) as uow:
        staff = await hours.practitioners(uow, desk.requester, desk.unit)
        chosen = next((p for p in staff if p.hsa_id == practitioner), staff[0] if staff else None)
        week: list[tuple[str, list[StoredTemplate]]] = []
        time_types: list[Choice] = []
        names: dict[str, str] = {}
        if chosen is not None:
            found = await hours.list_templates(uow, desk.requester, desk.unit, chosen.hsa_id)
            week = [
                (weekday_name(day).capitalize(), [t for t in found if t.template.weekday == day]) for day in range(1, 8)
            ]
            types = await hours.time_types_for(uow, desk.requester, chosen)
            time_types = [Choice(t.code, f"{t.name} ({int(t.length.total_seconds() // 60)} min)") for t in types]
            names = {t.code: t.name for t in (await uow.schedule.time_types()).values()}
        to_move = len(await hours.bookings_to_move(uow, desk.requester, desk.unit, now_of(request)))
    title = f"Veckoschema för {chosen.name}" if chosen else "Veckoschema"
    return page(
        request,
        desk,
        "hours_week.html",
        title=title,
        active="mallar",
        errors=errors,
        status_code=status_code,
        done=done,
        practitioners=[Choice(p.hsa_id, f"{p.name}, {label(p.profession, 'profession').lower()}") for p in staff],
        chosen=chosen,
        week=week,
        time_types=[Choice("", "Välj tidtyp"), *time_types],
        time_type_names=names,
        weekdays=[Choice(value, label) for value, label in WEEKDAYS],
        values=values,
        to_move=to_move,
    )


async def _change_page(
    request: Request,
    desk: Desk,
    stored: StoredTemplate,
    values: dict[str, str],
    errors: Errors,
    *,
    status_code: int = 200,
) -> Response:
    async with unit_of_work(request) as uow:
        practitioner = await uow.hours.practitioner(stored.template.practitioner)
        types = await hours.time_types_for(uow, desk.requester, practitioner) if practitioner else []
    return page(
        request,
        desk,
        "hours_change.html",
        title="Ändra pass",
        active="mallar",
        errors=errors,
        status_code=status_code,
        stored=stored,
        practitioner=practitioner,
        time_types=[Choice(t.code, f"{t.name} ({int(t.length.total_seconds() // 60)} min)") for t in types],
        weekdays=[Choice(value, label) for value, label in WEEKDAYS],
        values=values,
    )


# --- reading the form ---------------------------------------------------------------------------------------------


def _template(desk: Desk, values: dict[str, str], errors: Errors) -> WeeklyTemplate | None:
    practitioner = values["behandlare"].strip()
    if not practitioner:
        errors.append(("behandlare", "Välj behandlare."))
    weekday = values["veckodag"]
    no_weekday_yet = not any(field == "veckodag" for field, _ in errors)
    if weekday not in {value for value, _ in WEEKDAYS} and no_weekday_yet:
        errors.append(("veckodag", "Välj veckodag."))
    starts = wall_clock(values["start"], "start", "starttiden", errors)
    ends = wall_clock(values["slut"], "slut", "sluttiden", errors)
    if not values["tidtyp"].strip():
        errors.append(("tidtyp", "Välj tidtyp."))
    valid_from = calendar_day(values["giltig_fran"], "giltig_fran", "giltig från", errors)
    valid_to = calendar_day(values["giltig_till"], "giltig_till", "giltig till", errors)
    if errors or starts is None or ends is None:
        return None
    return WeeklyTemplate(
        practitioner, desk.unit, values["tidtyp"].strip(), int(weekday), starts, ends, valid_from, valid_to
    )


async def _stored(uow: UnitOfWork, desk: Desk, template_id: int) -> StoredTemplate:
    found = [t for t in await hours.list_templates(uow, desk.requester, desk.unit) if t.id == template_id]
    if not found:
        raise NotFound("Vi hittar inget sådant pass på enheten.")
    return found[0]


def _field_of(refused: BookingRefused) -> str | None:
    if isinstance(refused, TemplateOverlap):
        return "start"
    message = refused.message
    if "Tidtypen" in message or "yrkesgrupp" in message:
        return "tidtyp"
    if "Sluttiden" in message or "för kort" in message:
        return "slut"
    if "Giltig till" in message:
        return "giltig_till"
    if "behandlare" in message.lower():
        return "behandlare"
    return None
