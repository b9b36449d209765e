"""Att flytta (/personal/schema/att-flytta): bookings on times a change withdrew (a closure, an absence, changed
hours). Staff move each to a free time of the same profession, or cancel it, through the usual rebook and cancel
use cases, which tell the patient; once moved or cancelled it leaves the list. Every booking shown is access-logged
(patientdatalagen)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from nara.shared.identity import record_staff_read
from nara.shared.web.pages import Choice, see_other
from nara.shared.web.session import Form
from nara.shared.web.swedish import clock_time, date_time

from ...adapters.unit_of_work import PostgresUnitOfWork
from ...domain.errors import BookingRefused, NotFound
from ...domain.hours import WithdrawalReason
from ...service import appointments, hours
from ...service.ports import DisplacedBooking
from ...service.search import SlotQuery, free_slots
from ...service.unit_of_work import UnitOfWork
from ..problems import status_of
from ..wiring import now_of, unit_of_work
from .hours_common import Errors
from .kit import HOME, LOGIN, CurrentDesk, Desk, StaffRoute, page

router = APIRouter(prefix=HOME, route_class=StaffRoute, include_in_schema=False)
SEARCH_DAYS = 14
MAX_TIMES = 40
DONE = {
    "flyttad": "Bokningen är flyttad och patienten meddelas.",
    "avbokad": "Bokningen är avbokad och patienten meddelas.",
}


@router.get("/att-flytta")
async def bookings_to_move(
    request: Request, desk: CurrentDesk, klart: Annotated[str | None, Query(max_length=20)] = None
) -> Response:
    now = now_of(request)
    async with unit_of_work(request) as uow:
        found = await hours.bookings_to_move(uow, desk.requester, desk.unit, now)
        for booking in found:
            await _log_read(uow, desk, booking, "list bookings to move", now)
    return page(
        request,
        desk,
        "to_move_list.html",
        title="Bokningar att flytta",
        active="att-flytta",
        done=DONE.get(klart or "", ""),
        bookings=found,
        reasons=_reason_texts(),
    )


@router.get("/att-flytta/{appointment_id}")
async def move_page(request: Request, desk: CurrentDesk, appointment_id: uuid.UUID) -> Response:
    return await _move_page(request, desk, appointment_id, {}, [])


@router.post("/att-flytta/{appointment_id}")
async def move(request: Request, desk: CurrentDesk, appointment_id: uuid.UUID) -> Response:
    form = _values(await LOGIN.checked_form(request, desk.staff))
    chosen = form.get("tid", "")
    try:
        slot_id = uuid.UUID(chosen)
    except ValueError:
        return await _move_page(request, desk, appointment_id, form, [("tid", "Välj en ny tid.")], status_code=422)
    try:
        async with unit_of_work(request) as uow:
            await _displaced(uow, desk, appointment_id, now_of(request))
            await appointments.rebook(uow, desk.requester, appointment_id, new_slot_id=slot_id, now=now_of(request))
    except BookingRefused as refused:
        if isinstance(refused, NotFound):
            raise
        return await _move_page(
            request, desk, appointment_id, form, [("tid", refused.message)], status_code=status_of(refused)
        )
    return see_other(desk.link("/att-flytta", klart="flyttad"))


@router.post("/att-flytta/{appointment_id}/avboka")
async def cancel(request: Request, desk: CurrentDesk, appointment_id: uuid.UUID) -> Response:
    form = _values(await LOGIN.checked_form(request, desk.staff))
    reason = form.get("anledning", "").strip()
    if not reason:
        errors: Errors = [("anledning", "Skriv varför tiden avbokas. Patienten får se anledningen.")]
        return await _move_page(request, desk, appointment_id, form, errors, status_code=422)
    try:
        async with unit_of_work(request) as uow:
            await _displaced(uow, desk, appointment_id, now_of(request))
            await appointments.cancel(uow, desk.requester, appointment_id, reason=reason, now=now_of(request))
    except BookingRefused as refused:
        if isinstance(refused, NotFound):
            raise
        errors = [("anledning", refused.message)]
        return await _move_page(request, desk, appointment_id, form, errors, status_code=status_of(refused))
    return see_other(desk.link("/att-flytta", klart="avbokad"))


async def _move_page(
    request: Request,
    desk: Desk,
    appointment_id: uuid.UUID,
    values: dict[str, str],
    errors: Errors,
    *,
    status_code: int = 200,
) -> Response:
    now = now_of(request)
    async with unit_of_work(request) as uow:
        booking = await _displaced(uow, desk, appointment_id, now)
        record = await appointments.visible_appointment(uow, desk.requester, appointment_id)
        await _log_read(uow, desk, booking, "open booking to move", now)
        query = SlotQuery(desk.unit, now, now + timedelta(days=SEARCH_DAYS), profession=record.profession)
        found = await free_slots(
            uow,
            SlotQuery(**{**query.__dict__, "page_size": MAX_TIMES}),
            patient=None,
            by_staff=True,
            now=now,
            units=desk.requester.units,
        )
    times = [
        Choice(
            str(slot.id),
            f"{date_time(slot.start_at, separator=':')}–{clock_time(slot.end_at, ':')}",
            f"{slot.practitioner_name}, {slot.time_type_name}",
        )
        for slot in found.slots
    ]
    return page(
        request,
        desk,
        "to_move_booking.html",
        title="Flytta bokningen",
        active="att-flytta",
        errors=errors,
        status_code=status_code,
        booking=booking,
        record=record,
        reason=_reason_texts().get(booking.withdrawn_reason, "Tiden finns inte längre i schemat"),
        times=times,
        search_days=SEARCH_DAYS,
        values=values,
    )


async def _displaced(uow: UnitOfWork, desk: Desk, appointment_id: uuid.UUID, now: datetime) -> DisplacedBooking:
    found = [
        b
        for b in await hours.bookings_to_move(uow, desk.requester, desk.unit, now)
        if b.appointment_id == appointment_id
    ]
    if not found:
        raise NotFound("Bokningen finns inte bland dem att flytta: den kan redan vara flyttad eller avbokad.")
    return found[0]


async def _log_read(uow: PostgresUnitOfWork, desk: Desk, booking: DisplacedBooking, action: str, now: datetime) -> None:
    await record_staff_read(
        uow.connection,
        desk.staff.caller,
        patient=booking.patient,
        action=action,
        resource=f"appointment/{booking.appointment_id}",
        at=now,
    )


def _values(form: Form) -> dict[str, str]:
    return {name: str(form.get(name) or "") for name in ("tid", "anledning")}


def _reason_texts() -> dict[str, str]:
    return {reason.value: reason.swedish for reason in WithdrawalReason}
