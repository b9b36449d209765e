"""The time types' pages (/personal/schema/tidtyper): the unit's own time types and the region's, for all its
staff; its scheduler adds and changes the unit's own, an administrator the region's too."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.responses import Response

from nara.shared.web.labels import CONTACT_FORMS, PROFESSIONS
from nara.shared.web.pages import Choice, see_other

from ...domain.errors import InvalidRequest, NotFound
from ...domain.schedule import TimeType
from ...domain.unit_setup import AlreadyExists
from ...service import setup
from ..setup_models import TimeTypeAnswer, TimeTypeChange, TimeTypeRequest
from ..wiring import horizon, now_of, unit_of_work
from .kit import HOME, LOGIN, CurrentDesk, Desk, StaffRoute, page
from .setup_forms import BOOKING_CHANNEL_LABELS, BOOKING_CHANNELS, Errors, ensure_plans, validated

router = APIRouter(prefix=f"{HOME}/tidtyper", route_class=StaffRoute, include_in_schema=False)
Code = Annotated[str, Path(pattern=r"^[A-Z][A-Z0-9_]{1,31}$")]
REGION = "regionen"  # the `agare` (owner) value of a region-wide time type
TEXT_FIELDS = (
    "code",
    "name",
    "profession",
    "length_minutes",
    "contact_form",
    "booking_channel",
    "cancel_notice_hours",
    "rebook_notice_hours",
    "capacity",
    "agare",
)
RULES = [
    Choice("web_cancel_allowed", "Patienten får avboka på webben"),
    Choice("web_rebook_allowed", "Patienten får omboka på webben"),
    Choice("medical_assessment", "Besöket är en medicinsk bedömning", "Räknas för vårdgarantin."),
    Choice("reason_required", "Patienten ska skriva vad besöket gäller"),
]
MESSAGES = {
    "code": "Skriv en kod med versaler, siffror och _ som börjar med en bokstav, 2–32 tecken, till exempel SSK_BESOK.",
    "name": "Skriv tidtypens namn som patienten ser det (högst 200 tecken).",
    "profession": "Välj yrke.",
    "length_minutes": "Skriv längden i minuter: 5 till 480, i steg om 5.",
    "contact_form": "Välj kontaktsätt.",
    "booking_channel": "Välj vem som får boka tiden.",
    "capacity": "Skriv antal platser, 1 till 50.",
    "cancel_notice_hours": "Skriv antal timmar, 0 till 720.",
    "rebook_notice_hours": "Skriv antal timmar, 0 till 720.",
}
DONE = {"ny": "Tidtypen är tillagd.", "andrad": "Tidtypen är sparad. Tider som läggs ut från och med nu följer den."}


@router.get("")
async def time_types_page(request: Request, desk: CurrentDesk, klart: str = "") -> Response:
    async with unit_of_work(request) as uow:
        found = await setup.time_types(uow, desk.requester, desk.unit)
    return page(
        request,
        desk,
        "time_types_list.html",
        title="Tidtyper",
        active="tidtyper",
        time_types=found,
        channels=BOOKING_CHANNEL_LABELS,
        may_change=lambda time_type: may_change(desk, time_type),
        done=DONE.get(klart, ""),
    )


@router.get("/ny")
async def new_time_type_page(request: Request, desk: CurrentDesk) -> Response:
    ensure_plans(desk)
    defaults = {"length_minutes": "20", "capacity": "1", "cancel_notice_hours": "24", "rebook_notice_hours": "24"}
    return _form(request, desk, None, defaults, ["web_cancel_allowed", "web_rebook_allowed"], [])


@router.post("/ny")
async def add_time_type(request: Request, desk: CurrentDesk) -> Response:
    ensure_plans(desk)
    form = await LOGIN.checked_form(request, desk.staff)
    values, rules = {name: form.get(name) for name in TEXT_FIELDS}, form.all("regler")
    wanted, errors = validated(TimeTypeRequest, _data(values, rules), MESSAGES)
    if wanted is not None:
        owner = None if values["agare"] == REGION and desk.requester.region_admin else desk.unit
        try:
            async with unit_of_work(request) as uow:
                await setup.add_time_type(uow, desk.requester, wanted.time_type(wanted.code, owner))
            return see_other(desk.link("/tidtyper", klart="ny"))
        except AlreadyExists as taken:
            errors.append(("code", taken.message))
        except InvalidRequest as refused:
            errors.append((None, refused.message))
    return _form(request, desk, None, values, rules, errors, status_code=422)


@router.get("/{code}")
async def time_type_page(request: Request, desk: CurrentDesk, code: Code) -> Response:
    ensure_plans(desk)
    time_type = await _time_type(request, desk, code)
    shown = TimeTypeAnswer.of(time_type).model_dump(mode="json")
    values = {name: str(shown[name]) for name in TEXT_FIELDS if name in shown}
    rules = [rule.value for rule in RULES if shown[rule.value]]
    return _form(request, desk, time_type, values, rules, [])


@router.post("/{code}")
async def change_time_type(request: Request, desk: CurrentDesk, code: Code) -> Response:
    ensure_plans(desk)
    time_type = await _time_type(request, desk, code)
    form = await LOGIN.checked_form(request, desk.staff)
    values, rules = {name: form.get(name) for name in TEXT_FIELDS} | {"code": code}, form.all("regler")
    change, errors = validated(TimeTypeChange, _data(values, rules), MESSAGES)
    if change is not None:
        async with unit_of_work(request) as uow:
            # The form has no reminder fields (the setup API sets them): a change here keeps the type's own.
            changed = replace(change.time_type(code, time_type.unit), reminder_hours=time_type.reminder_hours)
            await setup.change_time_type(uow, desk.requester, changed, now_of(request), horizon(request))
        return see_other(desk.link("/tidtyper", klart="andrad"))
    return _form(request, desk, time_type, values, rules, errors, status_code=422)


def _data(values: dict[str, str], rules: list[str]) -> dict[str, object]:
    return {**values, **{rule.value: rule.value in rules for rule in RULES}}


async def _time_type(request: Request, desk: Desk, code: str) -> TimeType:
    async with unit_of_work(request) as uow:
        found = [t for t in await setup.time_types(uow, desk.requester, desk.unit) if t.code == code]
    if not found:
        raise NotFound(f"Vi hittar ingen tidtyp {code} på enheten.")
    if not may_change(desk, found[0]):
        raise HTTPException(403, f"{code} är regionens tidtyp. Bara regionens administratör kan ändra den.")
    return found[0]


def may_change(desk: Desk, time_type: TimeType) -> bool:
    """The unit's own time types are its scheduler's; the region's are the administrator's."""
    return desk.plans and (time_type.unit == desk.unit or (time_type.unit is None and desk.requester.region_admin))


def _form(
    request: Request,
    desk: Desk,
    time_type: TimeType | None,
    values: dict[str, str],
    rules: list[str],
    errors: Errors,
    status_code: int = 200,
) -> Response:
    return page(
        request,
        desk,
        "time_types_form.html",
        title=f"Ändra {time_type.name}" if time_type else "Lägg till tidtyp",
        active="tidtyper",
        errors=errors,
        status_code=status_code,
        time_type=time_type,
        values=values,
        rules=rules,
        rule_choices=RULES,
        professions=[Choice("", "Välj yrke"), *(Choice(code, word) for code, word in PROFESSIONS.items())],
        contact_forms=[Choice(code, word) for code, word in CONTACT_FORMS.items()],
        channels=BOOKING_CHANNELS,
        owners=[
            Choice("enheten", desk.unit_name, "Bara enheten använder den."),
            Choice(REGION, "Regionen", "Alla enheter i regionen kan använda den."),
        ],
    )
