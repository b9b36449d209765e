"""The triage REST API (/api/v1): guidelines, decisions and contacts. It translates HTTP and holds no rules."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from nara.shared.identity import CurrentCaller

from ..domain.conditions import Sex
from ..domain.contacts import ContactRefused
from ..domain.engine import TriageInputError
from ..domain.patient import PatientFacts, Respondent
from ..domain.reason_search import search_reasons
from ..service import contacts, guardianships
from ..service.decision_metrics import count_decision

router = APIRouter(prefix="/api/v1", tags=["triage"])


class EvaluateRequest(BaseModel):
    reason_code: str
    answers: dict[str, Any] = Field(default_factory=dict)
    age: int = Field(ge=0, le=130, description="Whole years.")
    age_months: int | None = Field(None, ge=0, le=1571, description="Whole months of age, when the birth date is "
                                   "known; infants' red flags depend on it (unknown counts as possibly under 3 months).")
    sex: Sex | None = Field(None, description="From the personnummer; conditions on sex read an unknown sex cautiously.")
    respondent: Respondent | None = Field(None, description="guardian when a parent answers for a child.")
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
    confirm_lowering_red_flag: bool = Field(
        False, description="Lowering a level a red flag raised needs the clinician role and this second confirmation.")


class GuardianshipRequest(BaseModel):
    guardian: str = Field(description="The guardian's personnummer.")
    child: str = Field(description="The child's personnummer; the child must be under 18.")
    child_name: str | None = Field(None, description="The child's given name, shown to the guardian.")


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
async def guidelines_in_force(request: Request, _: CurrentCaller, q: str | None = None,
                              age: int | None = Query(None, ge=0, le=130), sex: Sex | None = None) -> dict:
    """The guideline version in force and its contact reasons; `q` searches titles and synonyms (best first),
    `age` and `sex` keep only the reasons for that patient."""
    current = _registry(request).current()
    found = search_reasons(current, q or "", age, sex)
    return {"version": current.version, "title": current.title, "reasons": [
        {"code": r.code, "title": r.title, "title_child": r.title_child, "synonyms": list(r.synonyms),
         "age": r.age.model_dump() if r.age is not None else None, "sex": r.sex}
        for r in found]}


@router.get("/guidelines/reasons/{code}")
async def reason_questions(request: Request, code: str, _: CurrentCaller,
                           age: int | None = Query(None, ge=0, le=130), age_months: int | None = Query(None, ge=0),
                           sex: Sex | None = None, respondent: Respondent | None = None) -> dict:
    """The questions of one contact reason, red-flag questions first. Given the patient (`age`, and `age_months`,
    `sex` and `respondent` when known) only the questions that patient is asked, in the words for whoever answers."""
    current = _registry(request).current()
    reason = current.reason(code)
    if reason is None:
        raise HTTPException(404, f"Kontaktorsaken '{code}' finns inte i riktlinjerna {current.version}.")
    compiled = reason.compiled
    shared = {q.id for q in current.shared_questions}
    patient = PatientFacts(age, age_months, sex, respondent) if age is not None else None
    if patient is not None and age_months is not None and age_months // 12 != age:
        raise HTTPException(422, "age_months stämmer inte med age (hela månader, age × 12 till age × 12 + 11).")
    # Follow-ups (asked_if) are included: the page shows one once the answer it follows is given.
    asked = [q for q in compiled.asked if patient is None or compiled.asks(q, patient, {})]
    return {"version": current.version, "code": reason.code, "title": reason.title,
            "questions": [_question_view(q, patient, q.id in compiled.red_flag_questions, q.id in shared)
                          for q in asked],
            "red_flags": [{"id": f.id, "text": f.text, "care_level": f.care_level} for f in reason.all_red_flags]}


def _question_view(question: Any, patient: PatientFacts | None, red_flag: bool, shared: bool) -> dict:
    view = question.model_dump(mode="json", exclude={"ask", "always_at"})
    if patient is not None:
        view["text"] = question.text_for(patient)
        if "options" in view:
            view["options"] = [{"value": o.value, "text": o.text_for(patient)} for o in question.options]
    return {**view, "red_flag": red_flag, "shared": shared}


@router.post("/triage/evaluate")
async def evaluate(request: Request, body: EvaluateRequest, _: CurrentCaller) -> dict:
    """A decision with no record kept, for the web-booking flow."""
    patient = PatientFacts(body.age, body.age_months, body.sex, body.respondent)
    try:
        decision = _registry(request).evaluate(body.reason_code, body.answers, patient, body.channel,
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


@router.post("/guardianships", status_code=201)
async def record_guardianship(request: Request, body: GuardianshipRequest, caller: CurrentCaller) -> JSONResponse:
    """Admin: record that a guardian has custody of a child under 18 (in production: the population register)."""
    return await _in_transaction(request, 201, lambda c: guardianships.tell(
        c, caller, guardian=body.guardian, child=body.child, child_name=body.child_name, now=_now(request)))


@router.post("/guardianships/end")
async def end_guardianship(request: Request, body: GuardianshipRequest, caller: CurrentCaller) -> JSONResponse:
    """Admin: custody has ended."""
    return await _in_transaction(request, 200, lambda c: guardianships.end(c, caller, guardian=body.guardian,
                                                                           child=body.child))


@router.get("/guardianships/mine")
async def my_children(request: Request, caller: CurrentCaller) -> JSONResponse:
    """A citizen's children under 18, whom they may triage and book for."""
    return await _in_transaction(request, 200, lambda c: _children(c, caller, _now(request)))


async def _children(connection, caller, now) -> dict:
    return {"children": await guardianships.children(connection, caller, now)}


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
            body = {"detail": refused.message, **({"code": refused.code} if refused.code else {})}
            return JSONResponse(body, status_code=refused.status)
