"""Schedulers' API for setting up a unit: care units, practitioners, time types, CSV import of practitioners.

Staff read their own units' set-up; schedulers and admins change it (the use cases in service/setup.py say where).
The region's list of units for citizens stays GET /api/v1/units."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TypeVar

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from ..domain.errors import BookingRefused
from ..service import setup
from ..service.requester import Requester
from ..service.unit_of_work import UnitOfWork
from .api import CurrentPlanner, CurrentRequester, IdempotencyKey, Now, answers
from .csv_upload import csv_request_body, csv_text
from .fields import HsaId
from .problems import refusal
from .setup_models import (
    CareUnitAnswer,
    CareUnitChange,
    CareUnitRequest,
    ImportAnswer,
    PractitionerAnswer,
    PractitionerChange,
    PractitionerRequest,
    TimeTypeAnswer,
    TimeTypeChange,
    TimeTypeCode,
    TimeTypeRequest,
)
from .transactions import run_once
from .wiring import horizon, unit_of_work

router = APIRouter(prefix="/api/v1", tags=["schedule set-up"])
Result = TypeVar("Result")
CSV_BODY = csv_request_body(
    "hsa_id;namn;yrke;aktiv_fran;aktiv_till\nSE2321000115-P000000101;Anna Lindqvist;Läkare;2027-01-01;\n"
)


@router.get("/care-units", response_model=list[CareUnitAnswer], responses=answers(403))
async def list_my_care_units(request: Request, requester: CurrentRequester) -> JSONResponse:
    """Staff: the details of the units they work at."""
    return await _read(request, lambda uow: setup.care_units(uow, requester), _all(CareUnitAnswer.of))


@router.post("/care-units", status_code=201, response_model=CareUnitAnswer, responses=answers(403, 409))
async def add_care_unit(
    request: Request, body: CareUnitRequest, planner: CurrentPlanner, now: Now, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    """Admin: a new care unit; 409 when the HSA-id is taken."""
    return await _change(
        request,
        planner,
        lambda uow: setup.add_care_unit(uow, planner, body.details(body.hsa_id)),
        CareUnitAnswer.of,
        body,
        now,
        idempotency_key,
        created=True,
    )


@router.get("/care-units/{unit}", response_model=CareUnitAnswer, responses=answers(403, 404))
async def get_care_unit(request: Request, unit: HsaId, requester: CurrentRequester) -> JSONResponse:
    """Staff: one of their units."""
    return await _read(request, lambda uow: setup.care_unit(uow, requester, unit), CareUnitAnswer.of)


@router.put("/care-units/{unit}", response_model=CareUnitAnswer, responses=answers(403, 404))
async def change_care_unit(
    request: Request, unit: HsaId, body: CareUnitChange, planner: CurrentPlanner, now: Now
) -> JSONResponse:
    """Scheduler or admin at the unit: its name, address, phone and opening hours."""
    return await _change(
        request,
        planner,
        lambda uow: setup.change_care_unit(uow, planner, body.details(unit)),
        CareUnitAnswer.of,
        body,
        now,
    )


@router.get("/care-units/{unit}/practitioners", response_model=list[PractitionerAnswer], responses=answers(403, 404))
async def list_practitioners(request: Request, unit: HsaId, requester: CurrentRequester) -> JSONResponse:
    """Staff at the unit: its practitioners, by name."""
    return await _read(request, lambda uow: setup.practitioners(uow, requester, unit), _all(PractitionerAnswer.of))


@router.post(
    "/care-units/{unit}/practitioners",
    status_code=201,
    response_model=PractitionerAnswer,
    responses=answers(403, 404, 409),
)
async def add_practitioner(
    request: Request,
    unit: HsaId,
    body: PractitionerRequest,
    planner: CurrentPlanner,
    now: Now,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Scheduler at the unit: a practitioner; 409 when the HSA-id is taken, here or at another unit."""
    return await _change(
        request,
        planner,
        lambda uow: setup.add_practitioner(uow, planner, body.practitioner(body.hsa_id, unit)),
        PractitionerAnswer.of,
        body,
        now,
        idempotency_key,
        created=True,
    )


@router.put("/care-units/{unit}/practitioners/{hsa_id}", response_model=PractitionerAnswer, responses=answers(403, 404))
async def change_practitioner(
    request: Request, unit: HsaId, hsa_id: HsaId, body: PractitionerChange, planner: CurrentPlanner, now: Now
) -> JSONResponse:
    """Scheduler at the unit: a practitioner's name, profession and active days."""
    return await _change(
        request,
        planner,
        lambda uow: setup.change_practitioner(uow, planner, body.practitioner(hsa_id, unit), now, horizon(request)),
        PractitionerAnswer.of,
        body,
        now,
    )


@router.post(
    "/care-units/{unit}/practitioners/import",
    response_model=ImportAnswer,
    responses=answers(403, 404, 413, 415),
    openapi_extra=CSV_BODY,
)
async def import_practitioners(request: Request, unit: HsaId, planner: CurrentPlanner, now: Now) -> JSONResponse:
    """Scheduler at the unit: practitioners from a CSV file (header hsa_id, namn, yrke, aktiv_fran, aktiv_till;
    ';' or ','; UTF-8, with or without BOM). All or nothing: a 422 lists every bad line; one already at the unit
    is updated, so the same file read twice changes nothing."""
    text = await csv_text(request)
    if isinstance(text, JSONResponse):
        return text
    return await _change(
        request,
        planner,
        lambda uow: setup.import_practitioners(uow, planner, unit, text, now, horizon(request)),
        lambda count: ImportAnswer(added=count.added, updated=count.updated),
        None,
        now,
    )


@router.get("/care-units/{unit}/time-types", response_model=list[TimeTypeAnswer], responses=answers(403, 404))
async def list_time_types(request: Request, unit: HsaId, requester: CurrentRequester) -> JSONResponse:
    """Staff at the unit: its own time types, then the region's."""
    return await _read(request, lambda uow: setup.time_types(uow, requester, unit), _all(TimeTypeAnswer.of))


@router.post(
    "/care-units/{unit}/time-types", status_code=201, response_model=TimeTypeAnswer, responses=answers(403, 404, 409)
)
async def add_unit_time_type(
    request: Request,
    unit: HsaId,
    body: TimeTypeRequest,
    planner: CurrentPlanner,
    now: Now,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Scheduler at the unit: a time type of the unit's own; 409 when the code is taken in the region."""
    return await _change(
        request,
        planner,
        lambda uow: setup.add_time_type(uow, planner, body.time_type(body.code, unit)),
        TimeTypeAnswer.of,
        body,
        now,
        idempotency_key,
        created=True,
    )


@router.put("/care-units/{unit}/time-types/{code}", response_model=TimeTypeAnswer, responses=answers(403, 404))
async def change_unit_time_type(
    request: Request, unit: HsaId, code: TimeTypeCode, body: TimeTypeChange, planner: CurrentPlanner, now: Now
) -> JSONResponse:
    """Scheduler at the unit: one of the unit's own time types (the region's are the admin's: 403). Slots
    generated from now on follow the change."""
    return await _change(
        request,
        planner,
        lambda uow: setup.change_time_type(uow, planner, body.time_type(code, unit), now, horizon(request)),
        TimeTypeAnswer.of,
        body,
        now,
    )


@router.post("/time-types", status_code=201, response_model=TimeTypeAnswer, responses=answers(403, 409))
async def add_region_time_type(
    request: Request, body: TimeTypeRequest, planner: CurrentPlanner, now: Now, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    """Admin: a time type of the region's, which every unit may use."""
    return await _change(
        request,
        planner,
        lambda uow: setup.add_time_type(uow, planner, body.time_type(body.code, None)),
        TimeTypeAnswer.of,
        body,
        now,
        idempotency_key,
        created=True,
    )


@router.put("/time-types/{code}", response_model=TimeTypeAnswer, responses=answers(403, 404))
async def change_region_time_type(
    request: Request, code: TimeTypeCode, body: TimeTypeChange, planner: CurrentPlanner, now: Now
) -> JSONResponse:
    """Admin: one of the region's time types."""
    return await _change(
        request,
        planner,
        lambda uow: setup.change_time_type(uow, planner, body.time_type(code, None), now, horizon(request)),
        TimeTypeAnswer.of,
        body,
        now,
    )


def _all(render: Callable[[Result], BaseModel]) -> Callable[[list[Result]], list[BaseModel]]:
    return lambda found: [render(item) for item in found]


async def _read(
    request: Request,
    action: Callable[[UnitOfWork], Awaitable[Result]],
    render: Callable[[Result], BaseModel | list[BaseModel]],
) -> JSONResponse:
    try:
        async with unit_of_work(request) as uow:
            found = await action(uow)
    except BookingRefused as refused:
        return refusal(refused)
    shown = render(found)
    body = (
        [item.model_dump(mode="json") for item in shown] if isinstance(shown, list) else shown.model_dump(mode="json")
    )
    return JSONResponse(body)


async def _change(
    request: Request,
    planner: Requester,
    action: Callable[[UnitOfWork], Awaitable[Result]],
    render: Callable[[Result], BaseModel],
    body: BaseModel | None,
    now: datetime,
    idempotency_key: str | None = None,
    *,
    created: bool = False,
) -> JSONResponse:
    """Run a change once in its unit of work (an import's bad lines answer as the problem's `errors`)."""
    outcome = await run_once(
        unit_of_work(request),
        action,
        lambda result: render(result).model_dump(mode="json"),
        caller=planner.id,
        idempotency_key=idempotency_key,
        request={"path": request.url.path, "body": body.model_dump(mode="json") if body else None},
        now=now,
        success_status=201 if created else 200,
    )
    return outcome.response()
