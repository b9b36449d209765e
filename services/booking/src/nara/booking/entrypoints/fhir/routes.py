"""HL7 FHIR R4 scheduling at /fhir/R4, its reads: metadata, Schedule, Slot and Appointment (operations.py: $find,
$hold and $book; fallback.py: any other path).

Thin: it reads FHIR, calls the same use cases under the same access checks as the REST API (entrypoints/api.py),
and writes FHIR back. No booking rule lives here."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request
from fastapi.responses import Response

from nara.shared.clock import STOCKHOLM
from nara.shared.identity import CurrentCaller

from ...domain.errors import NotFound
from ...domain.unit_setup import Practitioner
from ...service import appointments as use_cases
from ...service.records import AppointmentRecord, FreeSlot
from ...service.requester import Requester
from ...service.search import SlotQuery, free_slots
from ..api import CurrentRequester, Now, log_appointment_reads, patient_pseudonym
from ..guardians import child_of, with_wards
from ..transactions import MAX_KEY_LENGTH
from ..wiring import unit_of_work
from .answers import FhirRoute, fhir
from .capability import capability_statement
from .parameters import (
    BadParameters,
    FindRequest,
    count,
    moment,
    reference_id,
    slot_search,
    token_value,
)
from .resources import (
    PERSONNUMMER,
    appointment_resource,
    bundle,
    practitioner_schedule_resource,
    schedule_parts,
    schedule_resource,
    slot_resource,
)

BASE = "/fhir/R4"
# Out of the OpenAPI document, which describes /api/v1 and its problem details: FHIR's own description of this
# API is its CapabilityStatement (/metadata), and its answers are FHIR resources, not the schemas FastAPI would write.
router = APIRouter(prefix=BASE, tags=["fhir"], route_class=FhirRoute, include_in_schema=False)
IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=MAX_KEY_LENGTH)]


def base_url(request: Request) -> str:
    return str(request.base_url).rstrip("/") + BASE


@router.get("/metadata")
async def metadata(request: Request, now: Now) -> Response:
    """The CapabilityStatement: open to anyone, as FHIR clients read it before they log in."""
    return fhir(capability_statement(base_url(request), now.date().isoformat()))


@router.get("/Schedule")
async def search_schedules(request: Request, now: Now, _: CurrentCaller, actor: str | None = None) -> Response:
    """Each care unit's Schedule and each of its practitioners'; `actor` (an HSA-id, as a token or a Location or
    Practitioner reference) keeps those it names."""
    wanted = reference_id(token_value(actor), "") if actor else None
    schedules = [
        schedule
        for schedule in await _schedules(request, now)
        if wanted is None or any(a["identifier"]["value"] == wanted for a in schedule["actor"])
    ]
    return fhir(bundle(schedules, base_url(request)))


@router.get("/Schedule/{schedule_id}")
async def read_schedule(request: Request, schedule_id: str, now: Now, _: CurrentCaller) -> Response:
    unit, _practitioner = schedule_parts(schedule_id)
    found = next((s for s in await _schedules(request, now, unit) if s["id"] == schedule_id), None)
    if found is None:
        raise NotFound("Vi hittar inget schema med det id:t.")
    return fhir(found)


async def _schedules(request: Request, now: datetime, only_unit: str | None = None) -> list[dict[str, Any]]:
    """The units' Schedules, each followed by its practitioners' (what every slot list already names)."""
    today = now.astimezone(STOCKHOLM).date()
    schedules: list[dict[str, Any]] = []
    async with unit_of_work(request) as uow:
        for unit in await uow.views.care_units():
            if only_unit not in (None, unit.hsa_id):
                continue
            schedules.append(schedule_resource(unit))
            for practitioner in await uow.setup.practitioners(unit.hsa_id):
                schedules.append(practitioner_schedule_resource(practitioner, unit, is_active(practitioner, today)))
    return schedules


def is_active(practitioner: Practitioner, today: date) -> bool:
    starts, ends = practitioner.active_from, practitioner.active_to
    return (starts is None or starts <= today) and (ends is None or today <= ends)


@router.get("/Slot")
async def search_slots(
    request: Request,
    requester: CurrentRequester,
    now: Now,
    schedule: str | None = None,
) -> Response:
    """Free slots on a unit's or a practitioner's Schedule (`schedule`), earliest first, as a searchset Bundle:
    what /api/v1/slots shows the same caller."""
    params = request.query_params
    if not schedule:
        raise BadParameters("Ange schemat i 'schedule', till exempel Schedule/<vårdcentralens HSA-id>.")
    date_from, date_to = _start_range(params.getlist("start"), now)
    unit, practitioner = schedule_parts(reference_id(schedule, "Schedule"))
    if "practitioner" in params:
        practitioner = token_value(params["practitioner"])
    wanted = slot_search(
        unit,
        start=date_from,
        end=date_to,
        service_type=token_value(params["service-type"]) if "service-type" in params else None,
        practitioner=practitioner,
        wanted=count(params.get("_count")),
        contact=params.get("contact"),
    )
    slots = await free_times(request, requester, wanted, now)
    return fhir(bundle([slot_resource(s) for s in slots], base_url(request)))


def _start_range(values: list[str], now: datetime) -> tuple[datetime | None, datetime | None]:
    """FHIR date search on `start`: ge/gt set the beginning, lt/le the end; a bare date is that whole day."""
    date_from: datetime | None = None
    date_to: datetime | None = None
    for value in values:
        prefix, rest = (value[:2], value[2:]) if value[:2] in ("ge", "gt", "lt", "le", "eq") else ("eq", value)
        at = moment(rest, "start")
        if prefix in ("ge", "gt"):
            date_from = at
        elif prefix in ("lt", "le"):
            date_to = at
        else:
            date_from, date_to = at, at + (timedelta(days=1) if len(rest) == 10 else timedelta(minutes=1))
    return date_from, date_to


async def free_times(request: Request, requester: Requester, wanted: FindRequest, now: datetime) -> list[FreeSlot]:
    """The free-slot search use case, as /api/v1/slots calls it; time type and practitioner narrow its page."""
    start = wanted.start or now
    narrowed = wanted.service_type is not None or wanted.practitioner is not None
    query = SlotQuery(
        wanted.unit,
        start,
        wanted.end or start + timedelta(days=14),
        contact_id=wanted.contact,
        page_size=100 if narrowed else wanted.count,
    )
    async with unit_of_work(request) as uow:
        page = await free_slots(
            uow,
            query,
            patient=None if requester.is_staff else requester.id,
            by_staff=requester.is_staff,
            now=now,
            units=requester.units,
        )
    return [
        slot
        for slot in page.slots
        if wanted.service_type in (None, slot.time_type) and wanted.practitioner in (None, slot.practitioner)
    ][: wanted.count]


@router.get("/Appointment/{appointment_id}")
async def read_appointment(
    request: Request, appointment_id: str, requester: CurrentRequester, caller: CurrentCaller, now: Now
) -> Response:
    """A citizen's own or their child's appointment, or staff's at their units (access-logged); else 404."""
    try:
        wanted = uuid.UUID(appointment_id)
    except ValueError:
        raise NotFound("Vi hittar ingen sådan tid.") from None
    requester = await with_wards(request, requester)
    async with unit_of_work(request) as uow:
        found = await use_cases.visible_appointment(uow, requester, wanted)
        if requester.is_staff:
            await log_appointment_reads(
                uow.connection, caller, "read appointment (FHIR)", [(found.patient, found.id)], now
            )
    return fhir(appointment_resource(found))


@router.get("/Appointment")
async def search_appointments(
    request: Request, requester: CurrentRequester, caller: CurrentCaller, now: Now
) -> Response:
    """The caller's own appointments, or with `patient:identifier` (personnummer) their child's; staff see their
    units' from today on, or with `patient:identifier` that patient's at their units; every one logged."""
    named = request.query_params.get("patient:identifier")
    personnummer = _personnummer(named) if named else None
    found: list[AppointmentRecord]
    async with unit_of_work(request) as uow:
        if not requester.is_staff:
            whose = requester.id if personnummer is None else (await child_of(request, requester, personnummer))[1]
            found = await uow.views.appointments_of_patient(whose)
        elif personnummer is not None:
            patient = patient_pseudonym(request, personnummer)
            mine = await uow.views.appointments_of_patient(patient)
            found = [a for a in mine if requester.may_see(a.patient, a.unit)]
        else:
            today = datetime.combine(now.astimezone(STOCKHOLM).date(), datetime.min.time(), STOCKHOLM)
            found = await uow.views.appointments_at_units(requester.units, since=today)
        if requester.is_staff:
            shown = [(a.patient, a.id) for a in found]
            await log_appointment_reads(uow.connection, caller, "list appointments (FHIR)", shown, now)
    return fhir(bundle([appointment_resource(a) for a in found], base_url(request)))


def _personnummer(token: str) -> str:
    system, bar, value = token.rpartition("|")
    if bar and system != PERSONNUMMER:
        raise BadParameters(f"Ange patienten med personnummer: {PERSONNUMMER}|ÅÅÅÅMMDD-NNNN.")
    return value
