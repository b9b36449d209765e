"""The triage REST API (/api/v1): guidelines, decisions and contacts. It translates HTTP and holds no rules."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, HTTPException, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from nara.shared.care_guarantee import CareGuaranteePolicy
from nara.shared.identity import Caller, CurrentCaller
from nara.shared.web.fields import Code, LongText, Moment

from ..adapters.idempotency import KEY_PATTERN, MAX_KEY_LENGTH
from ..domain.conditions import Sex
from ..domain.engine import TriageInputError
from ..domain.patient import PatientFacts, Respondent
from ..domain.reason_groups import GROUP_ORDER, GROUP_TITLES
from ..domain.reason_search import search_reasons
from ..domain.registry import GuidelineRegistry
from ..service import contacts, guardianships
from ..service.decision_metrics import count_decision
from ..service.unit_of_work import UnitOfWork
from .fields import Answers, ChildName, PersonnummerInput, SearchText, UnitId
from .problems import CHANGE, READ, problem, problem_responses
from .transactions import now_of, respond, respond_once

router = APIRouter(prefix="/api/v1", tags=["triage"])
# The key's form is documented here and checked by the idempotency layer, which answers in Swedish.
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        json_schema_extra={"maxLength": MAX_KEY_LENGTH, "pattern": KEY_PATTERN},
        description="A retry with the same key and body gets the first answer again and changes nothing (for "
        "TRIAGE_IDEMPOTENCY_RETENTION_HOURS, 7 days by default); the same key with another body is a 422. "
        "Visible ASCII, at most 200 characters (a UUID does).",
    ),
]
CHANGE_PROBLEMS = problem_responses(*CHANGE)
ContactStatus = Literal["open", "triaged", "assessed", "closed"]


class EvaluateRequest(BaseModel):
    reason_code: Code
    answers: Answers = Field(default_factory=dict)
    age: int = Field(ge=0, le=130, description="Whole years.")
    age_months: int | None = Field(
        None,
        ge=0,
        le=1571,
        description="Whole months of age, when the birth date is "
        "known; infants' red flags depend on it (unknown counts as possibly under 3 months).",
    )
    sex: Sex | None = Field(
        None, description="From the personnummer; conditions on sex read an unknown sex cautiously."
    )
    respondent: Respondent | None = Field(None, description="guardian when a parent answers for a child.")
    channel: Code = "web"


class RegisterRequest(BaseModel):
    patient: PersonnummerInput | None = Field(None, description="The personnummer; a citizen may leave it out.")
    unit: UnitId
    channel: Code
    sought_at: Moment | None = Field(
        None,
        description="When the patient sought care (staff only; at most 30 days ago, not in the future). Left out: now.",
    )
    reason_code: Code | None = None
    listed_unit: UnitId | None = Field(
        None,
        description="Where the patient is listed, if the caller knows. Staff who state it record it in the "
        "listing register; a citizen's web contact records the chosen unit when none is known. "
        "Left out, the register decides; unknown is covered by the guarantee and flagged.",
    )


class Override(BaseModel):
    reason: LongText = Field(
        description="Why staff depart from the guidelines; saved, shown and sent in "
        "contact.triaged.v1, so never a personnummer."
    )
    urgency: Code | None = None
    care_level: Code | None = None
    profession: Code | None = None
    confirm_lowering_red_flag: bool = Field(
        False, description="Lowering a level a red flag raised needs the clinician role and this second confirmation."
    )


class GuardianshipRequest(BaseModel):
    guardian: PersonnummerInput = Field(description="The guardian's personnummer.")
    child: PersonnummerInput = Field(description="The child's personnummer; the child must be under 18.")
    child_name: ChildName | None = Field(None, description="The child's given name, shown to the guardian.")


class TriageRequest(BaseModel):
    answers: Answers = Field(default_factory=dict)
    reason_code: Code | None = None
    override: Override | None = None


class AssessmentRequest(BaseModel):
    assessed_at: Moment
    profession: Code
    contact_form: Code


class CloseRequest(BaseModel):
    reason: Code


def _now(request: Request) -> datetime:
    return now_of(request)


def _registry(request: Request) -> GuidelineRegistry:
    registry: GuidelineRegistry = request.app.state.guidelines
    return registry


@router.get("/guidelines", responses=problem_responses(*READ))
async def guidelines_in_force(
    request: Request,
    _: CurrentCaller,
    q: SearchText | None = None,
    age: int | None = Query(None, ge=0, le=130),
    sex: Sex | None = None,
) -> dict[str, Any]:
    """The guideline version in force and its contact reasons; `q` searches titles and synonyms (best first),
    `age` and `sex` keep only the reasons for that patient."""
    current = _registry(request).current()
    found = search_reasons(current, q or "", age, sex)
    return {
        "version": current.version,
        "title": current.title,
        "groups": [{"code": code, "title": GROUP_TITLES[code]} for code in GROUP_ORDER],
        "reasons": [
            {
                "code": r.code,
                "title": r.title,
                "title_child": r.title_child,
                "group": r.group,
                "group_title": GROUP_TITLES.get(r.group or ""),
                "synonyms": list(r.synonyms),
                "age": r.age.model_dump() if r.age is not None else None,
                "sex": r.sex,
            }
            for r in found
        ],
    }


@router.get("/guidelines/reasons/{code}", responses=problem_responses(401, 404, 422))
async def reason_questions(
    request: Request,
    code: Annotated[Code, Path()],
    _: CurrentCaller,
    age: int | None = Query(None, ge=0, le=130),
    age_months: int | None = Query(None, ge=0, le=1571),
    sex: Sex | None = None,
    respondent: Respondent | None = None,
) -> dict[str, Any]:
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
    return {
        "version": current.version,
        "code": reason.code,
        "title": reason.title,
        "questions": [_question_view(q, patient, q.id in compiled.red_flag_questions, q.id in shared) for q in asked],
        "red_flags": [{"id": f.id, "text": f.text, "care_level": f.care_level} for f in reason.all_red_flags],
    }


def _question_view(question: Any, patient: PatientFacts | None, red_flag: bool, shared: bool) -> dict[str, Any]:
    view = question.model_dump(mode="json", exclude={"ask", "always_at"})
    if patient is not None:
        view["text"] = question.text_for(patient)
        if "options" in view:
            view["options"] = [{"value": o.value, "text": o.text_for(patient)} for o in question.options]
    return {**view, "red_flag": red_flag, "shared": shared}


@router.post("/triage/evaluate", responses=problem_responses(*READ))
async def evaluate(request: Request, body: EvaluateRequest, _: CurrentCaller) -> dict[str, Any]:
    """A decision with no record kept, for the web-booking flow."""
    patient = PatientFacts(body.age, body.age_months, body.sex, body.respondent)
    try:
        decision = (
            _registry(request)
            .evaluate(body.reason_code, body.answers, patient, body.channel, _now(request))
            .model_dump(mode="json")
        )
    except TriageInputError as wrong:
        raise HTTPException(422, str(wrong)) from wrong
    count_decision("preview", decision, body.channel)
    return decision


@router.post("/guidelines/reload", responses=problem_responses(401, 403, 422))
async def reload_guidelines(request: Request, caller: CurrentCaller) -> JSONResponse:
    """Admin: put a new guideline version in force without a restart, if it lints clean; if not, a 422 problem
    lists the linter's findings (`errors`) and the version in force stays."""
    if caller.role != "admin":
        raise HTTPException(403, "Bara administratörer kan byta riktlinjeversion.")
    result = await asyncio.to_thread(_registry(request).reload)  # seconds of linting: not on the event loop
    findings = [str(f) for f in result.findings]
    if result.accepted:
        return JSONResponse(
            {"accepted": True, "changed": result.changed, "version": result.version, "findings": findings}
        )
    return problem(
        422,
        "Riktlinjerna i mappen godtas inte, så versionen som gäller är oförändrad. Rätta felen och ladda om.",
        "guidelines_not_accepted",
        [{"field": "guidelines", "message": finding} for finding in findings[:100]],
        instance=request.url.path,
    )


@router.post("/guardianships", status_code=201, responses=problem_responses(401, 403, 422))
async def record_guardianship(
    request: Request, body: GuardianshipRequest, caller: CurrentCaller, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    """Admin: record that a guardian has custody of a child under 18 (in production: the population register)."""
    fingerprint = {"op": "guardianship", **body.model_dump(mode="json")}
    return await respond_once(
        request,
        caller,
        idempotency_key,
        fingerprint,
        lambda c: guardianships.tell(
            c, caller, guardian=body.guardian, child=body.child, child_name=body.child_name, now=_now(request)
        ),
        status=201,
    )


@router.post("/guardianships/end", responses=problem_responses(401, 403, 404, 422))
async def end_guardianship(
    request: Request, body: GuardianshipRequest, caller: CurrentCaller, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    """Admin: custody has ended."""
    fingerprint = {"op": "end guardianship", **body.model_dump(mode="json")}
    return await respond_once(
        request,
        caller,
        idempotency_key,
        fingerprint,
        lambda c: guardianships.end(c, caller, guardian=body.guardian, child=body.child),
    )


@router.get("/guardianships/mine", responses=problem_responses(401, 403, 422))
async def my_children(request: Request, caller: CurrentCaller) -> JSONResponse:
    """A citizen's children under 18, whom they may triage and book for."""
    return await respond(request, 200, lambda c: _children(c, caller, _now(request)))


async def _children(uow: UnitOfWork, caller: Caller, now: datetime) -> dict[str, Any]:
    return {"children": await guardianships.children(uow, caller, now)}


@router.post("/contacts", status_code=201, responses=problem_responses(401, 403, 422))
async def register_contact(
    request: Request, body: RegisterRequest, caller: CurrentCaller, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    """Register a contact; this starts the guarantee clock. The answer says where the patient is listed
    (`listing`: here, elsewhere or unknown); a retry with the same Idempotency-Key makes no second contact."""
    fingerprint = {"op": "register", **body.model_dump(mode="json")}
    return await respond_once(
        request,
        caller,
        idempotency_key,
        fingerprint,
        lambda c: contacts.register(
            c,
            caller,
            request.app.state.pseudonymiser,
            _policy(request),
            personnummer=body.patient,
            unit=body.unit,
            channel=body.channel,
            sought_at=body.sought_at,
            reason_code=body.reason_code,
            listed_unit=body.listed_unit,
            now=_now(request),
        ),
        status=201,
    )


@router.get("/contacts", responses=problem_responses(401, 403, 422))
async def contact_queue(
    request: Request, caller: CurrentCaller, unit: UnitId, status: ContactStatus | None = None
) -> JSONResponse:
    """The console's queue for one of the caller's units."""
    return await respond(
        request,
        200,
        lambda c: contacts.queue(c, caller, unit=unit, status=status, now=_now(request), policy=_policy(request)),
    )


@router.get("/contacts/{contact_id}", responses=problem_responses(401, 404, 422))
async def open_contact(request: Request, contact_id: uuid.UUID, caller: CurrentCaller) -> JSONResponse:
    return await respond(
        request, 200, lambda c: contacts.open_contact(c, caller, contact_id, _now(request), _policy(request))
    )


@router.post("/contacts/{contact_id}/triage", responses=CHANGE_PROBLEMS)
async def triage_contact(
    request: Request,
    contact_id: uuid.UUID,
    body: TriageRequest,
    caller: CurrentCaller,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Triage a contact with the guidelines in force; a staff override needs a written reason."""
    override = body.override.model_dump() if body.override else None
    fingerprint = {"op": "triage", "contact_id": str(contact_id), **body.model_dump(mode="json")}
    return await respond_once(
        request,
        caller,
        idempotency_key,
        fingerprint,
        lambda c: contacts.triage(
            c,
            caller,
            _registry(request),
            contact_id,
            answers=body.answers,
            reason_code=body.reason_code,
            override=override,
            now=_now(request),
            policy=_policy(request),
        ),
    )


@router.post("/contacts/{contact_id}/assessment", responses=CHANGE_PROBLEMS)
async def record_assessment(
    request: Request,
    contact_id: uuid.UUID,
    body: AssessmentRequest,
    caller: CurrentCaller,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """A licensed professional has made the medical assessment; this stops the guarantee clock."""
    fingerprint = {"op": "assessment", "contact_id": str(contact_id), **body.model_dump(mode="json")}
    return await respond_once(
        request,
        caller,
        idempotency_key,
        fingerprint,
        lambda c: contacts.record_assessment(
            c,
            caller,
            contact_id,
            assessed_at=body.assessed_at,
            profession=body.profession,
            contact_form=body.contact_form,
            now=_now(request),
            policy=_policy(request),
        ),
    )


@router.post("/contacts/{contact_id}/close", responses=CHANGE_PROBLEMS)
async def close_contact(
    request: Request,
    contact_id: uuid.UUID,
    body: CloseRequest,
    caller: CurrentCaller,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Close the contact: self-care advice, withdrawn, sent to the emergency department, or a duplicate."""
    fingerprint = {"op": "close", "contact_id": str(contact_id), **body.model_dump(mode="json")}
    return await respond_once(
        request,
        caller,
        idempotency_key,
        fingerprint,
        lambda c: contacts.close(c, caller, contact_id, reason=body.reason, now=_now(request), policy=_policy(request)),
    )


def _policy(request: Request) -> CareGuaranteePolicy:
    policy: CareGuaranteePolicy = request.app.state.policy
    return policy
