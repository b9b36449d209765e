"""The day's book's actions, each a form through the existing use cases: book a patient on a free time, cancel a
booking (with a reason), register the visit (completed, a medical assessment or not, or no-show), block or open a
time. Each ends back on the same day and filter with a banner; a refusal is a Swedish sentence on the form (or, for
a time or booking that is not the staff member's to see, a Swedish page: StaffRoute)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from nara.shared.personnummer import InvalidPersonnummer
from nara.shared.web.fields import no_control_characters, no_personnummer
from nara.shared.web.pages import Choice, see_other

from ...domain.schedule import Slot
from ...service import appointments as use_cases
from ...service.day_book import appointment_at_own_unit, slot_at_own_unit
from ...service.records import AppointmentRecord
from ...service.schedule import set_blocked
from ...service.unit_of_work import UnitOfWork
from ..transactions import run_once
from ..wiring import now_of, unit_of_work
from .day_book_place import Place, read_place
from .kit import HOME, KIT, LOGIN, CurrentDesk, Desk, StaffRoute, page

router = APIRouter(prefix=f"{HOME}/dagbok", route_class=StaffRoute, include_in_schema=False)
REASON_LENGTH = 500
OUTCOMES = [Choice("genomford", "Besöket är genomfört"), Choice("uteblev", "Patienten kom inte")]
ASSESSMENT = [Choice("ja", "Ja"), Choice("nej", "Nej")]
Errors = list[tuple[str | None, str]]


@router.get("/tider/{slot_id}/boka")
async def book_form(request: Request, slot_id: uuid.UUID, desk: CurrentDesk) -> Response:
    slot = await _slot(request, desk, slot_id)
    return _book_page(request, desk, slot, {"personnummer": "", "anledning": ""}, [])


@router.post("/tider/{slot_id}/boka")
async def book(request: Request, slot_id: uuid.UUID, desk: CurrentDesk) -> Response:
    form = await LOGIN.checked_form(request, desk.staff)
    place = _place(request, desk)
    values = {"personnummer": form.get("personnummer"), "anledning": form.get("anledning")}
    errors: Errors = []
    patient = ""
    if not values["personnummer"]:
        errors.append(("personnummer", "Skriv patientens personnummer, till exempel 19121212-1212."))
    else:
        try:
            patient = request.app.state.pseudonymiser.pseudonym(values["personnummer"])
        except InvalidPersonnummer as invalid:
            errors.append(("personnummer", f"Personnumret går inte att använda: {invalid.reason}."))
    reason_error = _reason_error(values["anledning"], required=False)
    if reason_error:
        errors.append(("anledning", reason_error))
    if not errors:
        requester, now, policy, reason = desk.requester, now_of(request), request.app.state.policy, values["anledning"]

        async def booking(uow: UnitOfWork) -> Any:
            return await use_cases.book(
                uow,
                requester,
                slot_id=slot_id,
                patient=patient,
                contact_id=None,
                reason=reason or None,
                now=now,
                policy=policy,
            )

        refusal = await _change(request, desk, booking)
        if refusal is None:
            return see_other(place.href("bokad"))
        errors.append((None, refusal))
    return _book_page(request, desk, await _slot(request, desk, slot_id), values, errors, status_code=422)


@router.get("/bokningar/{appointment_id}/avboka")
async def cancel_form(request: Request, appointment_id: uuid.UUID, desk: CurrentDesk) -> Response:
    appointment, _ = await _visit(request, desk, appointment_id)
    return _cancel_page(request, desk, appointment, {"anledning": ""}, [])


@router.post("/bokningar/{appointment_id}/avboka")
async def cancel(request: Request, appointment_id: uuid.UUID, desk: CurrentDesk) -> Response:
    form = await LOGIN.checked_form(request, desk.staff)
    place = _place(request, desk)
    values = {"anledning": form.get("anledning")}
    reason_error = _reason_error(values["anledning"], required=True)
    errors: Errors = [("anledning", reason_error)] if reason_error else []
    if not errors:
        requester, now, reason = desk.requester, now_of(request), values["anledning"]
        refusal = await _change(
            request, desk, lambda uow: use_cases.cancel(uow, requester, appointment_id, reason=reason, now=now)
        )
        if refusal is None:
            return see_other(place.href("avbokad"))
        errors.append((None, refusal))
    appointment, _ = await _visit(request, desk, appointment_id)
    return _cancel_page(request, desk, appointment, values, errors, status_code=422)


@router.get("/bokningar/{appointment_id}/besok")
async def visit_form(request: Request, appointment_id: uuid.UUID, desk: CurrentDesk) -> Response:
    appointment, slot = await _visit(request, desk, appointment_id)
    values = {"utfall": "genomford", "bedomning": "ja" if slot.time_type.medical_assessment else "nej"}
    return _visit_page(request, desk, appointment, values, [])


@router.post("/bokningar/{appointment_id}/besok")
async def register_visit(request: Request, appointment_id: uuid.UUID, desk: CurrentDesk) -> Response:
    form = await LOGIN.checked_form(request, desk.staff)
    place = _place(request, desk)
    values = {"utfall": form.get("utfall"), "bedomning": form.get("bedomning")}
    errors: Errors = []
    if values["utfall"] not in ("genomford", "uteblev"):
        errors.append(("utfall", "Välj om besöket genomfördes eller om patienten inte kom."))
    elif values["utfall"] == "genomford" and values["bedomning"] not in ("ja", "nej"):
        errors.append(("bedomning", "Välj om besöket var en medicinsk bedömning."))
    else:
        requester, now, assessed = desk.requester, now_of(request), values["bedomning"] == "ja"

        async def registering(uow: UnitOfWork) -> Any:
            if values["utfall"] == "genomford":
                return await use_cases.complete(uow, requester, appointment_id, medical_assessment=assessed, now=now)
            return await use_cases.no_show(uow, requester, appointment_id, now=now)

        refusal = await _change(request, desk, registering)
        if refusal is None:
            return see_other(place.href(values["utfall"]))
        errors.append((None, refusal))
    appointment, _ = await _visit(request, desk, appointment_id)
    return _visit_page(request, desk, appointment, values, errors, status_code=422)


@router.post("/tider/{slot_id}/sparra")
async def block(request: Request, slot_id: uuid.UUID, desk: CurrentDesk) -> Response:
    return await _set_blocked(request, slot_id, desk, blocked=True)


@router.post("/tider/{slot_id}/oppna")
async def unblock(request: Request, slot_id: uuid.UUID, desk: CurrentDesk) -> Response:
    return await _set_blocked(request, slot_id, desk, blocked=False)


async def _set_blocked(request: Request, slot_id: uuid.UUID, desk: Desk, *, blocked: bool) -> Response:
    await LOGIN.checked_form(request, desk.staff)
    place = _place(request, desk)
    requester, now = desk.requester, now_of(request)
    refusal = await _change(request, desk, lambda uow: set_blocked(uow, requester, slot_id, blocked, now))
    if refusal is not None:
        return KIT.problem_page(
            request, "Det gick inte", refusal, status_code=409, action=(place.href(), "Till dagboken")
        )
    return see_other(place.href("sparrad" if blocked else "oppnad"))


async def _slot(request: Request, desk: Desk, slot_id: uuid.UUID) -> Slot:
    async with unit_of_work(request) as uow:
        return await slot_at_own_unit(uow, desk.requester, slot_id)


async def _visit(request: Request, desk: Desk, appointment_id: uuid.UUID) -> tuple[AppointmentRecord, Slot]:
    async with unit_of_work(request) as uow:
        return await appointment_at_own_unit(uow, desk.requester, appointment_id)


async def _change(request: Request, desk: Desk, action: Callable[[UnitOfWork], Awaitable[Any]]) -> str | None:
    """Run a use case once in its unit of work; its refusal's Swedish sentence, or None when it went through."""
    outcome = await run_once(
        unit_of_work(request),
        action,
        lambda _: None,
        caller=desk.staff.caller.subject,
        idempotency_key=None,
        request={},
        now=now_of(request),
    )
    return None if outcome.succeeded else outcome.message or "Det gick inte. Försök igen."


def _place(request: Request, desk: Desk) -> Place:
    """Where the book was (the form's address carries it); what a hand-made address gets wrong falls back."""
    place, _ = read_place(request.query_params, desk.unit, now_of(request))
    return place


def _reason_error(text: str, *, required: bool) -> str | None:
    if required and not text:
        return "Skriv varför tiden avbokas."
    if len(text) > REASON_LENGTH:
        return f"Skriv högst {REASON_LENGTH} tecken. Nu är det {len(text)}."
    for rule in (no_control_characters, no_personnummer):
        try:
            rule(text)
        except ValueError as wrong:
            return str(wrong)
    return None


def _form(
    request: Request, desk: Desk, template: str, title: str, errors: Errors, status_code: int, **context: Any
) -> Response:
    place = _place(request, desk)
    return page(
        request,
        desk,
        template,
        title=title,
        active="dagbok",
        errors=errors,
        status_code=status_code,
        place=place,
        back=place.href(),
        **context,
    )


def _book_page(
    request: Request, desk: Desk, slot: Slot, values: dict[str, str], errors: Errors, status_code: int = 200
) -> Response:
    return _form(
        request, desk, "day_book_book.html", "Boka tid åt en patient", errors, status_code, slot=slot, values=values
    )


def _cancel_page(
    request: Request,
    desk: Desk,
    appointment: AppointmentRecord,
    values: dict[str, str],
    errors: Errors,
    status_code: int = 200,
) -> Response:
    return _form(
        request,
        desk,
        "day_book_cancel.html",
        "Avboka tiden",
        errors,
        status_code,
        appointment=appointment,
        values=values,
    )


def _visit_page(
    request: Request,
    desk: Desk,
    appointment: AppointmentRecord,
    values: dict[str, str],
    errors: Errors,
    status_code: int = 200,
) -> Response:
    return _form(
        request,
        desk,
        "day_book_visit.html",
        "Registrera besöket",
        errors,
        status_code,
        appointment=appointment,
        values=values,
        outcomes=OUTCOMES,
        assessment=ASSESSMENT,
    )
