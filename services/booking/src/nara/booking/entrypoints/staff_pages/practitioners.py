"""The practitioners' pages (/personal/schema/behandlare): the unit's list for all its staff; adding, changing and
reading in a CSV file (pasted: the kit's form reader takes no file uploads) for its scheduler."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from nara.shared.web.labels import PROFESSIONS
from nara.shared.web.pages import Choice, see_other

from ...domain.errors import InvalidRequest, InvalidRows, NotFound
from ...domain.unit_setup import AlreadyExists, Practitioner
from ...service import setup
from ..fields import HsaId
from ..setup_models import PractitionerChange, PractitionerRequest
from ..wiring import horizon, now_of, unit_of_work
from .kit import HOME, LOGIN, CurrentDesk, Desk, StaffRoute, page
from .setup_forms import Errors, ensure_plans, optional, validated

router = APIRouter(prefix=f"{HOME}/behandlare", route_class=StaffRoute, include_in_schema=False)
PROFESSION_CHOICES = [Choice("", "Välj yrke"), *(Choice(code, word) for code, word in PROFESSIONS.items())]
FIELDS = ("hsa_id", "name", "profession", "active_from", "active_to")
MESSAGES = {
    "hsa_id": "Skriv behandlarens HSA-id, till exempel SE2321000115-P000000101.",
    "name": "Skriv behandlarens namn (högst 200 tecken).",
    "profession": "Välj behandlarens yrke.",
    "active_from": "Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2027-01-04.",
    "active_to": "Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2027-06-30.",
}
DONE = {"ny": "Behandlaren är tillagd.", "andrad": "Behandlarens uppgifter är sparade."}


@router.get("")
async def practitioners_page(request: Request, desk: CurrentDesk, klart: str = "") -> Response:
    async with unit_of_work(request) as uow:
        found = await setup.practitioners(uow, desk.requester, desk.unit)
    imported = _import_done(klart)
    return page(
        request,
        desk,
        "practitioners_list.html",
        title="Behandlare",
        active="behandlare",
        practitioners=found,
        done=DONE.get(klart, imported),
    )


@router.get("/ny")
async def new_practitioner_page(request: Request, desk: CurrentDesk) -> Response:
    ensure_plans(desk)
    return _form(request, desk, None, {}, [])


@router.post("/ny")
async def add_practitioner(request: Request, desk: CurrentDesk) -> Response:
    ensure_plans(desk)
    form = await LOGIN.checked_form(request, desk.staff)
    values = {name: form.get(name) for name in FIELDS}
    wanted, errors = validated(PractitionerRequest, _data(values), MESSAGES, whole_form_field="active_to")
    if wanted is not None:
        try:
            async with unit_of_work(request) as uow:
                await setup.add_practitioner(uow, desk.requester, wanted.practitioner(wanted.hsa_id, desk.unit))
            return see_other(desk.link("/behandlare", klart="ny"))
        except AlreadyExists as taken:
            errors.append(("hsa_id", taken.message))
        except InvalidRequest as refused:
            errors.append(("active_to", refused.message))
    return _form(request, desk, None, values, errors, status_code=422)


@router.get("/import")
async def import_page(request: Request, desk: CurrentDesk) -> Response:
    ensure_plans(desk)
    return _import_form(request, desk, "", [])


@router.post("/import")
async def import_practitioners(request: Request, desk: CurrentDesk) -> Response:
    ensure_plans(desk)
    form = await LOGIN.checked_form(request, desk.staff)
    text = form.get("fil")
    errors: Errors = []
    if not text:
        errors.append(("fil", "Klistra in filens innehåll, med rubrikraden först."))
    else:
        try:
            async with unit_of_work(request) as uow:
                count = await setup.import_practitioners(
                    uow, desk.requester, desk.unit, text, now_of(request), horizon(request)
                )
            return see_other(desk.link("/behandlare", klart=f"import-{count.added}-{count.updated}"))
        except InvalidRows as bad:
            errors.append(("fil", bad.message))
            errors.extend((None, line) for line in bad.lines)
    return _import_form(request, desk, text, errors, status_code=422)


@router.get("/{hsa_id}")
async def practitioner_page(request: Request, desk: CurrentDesk, hsa_id: HsaId) -> Response:
    ensure_plans(desk)
    practitioner = await _practitioner(request, desk, hsa_id)
    values = {
        "hsa_id": practitioner.hsa_id,
        "name": practitioner.name,
        "profession": practitioner.profession.value,
        "active_from": practitioner.active_from.isoformat() if practitioner.active_from else "",
        "active_to": practitioner.active_to.isoformat() if practitioner.active_to else "",
    }
    return _form(request, desk, practitioner, values, [])


@router.post("/{hsa_id}")
async def change_practitioner(request: Request, desk: CurrentDesk, hsa_id: HsaId) -> Response:
    ensure_plans(desk)
    practitioner = await _practitioner(request, desk, hsa_id)
    form = await LOGIN.checked_form(request, desk.staff)
    values = {name: form.get(name) for name in FIELDS} | {"hsa_id": hsa_id}
    change, errors = validated(PractitionerChange, _data(values), MESSAGES, whole_form_field="active_to")
    if change is not None:
        try:
            async with unit_of_work(request) as uow:
                await setup.change_practitioner(
                    uow, desk.requester, change.practitioner(hsa_id, desk.unit), now_of(request), horizon(request)
                )
            return see_other(desk.link("/behandlare", klart="andrad"))
        except InvalidRequest as refused:
            errors.append(("active_to", refused.message))
    return _form(request, desk, practitioner, values, errors, status_code=422)


def _data(values: dict[str, str]) -> dict[str, str | None]:
    return {**values, "active_from": optional(values["active_from"]), "active_to": optional(values["active_to"])}


async def _practitioner(request: Request, desk: Desk, hsa_id: str) -> Practitioner:
    async with unit_of_work(request) as uow:
        found = [p for p in await setup.practitioners(uow, desk.requester, desk.unit) if p.hsa_id == hsa_id]
    if not found:
        raise NotFound("Vi hittar ingen behandlare med det HSA-id:t på enheten.")
    return found[0]


def _import_done(klart: str) -> str:
    """'import-2-1' from the import's redirect, as a sentence."""
    parts = klart.split("-")
    if len(parts) != 3 or parts[0] != "import" or not (parts[1].isdigit() and parts[2].isdigit()):
        return ""
    return f"Filen är inläst: {int(parts[1])} nya behandlare och {int(parts[2])} uppdaterade."


def _form(
    request: Request,
    desk: Desk,
    practitioner: Practitioner | None,
    values: dict[str, str],
    errors: Errors,
    status_code: int = 200,
) -> Response:
    return page(
        request,
        desk,
        "practitioners_form.html",
        title=f"Ändra {practitioner.name}" if practitioner else "Lägg till behandlare",
        active="behandlare",
        errors=errors,
        status_code=status_code,
        practitioner=practitioner,
        values=values,
        professions=PROFESSION_CHOICES,
    )


def _import_form(request: Request, desk: Desk, text: str, errors: Errors, status_code: int = 200) -> Response:
    return page(
        request,
        desk,
        "practitioners_import.html",
        title="Läs in behandlare från fil",
        active="behandlare",
        errors=errors,
        status_code=status_code,
        text=text,
    )
