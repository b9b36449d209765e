"""Choosing a time for the triaged contact, holding it while the citizen confirms, and booking it."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from datetime import datetime, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from nara.shared.web.pages import see_other

from ...service import appointments as use_cases
from ...service.records import AppointmentRecord, CareUnit, SlotPage
from ...service.search import SlotQuery, care_units, free_slots
from ...service.unit_of_work import UnitOfWork
from ..problems import status_of
from ..views import appointment_view
from ..wiring import now_of, reads
from . import swedish
from .common import attempt, attempt_once, free_text_error
from .kit import BookingRoute, show
from .patient_steps import booking_for
from .session import Citizen, CurrentCitizen, Flow, checked_form, clear_flow, read_flow, write_flow
from .slots import PAGE_SIZE, page_number, slot_choices

router = APIRouter(route_class=BookingRoute, include_in_schema=False)
CONTACT_WAIT = timedelta(seconds=12)  # how long the read model may take to learn a new contact from Kafka
WAIT_PER_REQUEST = 3.0
SEARCH_DAYS = 14
GONE = {"slot_taken", "slot_not_bookable", "not_found"}
REASON_LENGTH = 500  # as the API takes it


async def contact_ready(request: Request, contact_id: str) -> bool:
    async with reads(request) as read:
        contact = await read.contacts.get(contact_id)
    return contact is not None and contact.triaged


async def _wait_for_contact(request: Request, contact_id: str, seconds: float) -> bool:
    deadline = asyncio.get_running_loop().time() + seconds
    while not await contact_ready(request, contact_id):
        if asyncio.get_running_loop().time() >= deadline:
            return False
        await asyncio.sleep(0.25)
    return True


def _still_arriving(request: Request, flow: Flow) -> bool:
    """Whether the contact was registered so lately that the read model may not have it yet."""
    registered = datetime.fromisoformat(flow.get("registered_at") or now_of(request).isoformat())
    return now_of(request) - registered < CONTACT_WAIT


async def _waiting_page(request: Request, citizen: Citizen, flow: Flow) -> HTMLResponse:
    if _still_arriving(request, flow):
        response = await show(
            request,
            citizen,
            "waiting.html",
            title="Vi hämtar tider",
            flow=flow,
            active="book",
            heading="Vi hämtar tider…",
            text="Vi hämtar de tider som passar ditt ärende. Det tar bara några sekunder.",
            again="Visa tiderna",
            again_kind="secondary",
        )
        response.headers["Refresh"] = "2"  # without JavaScript the page asks again by itself, for a few seconds
        return response
    return await show(
        request,
        citizen,
        "waiting.html",
        title="Det tar längre tid än vanligt",
        flow=flow,
        active="book",
        status_code=503,
        heading="Det tar längre tid än vanligt",
        text="Vi kunde inte hämta tiderna för ditt ärende just nu. Ditt ärende är registrerat. "
        "Försök igen om en stund.",
        again="Försök igen",
        again_kind="",
    )


async def _times_page(
    request: Request,
    citizen: Citizen,
    flow: Flow,
    page_number: int = 1,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    now = now_of(request)
    query = SlotQuery(
        flow["unit"],
        now,
        now + timedelta(days=SEARCH_DAYS),
        contact_id=flow["contact_id"],
        page=page_number,
        page_size=PAGE_SIZE,
    )

    _, patient = await booking_for(request, citizen, flow)

    async def search(uow: UnitOfWork) -> tuple[SlotPage, list[CareUnit]]:
        return await free_slots(uow, query, patient=patient, by_staff=False, now=now), await care_units(uow)

    found, refused = await attempt(request, search)
    if refused is not None:
        return await show(
            request,
            citizen,
            "times.html",
            title="Du kan inte boka en tid här",
            flow=flow,
            active="book",
            status_code=status_of(refused),
            refused=refused.message,
        )
    slots, units = found
    choices = slot_choices(slots)
    return await show(
        request,
        citizen,
        "times.html",
        title="Välj en tid",
        flow=flow,
        active="book",
        errors=[("tid" if choices else None, error)] if error else [],
        status_code=status_code,
        refused=None,
        unit_name=next((u.name for u in units if u.hsa_id == flow["unit"]), ""),
        slots=slots,
        choices=choices,
        error=error,
        days=SEARCH_DAYS,
    )


@router.get("/tider")
async def times(request: Request, citizen: CurrentCitizen, sida: str | None = None) -> Response:
    flow = read_flow(request, citizen)
    if not flow.get("contact_id"):
        return see_other("/vardcentral" if flow.get("decision") else "/besvar")
    wait = WAIT_PER_REQUEST if _still_arriving(request, flow) else 0.0
    if not await _wait_for_contact(request, flow["contact_id"], wait):
        return await _waiting_page(request, citizen, flow)
    return await _times_page(request, citizen, flow, page_number(sida))


@router.get("/tider/status")
async def times_status(request: Request, citizen: CurrentCitizen) -> JSONResponse:
    """For the page's script: whether the times can be shown yet."""
    flow = read_flow(request, citizen)
    ready = bool(flow.get("contact_id")) and await contact_ready(request, flow["contact_id"])
    return JSONResponse({"ready": ready}, headers={"Cache-Control": "no-store"})


@router.post("/tider")
async def hold_time(request: Request, citizen: CurrentCitizen) -> Response:
    form = await checked_form(request, citizen)
    flow = read_flow(request, citizen)
    if not flow.get("contact_id"):
        return see_other("/besvar")
    try:
        slot_id = uuid.UUID(form.get("tid", ""))
    except ValueError:
        return await _times_page(request, citizen, flow, error="Välj en tid.", status_code=400)
    actor, patient = await booking_for(request, citizen, flow)
    held, refused = await attempt(
        request,
        lambda uow: use_cases.hold(
            uow, actor, slot_id, now_of(request), request.app.state.policy, flow["contact_id"], patient
        ),
    )
    if refused is not None:
        return await _times_page(request, citizen, flow, error=refused.message, status_code=status_of(refused))
    flow["hold"] = {"id": str(held.id), "slot_id": str(held.slot_id), "expires_at": held.expires_at.isoformat()}
    response = see_other("/bekrafta")
    write_flow(request, response, citizen, flow)
    return response


async def _confirm_page(
    request: Request,
    citizen: Citizen,
    flow: Flow,
    *,
    reason: str | None = None,
    error: tuple[str | None, str] | None = None,
    status_code: int = 200,
) -> Response:
    hold = flow["hold"]
    async with reads(request) as read:
        slot = await read.slots.slot(uuid.UUID(hold["slot_id"]))
    if slot is None:
        return see_other("/tider")
    expires = datetime.fromisoformat(hold["expires_at"])
    held = (
        f"Vi håller tiden åt dig till {swedish.clock(expires)}. Bekräfta innan dess."
        if expires > now_of(request)
        else f"Vi höll tiden åt dig till {swedish.clock(expires)}. Någon annan kan ha bokat den, "
        "men du kan försöka bekräfta den."
    )
    return await show(
        request,
        citizen,
        "confirm.html",
        title="Bekräfta din tid",
        flow=flow,
        active="book",
        errors=[error] if error else [],
        status_code=status_code,
        slot=slot,
        held=held,
        reason_required=slot.time_type.reason_required,
        reason=reason if reason is not None else flow.get("reason_title", ""),
        reason_error=error[1] if error and error[0] == "anledning" else None,
    )


@router.get("/bekrafta")
async def confirm(request: Request, citizen: CurrentCitizen) -> Response:
    flow = read_flow(request, citizen)
    if not flow.get("hold"):
        return see_other("/tider" if flow.get("contact_id") else "/besvar")
    return await _confirm_page(request, citizen, flow)


@router.post("/bekrafta")
async def book(request: Request, citizen: CurrentCitizen) -> Response:
    form = await checked_form(request, citizen)
    flow = read_flow(request, citizen)
    if not flow.get("hold"):
        return see_other("/tider" if flow.get("contact_id") else "/besvar")
    slot_id, reason = uuid.UUID(flow["hold"]["slot_id"]), (form.get("anledning") or "").strip() or None
    wrong = free_text_error(reason or "", REASON_LENGTH)
    if wrong is not None:
        return await _confirm_page(
            request, citizen, flow, reason=form.get("anledning"), error=("anledning", wrong), status_code=422
        )
    actor, patient = await booking_for(request, citizen, flow)

    async def action(uow: UnitOfWork) -> AppointmentRecord:
        return await use_cases.book(
            uow,
            actor,
            slot_id=slot_id,
            patient=patient,
            contact_id=flow["contact_id"],
            reason=reason,
            now=now_of(request),
            policy=request.app.state.policy,
        )

    digest = hashlib.sha256((reason or "").encode()).hexdigest()[:16]
    outcome = await attempt_once(
        request,
        citizen,
        f"book:{flow['hold']['id']}:{digest}",
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
        other_times = await _times_page(request, citizen, flow, error=message, status_code=outcome.status)
        write_flow(request, other_times, citizen, flow)
        return other_times
    field = "anledning" if outcome.code == "invalid_request" and "anledning" in form else None
    return await _confirm_page(
        request, citizen, flow, reason=form.get("anledning"), error=(field, message), status_code=outcome.status
    )
