"""'Mina tider': the citizen's times, and rebooking or cancelling one of them."""

from __future__ import annotations

import uuid
from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ...domain.appointment import AppointmentStatus
from ...service import appointments as use_cases
from ...service.records import AppointmentRecord
from ...service.search import SlotQuery, free_slots
from ...service.unit_of_work import UnitOfWork
from ..views import appointment_view
from ..wiring import reads
from . import swedish
from .common import PageRoute, attempt, attempt_once, free_text_error, now_of, problem_page, show
from .next_step import cancel_text
from .patient_steps import household
from .rendering import Option, Safe, button, field_id, fmt, hidden, join, link_button, radios, render, textarea
from .session import Citizen, CurrentCitizen, checked_form
from .slots import PAGE_SIZE, pagination, slot_choices

router = APIRouter(route_class=PageRoute, include_in_schema=False)
DONE = {"bokad": "Din tid är bokad", "ombokad": "Din tid är flyttad", "avbokad": "Tiden är avbokad"}
CANCEL_REASONS = [
    ("battre", "Jag mår bättre"),
    ("kan-inte", "Jag kan inte komma på den tiden"),
    ("annan-vard", "Jag har fått hjälp någon annanstans"),
    ("annat", "Av en annan anledning"),
]
SEARCH_DAYS = 14
MORE_LENGTH = 400  # with the chosen reason's label it stays within the API's 500


def _success(done: str | None) -> Safe:
    if done not in DONE:
        return Safe("")
    return fmt('<div class="success-banner" role="status"><p class="success-title">$text</p></div>', text=DONE[done])


def _summary(record: AppointmentRecord) -> Safe:
    return render(
        "appointment_summary.html",
        when=swedish.when_span(record.start_at, record.end_at),
        unit=record.unit_name,
        address=record.unit_address,
        status=swedish.status(record.status),
        practitioner=f"{record.practitioner_name}, {swedish.profession(record.profession)}",
        kind=f"{record.time_type_name} ({swedish.contact_form(record.contact_form).lower()})",
    )


def _card(record: AppointmentRecord, *, upcoming: bool, whose: str | None = None) -> Safe:
    moment = swedish.when(record.start_at)
    for_child = fmt('<p><strong class="tag">$name</strong></p>', name=f"För {whose}") if whose else Safe("")
    actions = (
        fmt(
            '<p class="card-actions"><a href="/mina-tider/$id">Visa, omboka eller avboka<span '
            'class="visually-hidden"> tiden $moment</span></a></p>',
            id=str(record.id),
            moment=moment,
        )
        if upcoming
        else Safe("")
    )
    return fmt(
        '<li class="card"><h3 class="heading-s">$moment</h3>$child<p>$kind hos $who</p><p>$unit</p>'
        "$status$actions</li>",
        child=for_child,
        moment=moment,
        kind=record.time_type_name,
        who=record.practitioner_name,
        unit=record.unit_name,
        status=Safe("")
        if upcoming
        else fmt('<p><strong class="tag tag-grey">$s</strong></p>', s=swedish.status(record.status)),
        actions=actions,
    )


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
    upcoming_html = (
        fmt(
            '<ul class="cards">$items</ul>',
            items=join(_card(r, upcoming=True, whose=family.whose(r.patient)) for r in upcoming),
        )
        if upcoming
        else fmt(
            '<p class="body">Du har inga bokade tider.</p>$book', book=link_button("/besvar", "Beskriv dina besvär")
        )
    )
    earlier_html = (
        fmt(
            '<h2 class="heading-m">Tidigare och avbokade tider</h2><ul class="cards">$items</ul>',
            items=join(_card(r, upcoming=False, whose=family.whose(r.patient)) for r in reversed(earlier)),
        )
        if earlier
        else Safe("")
    )
    body = fmt(
        '<h1 class="heading-l">Mina tider</h1><h2 class="heading-m">Kommande tider</h2>$upcoming$earlier',
        upcoming=upcoming_html,
        earlier=earlier_html,
    )
    return await show(request, citizen, title="Mina tider", body=body, active="mine", banner=_success(klart))


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


@router.get("/mina-tider/{appointment_id}")
async def one_time(
    request: Request, citizen: CurrentCitizen, appointment_id: str, klart: str | None = None
) -> HTMLResponse:
    record = await _appointment(request, citizen, appointment_id)
    if record is None:
        return _not_found(request)
    now = now_of(request)
    async with reads(request) as read:
        slot = await read.slots.slot(record.slot_id)
        history = [
            a
            for a in await read.views.appointments_of_patient(record.patient)
            if a.lineage == record.lineage and a.id != record.id
        ]
    changeable = record.is_upcoming(now)
    actions = (
        fmt(
            '<p class="body">$cancel</p><div class="button-group">$rebook$cancel_button</div>',
            cancel=cancel_text(record, slot.time_type if slot else None, now),
            rebook=link_button(f"/mina-tider/{record.id}/omboka", "Omboka"),
            cancel_button=link_button(f"/mina-tider/{record.id}/avboka", "Avboka", secondary=True),
        )
        if changeable
        else Safe("")
    )
    earlier = (
        fmt(
            '<h2 class="heading-m">Tidigare tider för samma besök</h2><ul class="list">$items</ul>',
            items=join(
                fmt("<li>$when: $status</li>", when=swedish.when(a.start_at), status=swedish.status(a.status))
                for a in history
            ),
        )
        if history
        else Safe("")
    )
    body = fmt(
        '<span class="caption">Mina tider</span><h1 class="heading-l">$title</h1>$summary$actions'
        '$earlier<p class="body"><a href="/mina-tider">Alla dina tider</a></p>',
        title=swedish.when(record.start_at),
        summary=_summary(record),
        actions=actions,
        earlier=earlier,
    )
    return await show(request, citizen, title="Din tid", body=body, active="mine", banner=_success(klart))


async def _rebook_page(
    request: Request,
    citizen: Citizen,
    record: AppointmentRecord,
    page_number: int = 1,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    now = now_of(request)
    query = SlotQuery(
        record.unit,
        now,
        now + timedelta(days=SEARCH_DAYS),
        profession=record.profession,
        contact_id=record.contact_id,
        page=page_number,
        page_size=PAGE_SIZE,
    )
    found, refused = await attempt(
        request, lambda c: free_slots(c, query, patient=record.patient, by_staff=False, now=now)
    )
    base = f"/mina-tider/{record.id}/omboka"
    heading = fmt(
        '<span class="caption">Omboka</span><h1 class="heading-l">Välj en ny tid</h1>'
        '<div class="inset"><p>Din tid nu: $when, $unit. Den gamla tiden släpps först när den nya är '
        "bokad.</p></div>",
        when=swedish.when(record.start_at),
        unit=record.unit_name,
    )
    if refused is not None or not found.slots:
        text = (
            refused.message
            if refused
            else "Det finns inga andra lediga tider de närmaste två veckorna. "
            "Ring vårdcentralen om du behöver en annan tid."
        )
        body = fmt(
            '$heading<p class="body">$text</p>$more<p class="body"><a href="/mina-tider/$id">Behåll din tid</a></p>',
            heading=heading,
            text=text,
            id=str(record.id),
            more=pagination(base, found) if found else Safe(""),
        )
        return await show(
            request,
            citizen,
            title="Välj en ny tid",
            body=body,
            active="mine",
            errors=[(None, error)] if error else [],
            status_code=status_code,
        )
    body = render(
        "form_page.html",
        heading=heading,
        intro=Safe(""),
        action=base,
        csrf=join([hidden("csrf", citizen.csrf), hidden("nyckel", str(uuid.uuid4()))]),
        fields=slot_choices(found, error=error, legend="Lediga tider"),
        buttons=button("Flytta min tid"),
        after=join(
            [
                pagination(base, found),
                fmt('<p class="body"><a href="/mina-tider/$id">Behåll din tid</a></p>', id=str(record.id)),
            ]
        ),
    )
    return await show(
        request,
        citizen,
        title="Välj en ny tid",
        body=body,
        active="mine",
        errors=[(field_id("tid"), error)] if error else [],
        status_code=status_code,
    )


@router.get("/mina-tider/{appointment_id}/omboka")
async def rebook_form(
    request: Request, citizen: CurrentCitizen, appointment_id: str, sida: str | None = None
) -> Response:
    record = await _appointment(request, citizen, appointment_id)
    if record is None:
        return _not_found(request)
    if not record.is_active:
        return RedirectResponse(f"/mina-tider/{record.id}", status_code=303)
    page_number = int(sida) if sida and sida.isdigit() and 0 < int(sida) < 1000 else 1
    return await _rebook_page(request, citizen, record, page_number)


@router.post("/mina-tider/{appointment_id}/omboka")
async def rebook(request: Request, citizen: CurrentCitizen, appointment_id: str) -> Response:
    form = await checked_form(request, citizen)
    record = await _appointment(request, citizen, appointment_id)
    if record is None:
        return _not_found(request)
    try:
        new_slot = uuid.UUID(form.get("tid", ""))
    except ValueError:
        return await _rebook_page(request, citizen, record, error="Välj en ny tid.", status_code=400)
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
        return RedirectResponse(f"/mina-tider/{moved}?klart=ombokad", status_code=303)
    return await _rebook_page(request, citizen, record, error=outcome.message, status_code=outcome.status)


def _reason_options() -> list[Option]:
    return [Option(value, label) for value, label in CANCEL_REASONS]


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
    fields = join(
        [
            radios(
                "orsak",
                "Varför avbokar du?",
                _reason_options(),
                checked=chosen,
                error=error[1] if error and error[0] == "orsak" else None,
            ),
            textarea(
                "mer",
                "Berätta gärna mer (frivilligt)",
                value=more,
                hint="Skriv inte personnummer eller andra uppgifter som visar vem du är.",
                error=error[1] if error and error[0] == "mer" else None,
            ),
        ]
    )
    heading = fmt(
        '<span class="caption">Avboka</span><h1 class="heading-l">Vill du avboka tiden?</h1>$summary',
        summary=_summary(record),
    )
    body = render(
        "form_page.html",
        heading=heading,
        intro=Safe(""),
        action=f"/mina-tider/{record.id}/avboka",
        csrf=join([hidden("csrf", citizen.csrf), hidden("nyckel", str(uuid.uuid4()))]),
        fields=fields,
        buttons=join(
            [
                button("Avboka tiden", warning=True),
                fmt('<a class="link-inline" href="/mina-tider/$id">Behåll tiden</a>', id=str(record.id)),
            ]
        ),
        after=Safe(""),
    )
    anchor = field_id(error[0]) if error and error[0] in ("orsak", "mer") else None
    return await show(
        request,
        citizen,
        title="Avboka tiden",
        body=body,
        active="mine",
        errors=[(anchor, error[1])] if error else [],
        status_code=status_code,
    )


@router.get("/mina-tider/{appointment_id}/avboka")
async def cancel_form(request: Request, citizen: CurrentCitizen, appointment_id: str) -> Response:
    record = await _appointment(request, citizen, appointment_id)
    if record is None:
        return _not_found(request)
    if not record.is_active:
        return RedirectResponse(f"/mina-tider/{record.id}", status_code=303)
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
        return RedirectResponse("/mina-tider?klart=avbokad", status_code=303)
    return await _cancel_page(
        request,
        citizen,
        record,
        chosen=chosen,
        more=more,
        error=(None, outcome.message or "Det gick inte att avboka tiden."),
        status_code=outcome.status,
    )
