"""Min vård in the API (/api/v1/patient-contract): a citizen reads their own or their child's contract, staff of a
unit that cares for the patient read it (access-logged) and write its agreement, fixed care contacts and plan."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import partial
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from nara.shared.clock import to_stockholm
from nara.shared.identity import Caller, CurrentCaller

from ..domain.errors import BookingRefused, InvalidRequest
from ..domain.patient_contract import MAX_PLAN_ITEMS, PlanItem, PlanStatus, PlanTiming
from ..service import patient_contract as use_cases
from ..service.requester import Requester
from ..service.unit_of_work import UnitOfWork
from .api import CurrentRequester, IdempotencyKey, Now, answers, staff_patient
from .fields import HsaId, Personnummer
from .guardians import child_of
from .patient_contract_views import patient_contract_view
from .problems import refusal
from .transactions import run_once
from .wiring import unit_of_work

router = APIRouter(prefix="/api/v1", tags=["patient contract"])


class StaffWrite(BaseModel):
    patient: Personnummer = Field(description="The patient's personnummer; in the body, never in a URL.")
    unit: HsaId | None = Field(None, description="The unit written at, one of the staff member's; default the first.")


class AgreementRequest(StaffWrite):
    care_does: str = Field("", max_length=4000, description="What the care does (at most 2000 characters).")
    patient_does: str = Field("", max_length=4000, description="What the patient does (at most 2000 characters).")


class FixedContactsRequest(StaffWrite):
    practitioners: list[HsaId] = Field(
        max_length=20, description="The fixed care contacts at the staff member's units (at most nine in all)."
    )
    doctor: HsaId | None = Field(None, description="The one fixed doctor contact (fast läkarkontakt), a doctor here.")


class PlanWhen(BaseModel):
    kind: Literal["date", "week", "when_suits"] = Field(description="A day, some day in a week, or when it suits.")
    day: date | None = Field(None, description="The day, or any day of the week; none when it suits.")


class PlanItemRequest(BaseModel):
    what: str = Field(max_length=400)
    who: str = Field("", max_length=400)
    when: PlanWhen
    status: Literal["planned", "done", "cancelled"] = "planned"


class PlanRequest(StaffWrite):
    items: list[PlanItemRequest] = Field(max_length=MAX_PLAN_ITEMS + 10, description="The whole plan, in order.")


@router.get("/patient-contract", responses=answers(403, 404, 503))
async def read_patient_contract(
    request: Request,
    requester: CurrentRequester,
    caller: CurrentCaller,
    now: Now,
    patient: Annotated[
        Personnummer | None, Query(description="A citizen's child, or (required) the patient staff read")
    ] = None,
) -> JSONResponse:
    """Min vård: the agreement, the fixed care contacts, the agreed times (past and coming), the plan, and the one
    next step. A citizen reads their own (or their child's); staff read a patient of their units, access-logged."""
    requester, whose = await _patient_of(request, requester, patient)
    try:
        async with unit_of_work(request) as uow:
            contract = await use_cases.read_contract(
                uow,
                requester,
                whose,
                now=now,
                today=to_stockholm(now).date(),
                reader=caller if requester.is_staff else None,
            )
    except BookingRefused as refused:
        return refusal(refused)
    return JSONResponse(patient_contract_view(contract))


@router.put("/patient-contract/agreement", responses=answers(403, 404, 409))
async def write_agreement(
    request: Request,
    body: AgreementRequest,
    requester: CurrentRequester,
    caller: CurrentCaller,
    now: Now,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Staff: what the care does and what the patient does, as agreed with the patient."""
    write = partial(use_cases.write_agreement, care_does=body.care_does, patient_does=body.patient_does)
    return await _write(request, _Writer(requester, caller, now, idempotency_key), body, "agreement", write)


@router.put("/patient-contract/fixed-contacts", responses=answers(403, 404, 409))
async def write_fixed_contacts(
    request: Request,
    body: FixedContactsRequest,
    requester: CurrentRequester,
    caller: CurrentCaller,
    now: Now,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Staff: the patient's fixed care contacts at `unit` (without it, at all their units; other units' stay),
    at most nine in all plus one fixed doctor."""
    write = partial(use_cases.write_fixed_contacts, practitioners=body.practitioners, fixed_doctor=body.doctor)
    return await _write(request, _Writer(requester, caller, now, idempotency_key), body, "fixed_contacts", write)


@router.put("/patient-contract/plan", responses=answers(403, 404, 409))
async def write_plan(
    request: Request,
    body: PlanRequest,
    requester: CurrentRequester,
    caller: CurrentCaller,
    now: Now,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Staff: the whole plan, each activity with what, who, when (a day, a week or when it suits) and status."""

    async def write(*args: Any, **kwargs: Any) -> bool:
        # Checked inside the write, so that a wrong item is refused like any other refusal of the change.
        items = [_plan_item(number, item) for number, item in enumerate(body.items, start=1)]
        return await use_cases.write_plan(*args, items=items, **kwargs)

    return await _write(request, _Writer(requester, caller, now, idempotency_key), body, "plan", write)


def _plan_item(number: int, item: PlanItemRequest) -> PlanItem:
    try:
        return PlanItem.of(item.what, item.who, PlanTiming(item.when.kind), item.when.day, PlanStatus(item.status))
    except InvalidRequest as wrong:
        raise InvalidRequest(f"Aktivitet {number}: {wrong.message}") from None


@dataclass(frozen=True)
class _Writer:
    requester: Requester
    caller: Caller
    now: datetime
    idempotency_key: str | None


async def _write(
    request: Request, writer: _Writer, body: StaffWrite, part: str, write: Callable[..., Awaitable[bool]]
) -> JSONResponse:
    """Run a staff write once (per Idempotency-Key) as `write(uow, requester, caller, patient, unit=, now=)`, and
    answer with the contract as it now stands."""
    requester, now = writer.requester, writer.now
    patient = _staff_patient(request, requester, body.patient)

    async def action(uow: UnitOfWork) -> dict[str, Any]:
        changed = await write(uow, requester, writer.caller, patient, unit=body.unit, now=now)
        contract = await use_cases.read_contract(uow, requester, patient, now=now, today=to_stockholm(now).date())
        return {"changed": changed, "contract": patient_contract_view(contract)}

    outcome = await run_once(
        unit_of_work(request),
        action,
        lambda answer: answer,
        caller=requester.id,
        idempotency_key=writer.idempotency_key,
        request={"op": f"patient-contract/{part}", **body.model_dump(mode="json")},
        now=now,
    )
    return outcome.response()


async def _patient_of(request: Request, requester: Requester, personnummer: str | None) -> tuple[Requester, str]:
    if requester.is_staff:
        if not personnummer:
            raise HTTPException(422, "Ange patientens personnummer i 'patient' (ÅÅÅÅMMDD-NNNN).")
        return requester, _staff_patient(request, requester, personnummer)
    if personnummer is None:
        return requester, requester.id
    return await child_of(request, requester, personnummer)


def _staff_patient(request: Request, requester: Requester, personnummer: str) -> str:
    return staff_patient(request, requester, personnummer, not_staff="Bara vårdens personal kan skriva i Min vård.")
