"""'Mina tider': the citizen's times, and rebooking or cancelling one of them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from nara.shared.clock import to_stockholm
from nara.shared.web.pages import choices, see_other

from ...domain.appointment import AppointmentStatus
from ...domain.reference import booking_reference
from ...domain.web_changes import WebChangeTerms, terms_of
from ...service import appointments as use_cases
from ...service.records import AppointmentRecord, CareUnit
from ...service.search import SlotQuery, free_slots
from ...service.unit_of_work import UnitOfWork
from ..calendar_file import calendar_response
from ..views import appointment_view
from ..wiring import now_of, reads
from . import swedish
from .common import attempt, attempt_once, free_text_error
from .kit import BookingRoute, problem_page, show
from .patient_steps import household
from .session import Citizen, CurrentCitizen, checked_form
from .slots import PAGE_SIZE, change_text, slot_choices
from .time_filters import TimeFilter, contact_form_options, day_part_options, quick_days, read_filter
from .waitlist_steps import address_of as waitlist_address

router = APIRouter(route_class=BookingRoute, include_in_schema=False)
DONE = {"bokad": "Din tid är bokad", "ombokad": "Din tid är flyttad", "avbokad": "Tiden är avbokad"}
CANCEL_REASONS = [
    ("battre", "Jag mår bättre"),
    ("kan-inte", "Jag kan inte komma på den tiden"),
    ("annan-vard", "Jag har fått hjälp någon annanstans"),
    ("annat", "Av en annan anledning"),
]
MORE_LENGTH = 400  # with the chosen reason's label it stays within the API's 500


@dataclass(frozen=True)
class Card:
    """One time on "Mina tider"; `whose` is the child's name for a child's time."""

    record: AppointmentRecord
    whose: str | None
    changeable: bool = False  # can still be cancelled or rebooked on the web (else the time's page gives the phone)


async def web_changeable(request: Request, records: list[AppointmentRecord], now: datetime) -> set[uuid.UUID]:
    """The times among `records` the citizen can still cancel or rebook on the web (else only by phone)."""
    async with reads(request) as read:
        slots = {r.id: await read.slots.slot(r.slot_id) for r in records}
    return {r.id for r in records if (slot := slots[r.id]) and terms_of(slot.time_type, r.start_at).any_change(now)}


@router.get("/mina-tider")
async def my_times(request: Request, citizen: CurrentCitizen, klart: str | None = None) -> HTMLResponse:
    now = now_of(request)
    family = await household(request, citizen)
    async with reads(request) as read:
        records = [
            r
            for person in (citizen.pseudonym, *family.actor.wards)
            for r in await read.views.appointments_of_patient(person)
        ]
    records.sort(key=lambda r: r.start_at)
    upcoming = [r for r in records if r.is_upcoming(now)]
    earlier = [r for r in records if r not in upcoming and r.status is not AppointmentStatus.REBOOKED]
    changeable = await web_changeable(request, upcoming, now)
    return await show(
        request,
        citizen,
        "my_times.html",
        title="Mina tider",
        active="mine",
        done=DONE.get(klart or ""),
        upcoming=[Card(r, family.whose(r.patient), r.id in changeable) for r in upcoming],
        earlier=[Card(r, family.whose(r.patient)) for r in reversed(earlier)],
    )


async def _appointment(request: Request, citizen: Citizen, appointment_id: str) -> AppointmentRecord | None:
    try:
        wanted = uuid.UUID(appointment_id)
    except ValueError:
        return None
    actor = (await household(request, citizen)).actor
    found, refused = await attempt(request, lambda c: use_cases.visible_appointment(c, actor, wanted))
    return None if refused is not None else found


def _not_found(request: Request) -> HTMLResponse:
    return problem_page(
        request,
        "Vi hittar ingen sådan tid",
        "Vi hittar ingen sådan tid. Se dina tider under Mina tider.",
        status_code=404,
        action=("/mina-tider", "Mina tider"),
        step="Se dina tider under Mina tider.",
    )


async def _unit(request: Request, hsa_id: str) -> CareUnit | None:
    async with reads(request) as read:
        return next((u for u in await read.views.care_units() if u.hsa_id == hsa_id), None)


async def _terms(request: Request, record: AppointmentRecord) -> WebChangeTerms:
    """The time's web change terms, from its time type; none when the slot cannot be read (ring the unit)."""
    async with reads(request) as read:
        slot = await read.slots.slot(record.slot_id)
    return terms_of(slot.time_type, record.start_at) if slot else WebChangeTerms(None, None)


@router.get("/mina-tider/{appointment_id}")
async def one_time(
    request: Request, citizen: CurrentCitizen, appointment_id: str, klart: str | None = None
) -> HTMLResponse:
    record = await _appointment(request, citizen, appointment_id)
    if record is None:
        return _not_found(request)
    now = now_of(request)
    async with reads(request) as read:
        history = [
            a
            for a in await read.views.appointments_of_patient(record.patient)
            if a.lineage == record.lineage and a.id != record.id
        ]
    terms, unit = await _terms(request, record), await _unit(request, record.unit)
    upcoming = record.is_upcoming(now)
    return await show(
        request,
        citizen,
        "appointment.html",
        title="Din tid är bokad" if klart == "bokad" else "Din tid",
        active="mine",
        done=DONE.get(klart or ""),
        just_booked=klart == "bokad",
        record=record,
        reference=booking_reference(record.id),
        unit=unit,
        upcoming=upcoming,
        what_happens=what_happens_next(record) if upcoming else "",
        change=change_text(terms, now, unit.phone if unit else "") if upcoming else "",
        may_cancel=upcoming and terms.may_cancel(now),
        may_rebook=upcoming and terms.may_rebook(now),
        history=history,
        earlier_time=waitlist_address(record.contact_id) if upcoming and record.contact_id else None,
    )


@router.get("/mina-tider/{appointment_id}/kalender.ics")
async def calendar_file(request: Request, citizen: CurrentCitizen, appointment_id: str) -> Response:
    """The time as a calendar file, behind the same login as the page that links to it."""
    record = await _appointment(request, citizen, appointment_id)
    if record is None:
        return _not_found(request)
    return calendar_response(record, await _unit(request, record.unit), now_of(request))


def what_happens_next(record: AppointmentRecord) -> str:
    """What the citizen does, and what the care does, for this kind of visit."""
    moment = swedish.when(record.start_at)
    who = record.practitioner_name
    return {
        "home": f"{who} kommer hem till dig {moment}. Se till att någon kan öppna.",
        "phone": f"{who} ringer dig {moment}. Ha telefonen nära till hands. Samtalet kan komma från ett dolt nummer.",
        "video": f"Ditt videobesök hos {who} börjar {moment}. Vårdcentralen berättar hur du ansluter.",
        "chat_letter": f"Du får svar av {who} {swedish.day(record.start_at)}.",
    }.get(
        record.contact_form,
        f"Kom till {record.unit_name}, {record.unit_address}, några minuter före {swedish.clock(record.start_at)} "
        f"{swedish.day(record.start_at)}. Ta med legitimation.",
    )


async def _rebook_page(
    request: Request,
    citizen: Citizen,
    record: AppointmentRecord,
    chosen: TimeFilter,
    *,
    error: str | None = None,
    date_error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    """Free times for the same profession at the same unit, found as on the booking list (day, part, form)."""
    now = now_of(request)
    base = f"/mina-tider/{record.id}/omboka"
    date_from, date_to = chosen.window(now)  # to a Stockholm midnight, so the list's end can be said
    query = SlotQuery(
        record.unit,
        date_from,
        date_to,
        profession=record.profession,
        contact_form=chosen.contact_form or None,
        contact_id=record.contact_id,
        page=chosen.page,
        page_size=PAGE_SIZE,
        day_part=chosen.part,
    )
    found, refused = await attempt(
        request, lambda c: free_slots(c, query, patient=record.patient, by_staff=False, now=now)
    )
    unit = await _unit(request, record.unit)
    ring = f"Ring vårdcentralen på {unit.phone}" if unit and unit.phone else "Ring vårdcentralen"
    last_day = swedish.day(date_to)
    mine = " som passar dina val" if chosen.narrowed else ""
    text = (
        refused.message
        if refused
        else f"Inga andra lediga tider{mine} före {last_day}. {ring} om du behöver en annan tid."
    )
    options = slot_choices(found, now, unit.phone if unit else "") if refused is None else []
    errors: list[tuple[str | None, str]] = [("datum", date_error)] if date_error else []
    errors += [("tid" if options else None, error)] if error else []
    return await show(
        request,
        citizen,
        "rebook.html",
        title="Välj en ny tid",
        active="mine",
        errors=errors,
        status_code=status_code,
        record=record,
        unit=unit,
        slots=found,
        choices=options,
        error=error,
        text=text,
        last_day=last_day,
        base=base,
        chosen=chosen,
        date_error=date_error,
        first_day=swedish.day(date_from),
        later=chosen.address(base, day=to_stockholm(date_to).date(), page=1),
        quick_days=quick_days(chosen, to_stockholm(now).date(), base),
        day_parts=day_part_options(),
        contact_forms=contact_form_options(),
        key=str(uuid.uuid4()),
    )


@router.get("/mina-tider/{appointment_id}/omboka")
async def rebook_form(request: Request, citizen: CurrentCitizen, appointment_id: str) -> Response:
    record = await _appointment(request, citizen, appointment_id)
    if record is None:
        return _not_found(request)
    if not record.is_active or not (await _terms(request, record)).may_rebook(now_of(request)):
        return see_other(f"/mina-tider/{record.id}")  # it says why, and the unit's phone number
    chosen, date_error = read_filter(request.query_params, to_stockholm(now_of(request)).date())
    return await _rebook_page(
        request, citizen, record, chosen, date_error=date_error, status_code=400 if date_error else 200
    )


@router.post("/mina-tider/{appointment_id}/omboka")
async def rebook(request: Request, citizen: CurrentCitizen, appointment_id: str) -> Response:
    form = await checked_form(request, citizen)
    record = await _appointment(request, citizen, appointment_id)
    if record is None:
        return _not_found(request)
    chosen, _ = read_filter(form, to_stockholm(now_of(request)).date())  # the list's filter and page, kept
    try:
        new_slot = uuid.UUID(form.get("tid", ""))
    except ValueError:
        return await _rebook_page(request, citizen, record, chosen, error="Välj en ny tid.", status_code=400)
    actor = (await household(request, citizen)).actor

    async def action(uow: UnitOfWork) -> AppointmentRecord:
        return await use_cases.rebook(uow, actor, record.id, new_slot_id=new_slot, now=now_of(request))

    outcome = await attempt_once(
        request,
        citizen,
        f"rebook:{form.get('nyckel') or uuid.uuid4()}",
        {"op": "web-rebook", "id": str(record.id), "slot_id": str(new_slot)},
        action,
        appointment_view,
    )
    if outcome.succeeded:
        moved = outcome.result.id if outcome.result else outcome.body["id"]  # a repeat: the first answer
        return see_other(f"/mina-tider/{moved}?klart=ombokad")
    return await _rebook_page(request, citizen, record, chosen, error=outcome.message, status_code=outcome.status)


async def _cancel_page(
    request: Request,
    citizen: Citizen,
    record: AppointmentRecord,
    *,
    chosen: str | None = None,
    more: str = "",
    error: tuple[str | None, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    field = error[0] if error and error[0] in ("orsak", "mer") else None
    return await show(
        request,
        citizen,
        "cancel.html",
        title="Avboka tiden",
        active="mine",
        errors=[(field, error[1])] if error else [],
        status_code=status_code,
        record=record,
        reasons=choices(CANCEL_REASONS),
        chosen=chosen,
        more=more,
        reason_error=error[1] if error and field == "orsak" else None,
        more_error=error[1] if error and field == "mer" else None,
        key=str(uuid.uuid4()),
    )


@router.get("/mina-tider/{appointment_id}/avboka")
async def cancel_form(request: Request, citizen: CurrentCitizen, appointment_id: str) -> Response:
    record = await _appointment(request, citizen, appointment_id)
    if record is None:
        return _not_found(request)
    if not record.is_active or not (await _terms(request, record)).may_cancel(now_of(request)):
        return see_other(f"/mina-tider/{record.id}")  # it says why, and the unit's phone number
    return await _cancel_page(request, citizen, record)


@router.post("/mina-tider/{appointment_id}/avboka")
async def cancel(request: Request, citizen: CurrentCitizen, appointment_id: str) -> Response:
    form = await checked_form(request, citizen)
    record = await _appointment(request, citizen, appointment_id)
    if record is None:
        return _not_found(request)
    chosen, more = form.get("orsak"), (form.get("mer") or "").strip()
    label = dict(CANCEL_REASONS).get(chosen or "")
    if label is None:
        return await _cancel_page(
            request, citizen, record, more=more, error=("orsak", "Välj varför du avbokar."), status_code=400
        )
    wrong = free_text_error(more, MORE_LENGTH)  # the reason travels in the cancelled event
    if wrong is not None:
        return await _cancel_page(
            request, citizen, record, chosen=chosen, more=more, error=("mer", wrong), status_code=422
        )
    reason = f"{label}: {more}" if more else label
    actor = (await household(request, citizen)).actor

    async def action(uow: UnitOfWork) -> AppointmentRecord:
        return await use_cases.cancel(uow, actor, record.id, reason=reason, now=now_of(request))

    outcome = await attempt_once(
        request,
        citizen,
        f"cancel:{form.get('nyckel') or uuid.uuid4()}",
        {"op": "web-cancel", "id": str(record.id), "reason": reason},
        action,
        appointment_view,
    )
    if outcome.succeeded:
        return see_other("/mina-tider?klart=avbokad")
    return await _cancel_page(
        request,
        citizen,
        record,
        chosen=chosen,
        more=more,
        error=(None, outcome.message or "Det gick inte att avboka tiden."),
        status_code=outcome.status,
    )
