"""The patient's choice of reminders in the API (/api/v1/reminder-preferences): SMS, e-mail or none, with the number
or address; a citizen reads and sets their own, or (`?patient=`) their child's as guardian."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from ..domain.errors import BookingRefused
from ..domain.waitlist import Reach, ReachBy
from ..service import reminders as use_cases
from ..service.reminder_records import ReminderChoice
from ..service.requester import Requester
from ..service.unit_of_work import UnitOfWork
from .api import CurrentRequester, IdempotencyKey, Now, answers
from .fields import Personnummer
from .guardians import child_of
from .problems import refusal
from .transactions import run_once
from .wiring import unit_of_work

router = APIRouter(prefix="/api/v1", tags=["reminders"])
PatientQuery = Annotated[Personnummer | None, Query(description="A citizen's child under 18 (personnummer)")]


class ReminderChoiceRequest(BaseModel):
    by: Literal["sms", "email", "none"] = Field(description="Reminders by SMS, by e-mail, or none.")
    address: str | None = Field(
        None, max_length=254, description="The mobile number or e-mail address; never put in an event or a log."
    )


def choice_view(choice: ReminderChoice) -> dict[str, Any]:
    return {
        "by": choice.reach.by.value,
        "address": choice.reach.address,
        "chosen": choice.chosen,  # false: never chosen, so none (the default)
        "updated_at": None if choice.updated_at is None else choice.updated_at.isoformat(),
    }


@router.get("/reminder-preferences", responses=answers(403, 503))
async def read_reminder_choice(
    request: Request, requester: CurrentRequester, patient: PatientQuery = None
) -> JSONResponse:
    """How the patient wants reminders before their booked times. None until they choose (`chosen` false)."""
    requester, whose = await _patient_of(request, requester, patient)
    try:
        async with unit_of_work(request) as uow:
            choice = await use_cases.read_choice(uow, requester, whose)
    except BookingRefused as refused:
        return refusal(refused)
    return JSONResponse(choice_view(choice))


@router.put("/reminder-preferences", responses=answers(403, 409, 503))
async def choose_reminders(
    request: Request,
    body: ReminderChoiceRequest,
    requester: CurrentRequester,
    now: Now,
    patient: PatientQuery = None,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Choose reminders by SMS (a Swedish mobile number), by e-mail (an address), or none. A reminder goes 24 and
    2 hours before each booked time (per time type), to the choice as it stands when the reminder is due."""
    requester, whose = await _patient_of(request, requester, patient)

    async def action(uow: UnitOfWork) -> ReminderChoice:
        reach = Reach.of(ReachBy(body.by), body.address)
        return await use_cases.choose(uow, requester, whose, reach, now=now)

    outcome = await run_once(
        unit_of_work(request),
        action,
        choice_view,
        caller=requester.id,
        idempotency_key=idempotency_key,
        request={"op": "reminder-preferences", "patient": whose, **body.model_dump(mode="json")},
        now=now,
    )
    return outcome.response()


async def _patient_of(request: Request, requester: Requester, personnummer: str | None) -> tuple[Requester, str]:
    if requester.is_staff:
        raise HTTPException(403, "Patienten väljer själv sina påminnelser, på webben.")
    if personnummer is None:
        return requester, requester.id
    return await child_of(request, requester, personnummer)
