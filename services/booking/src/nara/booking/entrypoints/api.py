"""The booking REST API (/api/v1): it translates HTTP into use cases and back, and holds no rules."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime, timedelta
from typing import Annotated, Any, TypeVar

import asyncpg
from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field, StringConstraints

from nara.shared.clock import STOCKHOLM
from nara.shared.identity import Caller, CurrentCaller, record_staff_read
from nara.shared.personnummer import InvalidPersonnummer
from nara.shared.web.problems import problem_responses

from ..domain.appointment import Hold
from ..domain.errors import BookingRefused
from ..service import appointments as use_cases
from ..service.appointments import BookingPolicy
from ..service.records import AppointmentRecord
from ..service.requester import Requester
from ..service.search import SlotQuery, free_slots
from ..service.unit_of_work import UnitOfWork
from .calendar_file import CALENDAR_TYPE, calendar_response
from .fields import Code, ContactId, HsaId, PageNumber, Personnummer, Reason, SearchMoment, SlotPageSize
from .guardians import child_of, with_wards
from .problems import refusal
from .staff_roles import staff_requester
from .transactions import MAX_KEY_LENGTH, run_once
from .views import appointment_view, care_unit_view, hold_view, slot_page_view
from .wiring import now_of, reads, unit_of_work

Result = TypeVar("Result")

router = APIRouter(prefix="/api/v1", tags=["booking"])
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=MAX_KEY_LENGTH,
        description="A repeated request with the same key gets the first answer (for "
        "BOOKING_IDEMPOTENCY_RETENTION_HOURS, 7 days by default).",
    ),
]


def answers(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The problem statuses a route answers besides 400, 413 and 422 (every path's): always 401 without a login."""
    return problem_responses(401, *statuses)


class HoldRequest(BaseModel):
    slot_id: uuid.UUID
    contact_id: ContactId | None = None


class BookRequest(BaseModel):
    slot_id: uuid.UUID
    contact_id: ContactId | None = None
    patient: Personnummer | None = Field(
        None,
        description="The personnummer of the patient booked for: staff for "
        "anyone at their units, a citizen for their own child under 18 "
        "(vårdnadshavare).",
    )
    reason: Reason | None = Field(None, description="What the visit is about; no personnummer.")


class RebookRequest(BaseModel):
    slot_id: uuid.UUID


class CancelRequest(BaseModel):
    reason: Annotated[Reason, StringConstraints(min_length=1)] = Field(
        description="Why the time is cancelled; it travels in the cancelled event, so no personnummer."
    )


class CompleteRequest(BaseModel):
    medical_assessment: bool


# Async, though they do not wait: FastAPI runs a plain def dependency in a worker thread, a hop per request.
async def now_of_request(request: Request) -> datetime:
    return now_of(request)


Now = Annotated[datetime, Depends(now_of_request)]


async def requester_of(request: Request, caller: CurrentCaller) -> Requester:
    if caller.is_citizen:
        return Requester.patient(request.app.state.pseudonymiser.pseudonym(caller.subject))
    staff = staff_requester(caller)
    if staff is not None:
        return staff
    raise HTTPException(403, "Den här rollen kan inte läsa eller ändra bokningar.")


async def planner_of(requester: Annotated[Requester, Depends(requester_of)]) -> Requester:
    """Staff who may change a unit's schedule set-up; which units is the use case's check (Requester.may_plan)."""
    if not requester.plans_schedule:
        raise HTTPException(403, "Bara schemaläggare kan ändra enhetens schema. Be enhetens schemaläggare om hjälp.")
    return requester


CurrentRequester = Annotated[Requester, Depends(requester_of)]
CurrentPlanner = Annotated[Requester, Depends(planner_of)]


def policy_of(request: Request) -> BookingPolicy:
    policy: BookingPolicy = request.app.state.policy
    return policy


@router.get("/units", responses=answers())
async def list_units(request: Request, _: CurrentCaller) -> list[dict[str, Any]]:
    """Care units: HSA-id, name, address and opening hours."""
    async with reads(request) as read:
        return [care_unit_view(unit) for unit in await read.views.care_units()]


@router.get("/slots", responses=answers(403, 404, 409))
async def list_free_slots(
    request: Request,
    requester: CurrentRequester,
    now: Now,
    unit: HsaId,
    profession: Code | None = None,
    contact_form: Code | None = None,
    date_from: Annotated[SearchMoment | None, Query(alias="from", description="Default: now")] = None,
    date_to: Annotated[SearchMoment | None, Query(alias="to", description="Default: 14 days after `from`")] = None,
    contact_id: ContactId | None = None,
    page: PageNumber = 1,
    page_size: SlotPageSize = 20,
) -> JSONResponse:
    """Free slots, earliest first; within the guarantee and with the patient's fixed care contacts first."""
    start = date_from or now
    query = SlotQuery(
        unit, start, date_to or start + timedelta(days=14), profession, contact_form, contact_id, page, page_size
    )
    try:
        async with unit_of_work(request) as uow:
            page_found = await free_slots(
                uow,
                query,
                patient=None if requester.is_staff else requester.id,
                by_staff=requester.is_staff,
                now=now,
                units=requester.units,
            )
    except BookingRefused as refused:
        return refusal(refused)
    return JSONResponse(slot_page_view(page_found))


@router.post("/holds", status_code=201, responses=answers(403, 404, 409))
async def hold_slot(
    request: Request, body: HoldRequest, requester: CurrentRequester, now: Now, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    """Hold a slot for a few minutes while the person confirms; it lapses by itself."""
    policy = policy_of(request)

    async def action(uow: UnitOfWork) -> Hold:
        return await use_cases.hold(uow, requester, body.slot_id, now, policy, body.contact_id)

    return await _answer_once(
        request,
        requester,
        action,
        hold_view,
        {"op": "hold", **body.model_dump(mode="json")},
        now,
        idempotency_key,
        created=True,
    )


@router.post("/appointments", status_code=201, responses=answers(403, 404, 409, 503))
async def book_appointment(
    request: Request, body: BookRequest, requester: CurrentRequester, now: Now, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    """Book a slot. Staff name the patient (tid i handen); citizens book for themselves or their child."""
    requester, patient = await _patient_for(request, requester, body.patient)
    policy = policy_of(request)

    async def action(uow: UnitOfWork) -> AppointmentRecord:
        return await use_cases.book(
            uow,
            requester,
            slot_id=body.slot_id,
            patient=patient,
            contact_id=body.contact_id,
            reason=body.reason,
            now=now,
            policy=policy,
        )

    return await _answer_once(
        request,
        requester,
        action,
        appointment_view,
        {"op": "book", **body.model_dump(mode="json")},
        now,
        idempotency_key,
        created=True,
    )


@router.get("/appointments", responses=answers(403, 503))
async def list_appointments(
    request: Request,
    requester: CurrentRequester,
    caller: CurrentCaller,
    now: Now,
    patient: Annotated[Personnummer | None, Query(description="A citizen's child (personnummer)")] = None,
    contact_id: Annotated[ContactId | None, Query(description="Staff: only this contact's appointments")] = None,
) -> list[dict[str, Any]]:
    """A citizen's own appointments (or, with `patient`, their child's), or the appointments at a staff member's
    units from today on (with `contact_id`, only that contact's); every one staff see is access-logged."""
    whose = requester.id
    if not requester.is_staff and patient:
        _, whose = await child_of(request, requester, patient)
    async with unit_of_work(request) as uow:
        if not requester.is_staff:
            return [appointment_view(a) for a in await uow.views.appointments_of_patient(whose)]
        today = datetime.combine(now.astimezone(STOCKHOLM).date(), datetime.min.time(), STOCKHOLM)
        found = await uow.views.appointments_at_units(requester.units, since=today, contact_id=contact_id)
        await log_appointment_reads(
            uow.connection, caller, "list appointments", [(a.patient, a.id) for a in found], now
        )
        return [appointment_view(a) for a in found]


@router.get(
    "/appointments/{appointment_id}.ics",
    responses={
        200: {"content": {CALENDAR_TYPE: {}}, "description": "The appointment as an iCalendar file"},
        **answers(403, 404),
    },
    response_class=Response,
)
async def get_appointment_calendar(
    request: Request, appointment_id: uuid.UUID, requester: CurrentRequester, caller: CurrentCaller, now: Now
) -> Response:
    """The appointment as a calendar file: a citizen's own or their child's, or staff's at their units (logged)."""

    async def calendar(uow: UnitOfWork, found: AppointmentRecord) -> Response:
        unit = next((u for u in await uow.views.care_units() if u.hsa_id == found.unit), None)
        return calendar_response(found, unit, now)

    return await _one_appointment(
        request, appointment_id, requester, caller, now, "read appointment calendar", calendar
    )


@router.get("/appointments/{appointment_id}", responses=answers(403, 404))
async def get_appointment(
    request: Request, appointment_id: uuid.UUID, requester: CurrentRequester, caller: CurrentCaller, now: Now
) -> Response:
    """One appointment with its rebooking history; another person's answers 404."""

    async def with_history(uow: UnitOfWork, found: AppointmentRecord) -> Response:
        history = [a for a in await uow.views.appointments_of_patient(found.patient) if a.lineage == found.lineage]
        return JSONResponse(appointment_view(found, history))

    return await _one_appointment(request, appointment_id, requester, caller, now, "read appointment", with_history)


async def _one_appointment(
    request: Request,
    appointment_id: uuid.UUID,
    requester: Requester,
    caller: Caller,
    now: datetime,
    action: str,
    answer: Callable[[UnitOfWork, AppointmentRecord], Awaitable[Response]],
) -> Response:
    """The appointment the requester may see (their own or their child's; staff's at their units, access-logged as
    `action`), answered by `answer` in the same transaction; a refusal as its problem."""
    requester = await with_wards(request, requester)
    try:
        async with unit_of_work(request) as uow:
            found = await use_cases.visible_appointment(uow, requester, appointment_id)
            if requester.is_staff:
                await log_appointment_reads(uow.connection, caller, action, [(found.patient, found.id)], now)
            return await answer(uow, found)
    except BookingRefused as refused:
        return refusal(refused)


@router.post("/appointments/{appointment_id}/rebook", responses=answers(403, 404, 409))
async def rebook_appointment(
    request: Request,
    appointment_id: uuid.UUID,
    body: RebookRequest,
    requester: CurrentRequester,
    now: Now,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Move to another slot at the same unit, atomically."""
    requester = await with_wards(request, requester)

    async def action(uow: UnitOfWork) -> AppointmentRecord:
        return await use_cases.rebook(uow, requester, appointment_id, new_slot_id=body.slot_id, now=now)

    return await _answer_once(
        request,
        requester,
        action,
        appointment_view,
        {"op": "rebook", "id": str(appointment_id), **body.model_dump(mode="json")},
        now,
        idempotency_key,
    )


@router.post("/appointments/{appointment_id}/cancel", responses=answers(403, 404, 409))
async def cancel_appointment(
    request: Request,
    appointment_id: uuid.UUID,
    body: CancelRequest,
    requester: CurrentRequester,
    now: Now,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Cancel with a reason; citizens within the time type's notice, staff at any time."""
    requester = await with_wards(request, requester)

    async def action(uow: UnitOfWork) -> AppointmentRecord:
        return await use_cases.cancel(uow, requester, appointment_id, reason=body.reason, now=now)

    return await _answer_once(
        request,
        requester,
        action,
        appointment_view,
        {"op": "cancel", "id": str(appointment_id), **body.model_dump()},
        now,
        idempotency_key,
    )


@router.post("/appointments/{appointment_id}/complete", responses=answers(403, 404, 409))
async def complete_appointment(
    request: Request,
    appointment_id: uuid.UUID,
    body: CompleteRequest,
    requester: CurrentRequester,
    now: Now,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Staff only: the visit took place, with whether a medical assessment was made."""

    async def action(uow: UnitOfWork) -> AppointmentRecord:
        return await use_cases.complete(
            uow, requester, appointment_id, medical_assessment=body.medical_assessment, now=now
        )

    return await _answer_once(
        request,
        requester,
        action,
        appointment_view,
        {"op": "complete", "id": str(appointment_id), **body.model_dump()},
        now,
        idempotency_key,
    )


@router.post("/appointments/{appointment_id}/no-show", responses=answers(403, 404, 409))
async def record_no_show(
    request: Request,
    appointment_id: uuid.UUID,
    requester: CurrentRequester,
    now: Now,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Staff only: the patient did not come."""

    async def action(uow: UnitOfWork) -> AppointmentRecord:
        return await use_cases.no_show(uow, requester, appointment_id, now=now)

    return await _answer_once(
        request, requester, action, appointment_view, {"op": "no_show", "id": str(appointment_id)}, now, idempotency_key
    )


async def _answer_once(
    request: Request,
    requester: Requester,
    action: Callable[[UnitOfWork], Awaitable[Result]],
    render: Callable[[Result], dict[str, Any]],
    described: dict[str, Any],
    now: datetime,
    idempotency_key: str | None,
    *,
    created: bool = False,
) -> JSONResponse:
    """Run a change once in its unit of work and answer it; `described` is what an Idempotency-Key is bound to."""
    outcome = await run_once(
        unit_of_work(request),
        action,
        render,
        caller=requester.id,
        idempotency_key=idempotency_key,
        request=described,
        now=now,
        success_status=201 if created else 200,
    )
    return outcome.response()


async def _patient_for(request: Request, requester: Requester, personnummer: str | None) -> tuple[Requester, str]:
    if not requester.is_staff:
        if personnummer is None:
            return requester, requester.id
        return await child_of(request, requester, personnummer)
    if not personnummer:
        raise HTTPException(422, "Ange patientens personnummer i fältet 'patient' (ÅÅÅÅMMDD-NNNN).")
    return requester, patient_pseudonym(request, personnummer)


def staff_patient(request: Request, requester: Requester, personnummer: str, *, not_staff: str) -> str:
    """The pseudonym of a patient staff name by personnummer: 403 with `not_staff` for anyone else."""
    if not requester.is_staff:
        raise HTTPException(403, not_staff)
    return patient_pseudonym(request, personnummer)


def patient_pseudonym(request: Request, personnummer: str) -> str:
    """This service's pseudonym for a personnummer; 422 for one that cannot be used."""
    try:
        pseudonym: str = request.app.state.pseudonymiser.pseudonym(personnummer)
    except InvalidPersonnummer as invalid:
        raise HTTPException(422, f"Personnumret går inte att använda: {invalid}") from invalid
    return pseudonym


async def log_appointment_reads(
    connection: asyncpg.Connection, caller: Caller, action: str, shown: Iterable[tuple[str, uuid.UUID]], now: datetime
) -> None:
    """Access-log each (patient, appointment id) staff are shown, in the read's own transaction."""
    for patient, appointment_id in shown:
        await record_staff_read(
            connection, caller, patient=patient, action=action, resource=f"appointment/{appointment_id}", at=now
        )
