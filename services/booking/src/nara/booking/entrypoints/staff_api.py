"""Staff's schedule API: blocking slots and recording patients' fixed care contacts (fast vårdkontakt)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from nara.shared.identity import CurrentCaller, record_staff_read

from ..service import schedule
from ..service.records import FixedCareContact
from ..service.requester import Requester
from ..service.unit_of_work import UnitOfWork
from .api import CurrentRequester, Now, answers, staff_patient
from .fields import HsaId, Personnummer
from .transactions import run_once
from .views import fixed_care_contact_views
from .wiring import unit_of_work

router = APIRouter(prefix="/api/v1", tags=["staff"])


class PatientRequest(BaseModel):
    patient: Personnummer  # in the body so it never lands in a URL or an access log line


class FixedCareContactRequest(PatientRequest):
    practitioner: HsaId
    fixed_doctor: bool = False


@router.post("/slots/{slot_id}/block", responses=answers(403, 404))
async def block_slot(request: Request, slot_id: uuid.UUID, requester: CurrentRequester, now: Now) -> JSONResponse:
    """Staff: no new bookings on this slot; existing ones stay."""
    return await _set_blocked(request, slot_id, requester, now, True)


@router.post("/slots/{slot_id}/unblock", responses=answers(403, 404))
async def unblock_slot(request: Request, slot_id: uuid.UUID, requester: CurrentRequester, now: Now) -> JSONResponse:
    """Staff: open a blocked slot again."""
    return await _set_blocked(request, slot_id, requester, now, False)


@router.put("/fixed-care-contacts", responses=answers(403, 404))
async def record_fixed_care_contact(
    request: Request, body: FixedCareContactRequest, requester: CurrentRequester, now: Now
) -> JSONResponse:
    """Staff: make a practitioner one of the patient's fixed care contacts (at most nine, plus one doctor);
    the answer lists those at the staff member's units."""
    patient = _staff_patient(request, requester, body.patient)

    async def action(uow: UnitOfWork) -> list[FixedCareContact]:
        return await schedule.record_fixed_care_contact(
            uow, requester, patient=patient, practitioner=body.practitioner, fixed_doctor=body.fixed_doctor, now=now
        )

    outcome = await run_once(
        unit_of_work(request),
        action,
        fixed_care_contact_views,
        caller=requester.id,
        idempotency_key=None,
        request={},
        now=now,
    )
    return outcome.response()


@router.post("/fixed-care-contacts/list", responses=answers(403))
async def list_fixed_care_contacts(
    request: Request, body: PatientRequest, requester: CurrentRequester, caller: CurrentCaller, now: Now
) -> list[dict[str, Any]]:
    """Staff: a patient's fixed care contacts at the staff member's own units; the read is access-logged."""
    patient = _staff_patient(request, requester, body.patient)
    async with unit_of_work(request) as uow:
        await record_staff_read(
            uow.connection,
            caller,
            patient=patient,
            action="read fixed care contacts",
            resource="fixed-care-contacts",
            at=now,
        )
        return fixed_care_contact_views(await uow.views.fixed_care_contacts(patient, requester.units))


@router.post("/fixed-care-contacts/remove", responses=answers(403, 404))
async def remove_fixed_care_contact(
    request: Request, body: FixedCareContactRequest, requester: CurrentRequester, now: Now
) -> JSONResponse:
    patient = _staff_patient(request, requester, body.patient)

    async def action(uow: UnitOfWork) -> list[FixedCareContact]:
        return await schedule.remove_fixed_care_contact(uow, requester, patient=patient, practitioner=body.practitioner)

    outcome = await run_once(
        unit_of_work(request),
        action,
        fixed_care_contact_views,
        caller=requester.id,
        idempotency_key=None,
        request={},
        now=now,
    )
    return outcome.response()


async def _set_blocked(
    request: Request, slot_id: uuid.UUID, requester: Requester, now: datetime, blocked: bool
) -> JSONResponse:
    if not requester.is_staff:
        raise HTTPException(403, "Bara personal kan spärra tider.")

    async def action(uow: UnitOfWork) -> dict[str, object]:
        return await schedule.set_blocked(uow, requester, slot_id, blocked, now)

    outcome = await run_once(
        unit_of_work(request),
        action,
        lambda answer: answer,
        caller=requester.id,
        idempotency_key=None,
        request={},
        now=now,
    )
    return outcome.response()


def _staff_patient(request: Request, requester: Requester, personnummer: str) -> str:
    return staff_patient(request, requester, personnummer, not_staff="Bara personal kan ändra fasta vårdkontakter.")
