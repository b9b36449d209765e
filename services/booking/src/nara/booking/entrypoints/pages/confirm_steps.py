"""Checking the answers and booking exactly the time the page showed.

The chosen time travels in the page's address and its form (tid), with the contact (arende) and the hold (hall):
a second tab that chose another time changes the flow's hold, never what this page books. A form from a flow that
has moved on (its contact already booked, or another contact begun) books nothing and says so."""

from __future__ import annotations

import hashlib
import uuid
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response

from nara.shared.web.pages import see_other

from ...domain.schedule import Slot
from ...service import appointments as use_cases
from ...service.records import AppointmentRecord, CareUnit
from ...service.unit_of_work import UnitOfWork
from ..views import appointment_view
from ..wiring import now_of, reads
from . import swedish
from .booking_steps import times_again
from .check_answers import answer_rows, booking_rows
from .common import attempt_once, free_text_error
from .kit import BookingRoute, show
from .patient_steps import booking_for, household, patient_of
from .session import Citizen, CurrentCitizen, Flow, checked_form, clear_flow, read_flow, write_flow

router = APIRouter(route_class=BookingRoute, include_in_schema=False)
GONE = {"slot_taken", "slot_not_bookable", "not_found"}
REASON_LENGTH = 500  # as the API takes it


def _slot_id(raw: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw or "")
    except ValueError:
        return None


async def _slot_and_unit(request: Request, slot_id: uuid.UUID) -> tuple[Slot | None, CareUnit | None]:
    async with reads(request) as read:
        slot = await read.slots.slot(slot_id)
        units = await read.views.care_units() if slot else []
    return slot, next((u for u in units if slot and u.hsa_id == slot.unit), None)


def _held_text(flow: Flow, slot_id: uuid.UUID, now: datetime) -> str:
    hold = flow.get("hold") or {}
    if hold.get("slot_id") == str(slot_id):
        expires = datetime.fromisoformat(hold["expires_at"])
        if expires > now:
            return f"Vi håller tiden åt dig till {swedish.clock(expires)}. Boka innan dess."
        return (
            f"Vi höll tiden åt dig till {swedish.clock(expires)}. Någon annan kan ha bokat den, "
            "men du kan försöka boka den."
        )
    return "Tiden hålls inte längre åt dig. Boka den nu, så får du den om den fortfarande är ledig."


async def _check_page(
    request: Request,
    citizen: Citizen,
    flow: Flow,
    slot_id: uuid.UUID,
    *,
    reason: str | None = None,
    error: tuple[str | None, str] | None = None,
    status_code: int = 200,
) -> Response:
    slot, unit = await _slot_and_unit(request, slot_id)
    if slot is None:
        return see_other("/tider")
    now = now_of(request)
    patient = await patient_of(request, citizen, flow)
    answers, answers_note = await answer_rows(request, citizen, flow, patient)
    hold = flow.get("hold") or {}
    times_address = flow.get("times_address") or "/tider"
    return await show(
        request,
        citizen,
        "confirm.html",
        title="Kontrollera och boka",
        flow=flow,
        active="book",
        errors=[error] if error else [],
        status_code=status_code,
        slot=slot,
        unit=unit,
        rows=booking_rows(flow, patient, slot, unit, times_address, now),
        times_address=times_address,
        answers=answers,
        answers_note=answers_note,
        held=_held_text(flow, slot.id, now),
        hold_id=hold.get("id", "") if hold.get("slot_id") == str(slot.id) else "",
        contact_id=flow["contact_id"],
        reason_required=slot.time_type.reason_required,
        reason=reason if reason is not None else flow.get("reason_title", ""),
        reason_error=error[1] if error and error[0] == "anledning" else None,
    )


@router.get("/bekrafta")
async def confirm(request: Request, citizen: CurrentCitizen, tid: str | None = None) -> Response:
    flow = read_flow(request, citizen)
    if not flow.get("contact_id"):  # a page kept open from a booking since finished: say so, never a silent jump
        return await _moved_on(request, citizen, "") if tid else see_other("/besvar")
    slot_id = _slot_id(tid) or _slot_id((flow.get("hold") or {}).get("slot_id"))
    if slot_id is None:
        return see_other("/tider")
    return await _check_page(request, citizen, flow, slot_id)


async def _moved_on(request: Request, citizen: Citizen, contact_id: str) -> Response:
    """A form from a flow that has moved on: it books nothing, and says what is booked for its contact, if anything."""
    family = await household(request, citizen)
    now = now_of(request)
    async with reads(request) as read:
        booked = [
            record
            for person in (citizen.pseudonym, *family.actor.wards)
            for record in await read.views.appointments_of_patient(person)
            if contact_id and record.contact_id == contact_id and record.is_upcoming(now)
        ]
    if booked:
        first = min(booked, key=lambda record: record.start_at)
        return await show(
            request,
            citizen,
            "moved_on.html",
            title="Du har redan bokat en tid",
            active="book",
            status_code=409,
            heading="Du har redan bokat en tid för de här besvären",
            sentence="Den tid du valde i det här fönstret bokades inte. "
            f"Din bokade tid är {swedish.when(first.start_at)}.",
            action=(f"/mina-tider/{first.id}", "Se din bokade tid"),
        )
    return await show(
        request,
        citizen,
        "moved_on.html",
        title="Tiden bokades inte",
        active="book",
        status_code=409,
        heading="Tiden bokades inte",
        sentence="Sidan hörde till en bokning som du redan har avslutat eller börjat om. Ingen tid bokades. "
        "Börja om för att boka en tid.",
        action=("/besvar", "Börja om"),
    )


@router.post("/bekrafta")
async def book(request: Request, citizen: CurrentCitizen) -> Response:
    form = await checked_form(request, citizen)
    flow = read_flow(request, citizen)
    slot_id, contact_id = _slot_id(form.get("tid")), form.get("arende") or ""
    if slot_id is None or not flow.get("contact_id") or flow["contact_id"] != contact_id:
        return await _moved_on(request, citizen, contact_id)
    reason = (form.get("anledning") or "").strip() or None
    wrong = free_text_error(reason or "", REASON_LENGTH)
    if wrong is not None:
        return await _check_page(
            request, citizen, flow, slot_id, reason=form.get("anledning"), error=("anledning", wrong), status_code=422
        )
    actor, patient = await booking_for(request, citizen, flow)

    async def action(uow: UnitOfWork) -> AppointmentRecord:
        return await use_cases.book(
            uow,
            actor,
            slot_id=slot_id,
            patient=patient,
            contact_id=contact_id,
            reason=reason,
            now=now_of(request),
            policy=request.app.state.policy,
        )

    digest = hashlib.sha256((reason or "").encode()).hexdigest()[:16]
    outcome = await attempt_once(
        request,
        citizen,
        f"book:{contact_id}:{slot_id}:{form.get('hall') or ''}:{digest}"[:200],
        {"op": "web-book", "slot_id": str(slot_id), "reason": reason},
        action,
        appointment_view,
    )
    if outcome.succeeded:
        booked = outcome.result.id if outcome.result else outcome.body["id"]  # a repeat: the first answer
        response = see_other(f"/mina-tider/{booked}?klart=bokad")
        clear_flow(response)
        return response
    message = outcome.message or "Det gick inte att boka tiden. Försök igen."
    if outcome.code in GONE:  # the time is gone: say so, and show the other times at once
        flow.pop("hold", None)
        other_times = await times_again(request, citizen, flow, message, outcome.status)
        write_flow(request, other_times, citizen, flow)
        return other_times
    field = "anledning" if outcome.code == "invalid_request" and "anledning" in form else None
    return await _check_page(
        request,
        citizen,
        flow,
        slot_id,
        reason=form.get("anledning"),
        error=(field, message),
        status_code=outcome.status,
    )
