"""The triage REST API (/api/v1): guidelines, decisions and contacts. It translates HTTP and holds no rules."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from nara.shared.identity import CurrentCaller

from ..domain.contacts import ContactRefused
from ..domain.engine import TriageInputError
from ..service import contacts
from ..service.decision_metrics import count_decision

router = APIRouter(prefix="/api/v1", tags=["triage"])


class EvaluateRequest(BaseModel):
    reason_code: str
    answers: dict[str, Any] = Field(default_factory=dict)
    age: int = Field(ge=0, le=130)
    channel: str = "web"


class RegisterRequest(BaseModel):
    patient: str | None = Field(None, description="The personnummer; a citizen may leave it out.")
    unit: str
    channel: str
    sought_at: datetime | None = None
    reason_code: str | None = None
    listed_unit: str | None = None


class Override(BaseModel):
    reason: str
    urgency: str | None = None
    care_level: str | None = None
    profession: str | None = None


class TriageRequest(BaseModel):
    answers: dict[str, Any] = Field(default_factory=dict)
    reason_code: str | None = None
    override: Override | None = None


class AssessmentRequest(BaseModel):
    assessed_at: datetime
    profession: str
    contact_form: str


class CloseRequest(BaseModel):
    reason: str


def _now(request: Request) -> datetime:
    return request.app.state.clock.now()


def _registry(request: Request):
    return request.app.state.guidelines


@router.get("/guidelines")
async def guidelines_in_force(request: Request, _: CurrentCaller) -> dict:
    """The guideline version in force and its contact reasons."""
    current = _registry(request).current()
    return {"version": current.version, "title": current.title, "reasons": [
        {"code": r.code, "title": r.title, "synonyms": list(r.synonyms),
         "age": r.age.model_dump() if r.age is not None else None}
        for r in sorted(current.reasons.values(), key=lambda r: r.title)]}


@router.get("/guidelines/reasons/{code}")
async def reason_questions(request: Request, code: str, _: CurrentCaller) -> dict:
    """The questions of one contact reason, red-flag questions first."""
    current = _registry(request).current()
    reason = current.reason(code)
    if reason is None:
        raise HTTPException(404, f"Kontaktorsaken '{code}' finns inte i riktlinjerna {current.version}.")
    flagged = {question for flag in reason.red_flags for question in flag.when.answers}
    questions = sorted(reason.questions, key=lambda q: q.id not in flagged)
    return {"version": current.version, "code": reason.code, "title": reason.title,
            "questions": [{**q.model_dump(mode="json"), "red_flag": q.id in flagged} for q in questions],
            "red_flags": [{"id": f.id, "text": f.text, "care_level": f.care_level} for f in reason.red_flags]}


@router.post("/triage/evaluate")
async def evaluate(request: Request, body: EvaluateRequest, _: CurrentCaller) -> dict:
    """A decision with no record kept, for the web-booking flow."""
    try:
        decision = _registry(request).evaluate(body.reason_code, body.answers, body.age, body.channel,
                                               _now(request)).model_dump(mode="json")
    except TriageInputError as wrong:
        raise HTTPException(422, str(wrong)) from wrong
    count_decision("preview", decision, body.channel)
    return decision


@router.post("/guidelines/reload")
async def reload_guidelines(request: Request, caller: CurrentCaller) -> JSONResponse:
    """Admin: put a new guideline version in force without a restart, if it lints clean."""
    if caller.role != "admin":
        raise HTTPException(403, "Bara administratörer kan byta riktlinjeversion.")
    result = _registry(request).reload()
    body = {"accepted": result.accepted, "changed": result.changed, "version": result.version,
            "findings": [str(f) for f in result.findings]}
    return JSONResponse(body, status_code=200 if result.accepted else 422)


@router.post("/contacts", status_code=201)
async def register_contact(request: Request, body: RegisterRequest, caller: CurrentCaller) -> JSONResponse:
    """Register a contact; this starts the guarantee clock."""
    return await _in_transaction(request, 201, lambda c: contacts.register(
        c, caller, request.app.state.pseudonymiser, personnummer=body.patient, unit=body.unit, channel=body.channel,
        sought_at=body.sought_at, reason_code=body.reason_code, listed_unit=body.listed_unit, now=_now(request)))


@router.get("/contacts")
async def contact_queue(request: Request, caller: CurrentCaller, unit: str, status: str | None = None) -> JSONResponse:
    """The console's queue for one of the caller's units."""
    return await _in_transaction(request, 200, lambda c: contacts.queue(c, caller, unit=unit, status=status,
                                                                        now=_now(request)))


@router.get("/contacts/{contact_id}")
async def open_contact(request: Request, contact_id: uuid.UUID, caller: CurrentCaller) -> JSONResponse:
    return await _in_transaction(request, 200, lambda c: contacts.open_contact(c, caller, contact_id, _now(request)))


@router.post("/contacts/{contact_id}/triage")
async def triage_contact(request: Request, contact_id: uuid.UUID, body: TriageRequest,
                         caller: CurrentCaller) -> JSONResponse:
    """Triage a contact with the guidelines in force; a staff override needs a written reason."""
    override = body.override.model_dump() if body.override else None
    return await _in_transaction(request, 200, lambda c: contacts.triage(
        c, caller, _registry(request), contact_id, answers=body.answers, reason_code=body.reason_code,
        override=override, now=_now(request)))


@router.post("/contacts/{contact_id}/assessment")
async def record_assessment(request: Request, contact_id: uuid.UUID, body: AssessmentRequest,
                            caller: CurrentCaller) -> JSONResponse:
    return await _in_transaction(request, 200, lambda c: contacts.record_assessment(
        c, caller, contact_id, assessed_at=body.assessed_at, profession=body.profession,
        contact_form=body.contact_form, now=_now(request)))


@router.post("/contacts/{contact_id}/close")
async def close_contact(request: Request, contact_id: uuid.UUID, body: CloseRequest,
                        caller: CurrentCaller) -> JSONResponse:
    return await _in_transaction(request, 200, lambda c: contacts.close(c, caller, contact_id, reason=body.reason,
                                                                        now=_now(request)))


async def _in_transaction(request: Request, status: int, action) -> JSONResponse:
    async with request.app.state.pool.acquire() as connection:
        try:
            async with connection.transaction():
                return JSONResponse(await action(connection), status_code=status)
        except ContactRefused as refused:
            return JSONResponse({"detail": refused.message}, status_code=refused.status)
