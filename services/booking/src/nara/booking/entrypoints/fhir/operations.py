"""The FHIR scheduling operations Appointment/$find, $hold and $book (IHE ITI Scheduling, after Argonaut), over the
same search, hold and book use cases as the REST API, under the same access checks."""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

from fastapi import Header, Request
from fastapi.responses import Response

from ...service import appointments as use_cases
from ...service.records import AppointmentRecord
from ...service.requester import Requester
from ...service.unit_of_work import UnitOfWork
from ..api import CurrentRequester, Now, patient_pseudonym, policy_of
from ..guardians import child_of
from ..transactions import MAX_KEY_LENGTH, run_once
from ..wiring import unit_of_work
from .answers import fhir, outcome
from .parameters import BadParameters, SlotChoice, find_request, slot_choice
from .resources import PERSONNUMMER, appointment_resource, bundle, held_appointment, proposed_appointment
from .routes import base_url, free_times, router

IdempotencyKey = Annotated[str | None, Header(alias="Idempotency-Key", max_length=MAX_KEY_LENGTH)]


@router.post("/Appointment/$find")
async def find(request: Request, requester: CurrentRequester, now: Now) -> Response:
    """Free times as proposed Appointments, one per slot (IHE Scheduling / Argonaut $find)."""
    wanted = find_request(await _json(request))
    slots = await free_times(request, requester, wanted, now)
    return fhir(bundle([proposed_appointment(s, wanted.contact) for s in slots], base_url(request)))


@router.post("/Appointment/$hold")
async def hold(request: Request, requester: CurrentRequester, now: Now) -> Response:
    """Hold the Appointment's slot for a few minutes (the hold use case); answered as a pending Appointment."""
    chosen = slot_choice(await _json(request))
    requester, patient = await _patient_for(request, requester, chosen)
    policy = policy_of(request)

    async def action(uow: UnitOfWork) -> dict[str, Any]:
        held = await use_cases.hold(uow, requester, chosen.slot_id, now, policy, chosen.contact, patient)
        slot = await uow.slots.slot(held.slot_id)
        return held_appointment(held, (slot.start_at, slot.end_at) if slot else None)

    answered = await run_once(
        unit_of_work(request), action, lambda a: a, caller=requester.id, idempotency_key=None, request={}, now=now
    )
    if not answered.succeeded:
        return outcome(answered.status, answered.message or "", answered.code)
    return fhir(bundle([answered.body], base_url(request)))


@router.post("/Appointment/$book")
async def book(
    request: Request, requester: CurrentRequester, now: Now, idempotency_key: IdempotencyKey = None
) -> Response:
    """Book the Appointment's slot (the book use case, taking the caller's hold on it). A repeat with the same
    Idempotency-Key, or the same Appointment.identifier, answers as the first did and books nothing more."""
    chosen = slot_choice(await _json(request))
    requester, patient = await _patient_for(request, requester, chosen)
    policy = policy_of(request)

    async def action(uow: UnitOfWork) -> AppointmentRecord:
        return await use_cases.book(
            uow,
            requester,
            slot_id=chosen.slot_id,
            patient=patient,
            contact_id=chosen.contact,
            reason=chosen.reason,
            now=now,
            policy=policy,
        )

    named = chosen.identifier
    key = idempotency_key or (f"fhir-book:{hashlib.sha256(named.encode()).hexdigest()}" if named else None)
    described = {
        "op": "fhir-book",
        "slot": str(chosen.slot_id),
        "patient": patient,
        "reason": chosen.reason,
        "contact": chosen.contact,
    }
    answered = await run_once(
        unit_of_work(request),
        action,
        appointment_resource,
        caller=requester.id,
        idempotency_key=key,
        request=described,
        now=now,
    )
    if answered.code == "idempotency_key_reused" and not idempotency_key:
        return outcome(422, IDENTIFIER_REUSED, answered.code)
    if not answered.succeeded:
        return outcome(answered.status, answered.message or "", answered.code)
    return fhir(bundle([answered.body], base_url(request)))


IDENTIFIER_REUSED = "Appointment.identifier har redan använts för en annan bokning. Använd ett nytt id."


async def _json(request: Request) -> Any:
    try:
        return await request.json()
    except ValueError:
        raise BadParameters("Begäran är inte giltig JSON. Skicka en FHIR-resurs (application/fhir+json).") from None


async def _patient_for(request: Request, requester: Requester, chosen: SlotChoice) -> tuple[Requester, str]:
    """As the REST API: a citizen books for themselves or their child; staff name the patient."""
    if not requester.is_staff:
        if chosen.patient is None:
            return requester, requester.id
        return await child_of(request, requester, chosen.patient)
    if chosen.patient is None:
        raise BadParameters(f"Ange patienten som deltagare med personnummer ({PERSONNUMMER}).")
    return requester, patient_pseudonym(request, chosen.patient)
