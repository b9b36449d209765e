"""Choosing a time for the triaged contact (filtered by day, part of the day and contact form) and holding it while
the citizen checks their answers (confirm_steps.py)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from nara.shared.clock import to_stockholm
from nara.shared.web.pages import see_other

from ...service import appointments as use_cases
from ...service.records import CareUnit, SlotPage
from ...service.search import SlotQuery, care_units, free_slots
from ...service.unit_of_work import UnitOfWork
from ..problems import status_of
from ..wiring import now_of, reads
from . import swedish
from .common import attempt
from .kit import BookingRoute, show
from .patient_steps import booking_for
from .session import Citizen, CurrentCitizen, Flow, checked_form, read_flow, write_flow
from .slots import PAGE_SIZE, slot_choices
from .time_filters import TimeFilter, contact_form_options, day_part_options, quick_days, read_filter
from .waitlist_steps import address_of as waitlist_address

router = APIRouter(route_class=BookingRoute, include_in_schema=False)
CONTACT_WAIT = timedelta(seconds=12)  # how long the read model may take to learn a new contact from Kafka
WAIT_PER_REQUEST = 3.0


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
    chosen: TimeFilter,
    *,
    error: str | None = None,
    date_error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """The free times for the flow's contact, filtered as the citizen chose; an error keeps the filter and page."""
    now = now_of(request)
    today = to_stockholm(now).date()
    date_from, date_to = chosen.window(now)
    query = SlotQuery(
        flow["unit"],
        date_from,
        date_to,
        contact_form=chosen.contact_form or None,
        contact_id=flow["contact_id"],
        page=chosen.page,
        page_size=PAGE_SIZE,
        day_part=chosen.part,
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
    unit = next((u for u in units if u.hsa_id == flow["unit"]), None)
    choices = slot_choices(slots, now, unit.phone if unit else "")
    errors: list[tuple[str | None, str]] = [("datum", date_error)] if date_error else []
    errors += [("tid" if choices else None, error)] if error else []
    return await show(
        request,
        citizen,
        "times.html",
        title="Välj en tid",
        flow=flow,
        active="book",
        errors=errors,
        status_code=status_code,
        refused=None,
        unit=unit,
        slots=slots,
        choices=choices,
        error=error,
        date_error=date_error,
        chosen=chosen,
        first_day=swedish.day(date_from),
        last_day=swedish.day(date_to),
        later=chosen.address(day=to_stockholm(date_to).date(), page=1),
        quick_days=quick_days(chosen, today),
        day_parts=day_part_options(),
        contact_forms=contact_form_options(),
        earlier_time=waitlist_address(flow["contact_id"]),
    )


@router.get("/tider")
async def times(request: Request, citizen: CurrentCitizen) -> Response:
    flow = read_flow(request, citizen)
    if not flow.get("contact_id"):
        return see_other("/vardcentral" if flow.get("decision") else "/besvar")
    wait = WAIT_PER_REQUEST if _still_arriving(request, flow) else 0.0
    if not await _wait_for_contact(request, flow["contact_id"], wait):
        return await _waiting_page(request, citizen, flow)
    chosen, date_error = read_filter(request.query_params, to_stockholm(now_of(request)).date())
    return await _times_page(
        request, citizen, flow, chosen, date_error=date_error, status_code=400 if date_error else 200
    )


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
    chosen, _ = read_filter(form, to_stockholm(now_of(request)).date())  # the list's filter and page, kept
    try:
        slot_id = uuid.UUID(form.get("tid", ""))
    except ValueError:
        return await _times_page(request, citizen, flow, chosen, error="Välj en tid.", status_code=400)
    actor, patient = await booking_for(request, citizen, flow)
    held, refused = await attempt(
        request,
        lambda uow: use_cases.hold(
            uow, actor, slot_id, now_of(request), request.app.state.policy, flow["contact_id"], patient
        ),
    )
    if refused is not None:
        return await _times_page(request, citizen, flow, chosen, error=refused.message, status_code=status_of(refused))
    flow["hold"] = {"id": str(held.id), "slot_id": str(held.slot_id), "expires_at": held.expires_at.isoformat()}
    flow["times_address"] = chosen.address()
    # The time travels in the address: a second tab choosing another time cannot change what this page books.
    response = see_other(f"/bekrafta?tid={held.slot_id}")
    write_flow(request, response, citizen, flow)
    return response


async def times_again(request: Request, citizen: Citizen, flow: Flow, message: str, status_code: int) -> HTMLResponse:
    """The list again, first page, saying why the chosen time could not be booked (it is gone)."""
    chosen, _ = read_filter({}, to_stockholm(now_of(request)).date())
    return await _times_page(request, citizen, flow, chosen, error=message, status_code=status_code)
