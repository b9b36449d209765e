"""Schedulers' API for a unit's hours: weekly templates, closures and absences, the bookings to move, CSV
import of templates, and the public holidays as computed. Every change regenerates the unit's slots at once."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from nara.shared.clock import to_stockholm
from nara.shared.identity import CurrentCaller
from nara.shared.web.fields import CalendarDate, ShortText

from ..domain.errors import BookingRefused
from ..domain.schedule import Closure, WeeklyTemplate
from ..service import hours
from ..service.unit_of_work import UnitOfWork
from .api import CurrentPlanner, CurrentRequester, Now, answers, log_appointment_reads
from .csv_upload import csv_request_body, csv_text
from .fields import HsaId
from .hours_views import (
    BookingToMoveView,
    ChangeView,
    ClosureCreated,
    ClosureView,
    HolidayView,
    ImportView,
    TemplateView,
    booking_to_move_view,
    change_view,
    closure_view,
    holiday_view,
    template_view,
    template_views,
)
from .problems import refusal
from .transactions import run_once
from .wiring import horizon, unit_of_work

router = APIRouter(prefix="/api/v1", tags=["schedule"])
Result = TypeVar("Result")


def whole_minutes(value: time) -> time:
    if value.tzinfo is not None or value.second or value.microsecond:
        raise ValueError("Ange tiden som TT:MM i svensk tid, utan sekunder och tidszon.")
    return value


WallClock = Annotated[time, AfterValidator(whole_minutes), Field(examples=["08:00"])]
TimeTypeCode = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,79}$")]
TemplateId = Annotated[int, Path(ge=1, le=2**63 - 1)]
Weekday = Annotated[int, Field(ge=1, le=7, description="ISO weekday: Monday is 1, Sunday 7")]


def not_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("Skriv en anledning, med några ord.")
    return text.strip()


Reason = Annotated[ShortText, AfterValidator(not_blank)]


class TemplateRequest(BaseModel):
    practitioner: HsaId
    weekday: Weekday
    start: WallClock = Field(description="Europe/Stockholm wall clock, HH:MM")
    end: WallClock = Field(description="Europe/Stockholm wall clock, HH:MM; after start")
    time_type: TimeTypeCode
    valid_from: CalendarDate | None = Field(None, description="First day (inclusive); empty: since always")
    valid_to: CalendarDate | None = Field(None, description="Last day (inclusive); empty: until further notice")

    def template(self, unit: str) -> WeeklyTemplate:
        return WeeklyTemplate(
            self.practitioner,
            unit,
            self.time_type,
            self.weekday,
            self.start,
            self.end,
            self.valid_from,
            self.valid_to,
        )


class ClosureRequest(BaseModel):
    practitioner: HsaId | None = Field(None, description="A practitioner away; empty: the whole unit closed")
    first_day: CalendarDate
    last_day: CalendarDate | None = Field(None, description="Inclusive; empty: the first day only")
    reason: Reason = Field(description="Why, in a few words (no personnummer), e.g. 'Utbildningsdag'")


@router.get("/care-units/{unit}/templates", responses=answers(403), response_model=list[TemplateView])
async def list_templates(
    request: Request, unit: HsaId, requester: CurrentRequester, practitioner: HsaId | None = None
) -> Any:
    """The unit's weekly templates (one practitioner's with `practitioner`), by practitioner, weekday and time."""
    return await _read(request, lambda uow: hours.list_templates(uow, requester, unit, practitioner), template_views)


@router.post(
    "/care-units/{unit}/templates", status_code=201, responses=answers(403, 404, 409), response_model=TemplateView
)
async def add_template(
    request: Request, unit: HsaId, body: TemplateRequest, requester: CurrentPlanner, now: Now
) -> Any:
    """A practitioner's weekly hours; the slots are bookable at once. 409 when it overlaps their other hours."""
    regenerate_ahead = horizon(request)
    return await _write(
        request,
        requester.id,
        now,
        lambda uow: hours.add_template(uow, requester, body.template(unit), now, regenerate_ahead),
        template_view,
        201,
    )


@router.put("/care-units/{unit}/templates/{template_id}", responses=answers(403, 404, 409), response_model=TemplateView)
async def change_template(
    request: Request, unit: HsaId, template_id: TemplateId, body: TemplateRequest, requester: CurrentPlanner, now: Now
) -> Any:
    """Change weekly hours: times the new hours no longer give are withdrawn; bookings on them stay, to move."""
    regenerate_ahead = horizon(request)
    return await _write(
        request,
        requester.id,
        now,
        lambda uow: hours.change_template(uow, requester, template_id, body.template(unit), now, regenerate_ahead),
        template_view,
    )


@router.delete("/care-units/{unit}/templates/{template_id}", responses=answers(403, 404), response_model=ChangeView)
async def remove_template(
    request: Request, unit: HsaId, template_id: TemplateId, requester: CurrentPlanner, now: Now
) -> Any:
    """Remove weekly hours: their future free times are withdrawn; bookings on them stay, to move."""
    regenerate_ahead = horizon(request)
    return await _write(
        request,
        requester.id,
        now,
        lambda uow: hours.remove_template(uow, requester, unit, template_id, now, regenerate_ahead),
        change_view,
    )


@router.post(
    "/care-units/{unit}/templates/import",
    responses=answers(403, 413, 415),
    response_model=ImportView,
    openapi_extra=csv_request_body(
        "behandlare;veckodag;start;slut;tidtyp;giltig_fran;giltig_till\n"
        "SE2321000115-P000000101;måndag;08:00;12:00;LAK_BESOK;;\n"
    ),
)
async def import_templates(request: Request, unit: HsaId, requester: CurrentPlanner, now: Now) -> Any:
    """Weekly templates from CSV (header: behandlare;veckodag;start;slut;tidtyp;giltig_fran;giltig_till; ';' or
    ','; UTF-8). All or nothing: 422 lists every bad line. The same file again adds nothing."""
    text = await csv_text(request)
    if isinstance(text, JSONResponse):
        return text
    regenerate_ahead = horizon(request)
    return await _write(
        request,
        requester.id,
        now,
        lambda uow: hours.import_templates(uow, requester, unit, text, now, regenerate_ahead),
        lambda counts: ImportView(added=counts[0], already_there=counts[1]).model_dump(),
    )


@router.get("/care-units/{unit}/closures", responses=answers(403), response_model=list[ClosureView])
async def list_closures(request: Request, unit: HsaId, requester: CurrentRequester, now: Now) -> Any:
    """Closures of the unit and practitioners' absences that have not ended."""
    return await _read(
        request,
        lambda uow: hours.list_closures(uow, requester, unit, now),
        lambda found: [closure_view(c) for c in found],
    )


@router.post("/care-units/{unit}/closures", status_code=201, responses=answers(403, 404), response_model=ClosureCreated)
async def add_closure(request: Request, unit: HsaId, body: ClosureRequest, requester: CurrentPlanner, now: Now) -> Any:
    """Close the unit (no practitioner) or record a practitioner away, on whole days. Free times on those days
    are withdrawn; booked ones stay and are listed to move (appointments-to-move)."""
    closure = Closure(unit, body.practitioner, body.first_day, body.last_day or body.first_day)
    regenerate_ahead = horizon(request)
    return await _write(
        request,
        requester.id,
        now,
        lambda uow: hours.add_closure(uow, requester, closure, body.reason, now, regenerate_ahead),
        lambda done: {**closure_view(done[0]), "change": change_view(done[1])},
        201,
    )


@router.delete("/care-units/{unit}/closures/{closure_id}", responses=answers(403, 404), response_model=ChangeView)
async def remove_closure(
    request: Request, unit: HsaId, closure_id: uuid.UUID, requester: CurrentPlanner, now: Now
) -> Any:
    """Open the days again: the withdrawn times come back."""
    regenerate_ahead = horizon(request)
    return await _write(
        request,
        requester.id,
        now,
        lambda uow: hours.remove_closure(uow, requester, unit, closure_id, now, regenerate_ahead),
        change_view,
    )


@router.get("/holidays", responses=answers(403), response_model=list[HolidayView])
async def list_holidays(
    request: Request,
    requester: CurrentRequester,
    now: Now,
    year: Annotated[int | None, Query(ge=2000, le=2099, description="Default: the coming 12 months")] = None,
) -> Any:
    """Swedish public holidays and eves, computed, with whether the region's units close on each."""
    calendar = horizon(request).holidays
    if year is None:
        today = to_stockholm(now).date()
        found = hours.holidays_between(today, today + timedelta(days=365), calendar)
    else:
        found = hours.holidays_between(date(year, 1, 1), date(year, 12, 31), calendar)
    return [holiday_view(day) for day in found]


@router.get("/care-units/{unit}/appointments-to-move", responses=answers(403), response_model=list[BookingToMoveView])
async def list_bookings_to_move(
    request: Request, unit: HsaId, requester: CurrentRequester, caller: CurrentCaller, now: Now
) -> Any:
    """Booked appointments whose time a change withdrew, earliest first: move them with
    POST /api/v1/appointments/{id}/rebook (or cancel), which tells the patient. Every one shown is access-logged."""
    try:
        async with unit_of_work(request) as uow:
            found = await hours.bookings_to_move(uow, requester, unit, now)
            shown = [(booking.patient, booking.appointment_id) for booking in found]
            await log_appointment_reads(uow.connection, caller, "list bookings to move", shown, now)
    except BookingRefused as refused:
        return refusal(refused)
    return [booking_to_move_view(booking) for booking in found]


# --- plumbing -----------------------------------------------------------------------------------------------------


async def _read(
    request: Request, action: Callable[[UnitOfWork], Awaitable[Result]], render: Callable[[Result], Any]
) -> Any:
    try:
        async with unit_of_work(request) as uow:
            return render(await action(uow))
    except BookingRefused as refused:
        return refusal(refused)


async def _write(
    request: Request,
    caller: str,
    now: datetime,
    action: Callable[[UnitOfWork], Awaitable[Result]],
    render: Callable[[Result], Any],
    success_status: int = 200,
) -> JSONResponse:
    outcome = await run_once(
        unit_of_work(request),
        action,
        render,
        caller=caller,
        idempotency_key=None,
        request={},
        now=now,
        success_status=success_status,
    )
    return outcome.response()
