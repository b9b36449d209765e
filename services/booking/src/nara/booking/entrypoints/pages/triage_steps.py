"""What the visit is about: the reason (searchable), the questions with red flags first, the triage's advice,
and the choice of unit, which registers the visit as a web contact and triages it there (the clock starts).

A red flag answered yes decides at once: the advice page comes before any other question is asked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from nara.shared.web.pages import Choice, see_other

from ...adapters.triage_client import (
    ContactReason,
    Decision,
    Question,
    ReasonQuestions,
    TriageRefused,
    TriageUnavailable,
)
from ..wiring import now_of, reads
from .advice_text import bookable_advice
from .common import free_text_error, triage
from .kit import BookingRoute, show, triage_unavailable_page
from .next_step import BOOKABLE_LEVELS
from .patient_steps import Patient, patient_of
from .question_forms import Answers, asked_now, next_questions, question_fields, read_answer
from .session import Citizen, CurrentCitizen, Flow, checked_form, read_flow, write_flow

router = APIRouter(route_class=BookingRoute, include_in_schema=False)
NOTHING_FITS = "other"
OTHER_GROUP = "Övrigt"
CHILDREN_GROUP = "Vanliga besvär hos barn"
MAX_SEARCH = 100


def compact(decision: Decision) -> dict[str, Any]:
    """What later pages need of a decision; the texts are fetched again, so the signed cookie stays small."""
    return {
        "care_level": decision.care_level,
        "urgency": decision.urgency,
        "profession": decision.profession,
        "alternatives": decision.alternatives,
        "guarantee_applies": decision.guarantee_applies,
        "guideline_version": decision.guideline_version,
        "deciding_kind": decision.deciding_kind,
        "heading": decision.heading,
    }


def _for_whom(patient: Patient) -> str:
    return f" för {patient.label()}" if patient.is_child else ""


# --- the reason ---


@dataclass(frozen=True)
class ReasonGroup:
    """One heading of the list, as 1177 groups the problems, and its reasons; open when it holds the choice."""

    title: str
    options: list[Choice]
    open: bool = False


def grouped(reasons: list[ContactReason], order: list[str], by_guardian: bool, chosen: str | None) -> list[ReasonGroup]:
    """The reasons under their groups in 1177's order (a group the triage did not name comes last). For a child,
    the reasons written for children come first in a group of their own that is open (1177's "Barn och gravid"):
    a guardian sees "Feber hos barn" at once (issue 11)."""
    for_children = [r for r in reasons if by_guardian and r.max_age is not None and r.max_age < 18]
    rest = [r for r in reasons if r not in for_children]
    groups = [ReasonGroup(CHILDREN_GROUP, _choices(for_children, by_guardian), open=True)] if for_children else []
    for title in dict.fromkeys([*order, *(r.group_title or OTHER_GROUP for r in rest)]):
        members = [r for r in rest if (r.group_title or OTHER_GROUP) == title]
        if members:
            groups.append(
                ReasonGroup(title, _choices(members, by_guardian), open=any(r.code == chosen for r in members))
            )
    return groups


def _choices(reasons: list[ContactReason], by_guardian: bool) -> list[Choice]:
    return [Choice(r.code, r.title_for(by_guardian)) for r in reasons]


async def _reasons_page(
    request: Request, citizen: Citizen, flow: Flow, *, query: str = "", error: str | None = None
) -> HTMLResponse:
    patient = await patient_of(request, citizen, flow)
    typed, query = query, query[:MAX_SEARCH]
    search_error = free_text_error(query, MAX_SEARCH)
    query = "" if search_error else query  # a personnummer typed here goes no further, not even to triage
    guidelines = await triage(request).guidelines(
        citizen.token, query=query, age=patient.facts.age, sex=patient.facts.sex
    )
    found = [r for r in guidelines.reasons if r.code != NOTHING_FITS]
    chosen = flow.get("reason")
    nothing_fits = Choice(
        NOTHING_FITS,
        "Inget av detta passar",
        hint="Du får svara på några korta frågor, och sedan bedömer en sjuksköterska besvären.",
    )
    # A search lists what it found, best first; without one, the reasons come grouped as 1177 groups them.
    options = [Choice(r.code, r.title_for(patient.is_child)) for r in found] if query else []
    groups = [] if query else grouped(found, guidelines.group_titles, patient.is_child, chosen)
    title = f"Vad gäller besöket{_for_whom(patient)}?"
    shown = (
        (
            f"{len(found)} besvär passar ”{query}”."
            if found
            else f"Inga besvär passar ”{query}”. Välj ”Inget av detta passar”, eller sök med ett annat ord."
        )
        if query
        else ""
    )
    errors = [("orsak", error)] if error else []
    errors += [("sok", search_error)] if search_error else []
    return await show(
        request,
        citizen,
        "reasons.html",
        title=title,
        flow=flow,
        active="book",
        errors=errors,
        status_code=400 if errors else 200,
        heading=title,
        typed=typed,
        query=query,
        search_error=search_error,
        options=options,
        groups=groups,
        nothing_fits=nothing_fits,
        chosen=chosen,
        error=error,
        shown=shown,
        may_switch=bool(flow.get("patient_chosen")),
    )


@router.get("/besvar")
async def reasons(request: Request, citizen: CurrentCitizen, sok: str | None = None) -> Response:
    flow = read_flow(request, citizen)
    if not flow.get("patient_chosen") and await triage(request).children(citizen.token):
        return see_other("/besvar/vem")
    return await _reasons_page(request, citizen, flow, query=(sok or "").strip())


@router.post("/besvar")
async def choose_reason(request: Request, citizen: CurrentCitizen) -> Response:
    form = await checked_form(request, citizen)
    flow = read_flow(request, citizen)
    patient = await patient_of(request, citizen, flow)
    code = form.get("orsak") or ""
    guidelines = await triage(request).guidelines(citizen.token, age=patient.facts.age, sex=patient.facts.sex)
    chosen = next((r for r in guidelines.reasons if r.code == code), None)
    if chosen is None:
        return await _reasons_page(request, citizen, flow, error="Välj vad besöket gäller.")
    if chosen.code != flow.get("reason"):
        # A new reason keeps the answers shared between reasons (risk factors are asked once per contact).
        kept: Flow = {k: flow[k] for k in ("patient", "patient_chosen") if k in flow}
        flow = {**kept, "reason": chosen.code, "reason_title": chosen.title}
        Answers.of(read_flow(request, citizen)).only_shared().store(flow)
    response = see_other("/besvar/fragor")
    write_flow(request, response, citizen, flow)
    return response


# --- the questions ---


async def _questions_page(
    request: Request,
    citizen: Citizen,
    flow: Flow,
    patient: Patient,
    questions: list[Question],
    *,
    raw: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    general: str | None = None,
) -> HTMLResponse:
    errors = errors or {}
    answers = Answers.of(flow)
    red_flags = any(q.red_flag for q in questions)
    if red_flags:
        caption, intro = (
            "Viktiga frågor först",
            (
                "Svara på de här frågorna först. Om något av det stämmer kan det behövas vård direkt. "
                "Svara ”Vet inte” om du inte vet."
            ),
        )
    else:
        caption, intro = "Frågor om besvären", "Svara på frågorna, så får du råd om vart du ska vända dig."
    summary: list[tuple[str | None, str]] = [(f"svar-{q.id}", errors[q.id]) for q in questions if q.id in errors]
    summary += [(None, general)] if general else []
    page = await show(
        request,
        citizen,
        "questions.html",
        title=str(flow.get("reason_title") or "Frågor"),
        flow=flow,
        active="book",
        errors=summary,
        status_code=400 if summary else 200,
        caption=caption,
        heading=f"{flow.get('reason_title') or 'Dina besvär'}{_for_whom(patient)}",
        intro=intro,
        question_ids=",".join(q.id for q in questions),
        question_fields=question_fields(questions, answers, raw, errors),
    )
    if red_flags:
        page.headers["X-Nara-Question-Page"] = "red-flags"  # for tests and monitoring: which kind of page this is
    return page


async def _evaluate(
    request: Request, citizen: Citizen, flow: Flow, patient: Patient, reason: ReasonQuestions | None = None
) -> Decision:
    client = triage(request)
    reason = reason or await client.reason(citizen.token, flow["reason"], patient.facts)
    return await client.evaluate(
        citizen.token,
        reason_code=flow["reason"],
        answers=Answers.of(flow).for_questions(reason.questions),
        patient=patient.facts,
    )


def _to_advice(request: Request, citizen: Citizen, flow: Flow, decision: Decision) -> Response:
    flow["decision"] = compact(decision)
    response = see_other("/besvar/rad")
    write_flow(request, response, citizen, flow)
    return response


@router.get("/besvar/fragor")
async def questions(request: Request, citizen: CurrentCitizen, alla: str | None = None) -> Response:
    flow = read_flow(request, citizen)
    if not flow.get("reason"):
        return see_other("/besvar")
    patient = await patient_of(request, citizen, flow)
    reason = await triage(request).reason(citizen.token, flow["reason"], patient.facts)
    answers = Answers.of(flow)
    shown = asked_now(reason.questions, answers) if alla else next_questions(reason.questions, answers)
    if not shown:
        return _to_advice(request, citizen, flow, await _evaluate(request, citizen, flow, patient, reason))
    return await _questions_page(request, citizen, flow, patient, shown)


@router.post("/besvar/fragor")
async def answer_questions(request: Request, citizen: CurrentCitizen) -> Response:
    form = await checked_form(request, citizen)
    flow = read_flow(request, citizen)
    if not flow.get("reason"):
        return see_other("/besvar")
    patient = await patient_of(request, citizen, flow)
    reason = await triage(request).reason(citizen.token, flow["reason"], patient.facts)
    on_page = set((form.get("fragor") or "").split(","))
    shown = [q for q in reason.questions if q.id in on_page]
    answers, errors = Answers.of(flow), {}
    for question in shown:
        value, problem = read_answer(question, form.get(f"svar-{question.id}"))
        if problem:
            errors[question.id] = problem
        elif value is not None:
            answers.record(question, value)
    answers.store(flow)  # every answer given is kept, also when another needs fixing
    try:
        # A red flag answered yes decides now, whatever is still unanswered.
        if any(answers.given.get(q.id) not in (None, False) for q in shown if q.red_flag):
            decision = await _evaluate(request, citizen, flow, patient, reason)
            if decision.deciding_kind == "red_flag" and decision.care_level not in BOOKABLE_LEVELS:
                return _to_advice(request, citizen, flow, decision)
        if errors:
            page = await _questions_page(request, citizen, flow, patient, shown, raw=form, errors=errors)
            write_flow(request, page, citizen, flow)
            return page
        following = next_questions(reason.questions, answers)
        if following:
            response = see_other("/besvar/fragor")
            write_flow(request, response, citizen, flow)
            return response
        return _to_advice(request, citizen, flow, await _evaluate(request, citizen, flow, patient, reason))
    except TriageRefused as refused:
        if refused.status == 401:
            raise
        page = await _questions_page(
            request,
            citizen,
            flow,
            patient,
            shown,
            raw=form,
            general=(
                "Vi kunde inte bedöma dina svar för de här besvären. Kontrollera svaren, eller välj andra besvär "
                "som passar bättre. Behöver du råd, ring 1177."
            ),
        )
        write_flow(request, page, citizen, flow)
        return page


# --- the advice ---


@router.get("/besvar/rad")
async def advice(request: Request, citizen: CurrentCitizen) -> Response:
    flow = read_flow(request, citizen)
    if not flow.get("decision") or not flow.get("reason"):
        return see_other("/besvar/fragor" if flow.get("reason") else "/besvar")
    patient = await patient_of(request, citizen, flow)
    decision = await _evaluate(request, citizen, flow, patient)
    return await show(
        request,
        citizen,
        "advice.html",
        title=decision.heading or "Råd",
        flow=flow,
        active="book",
        **advice_words(decision, patient, bool(flow.get("contact_id"))),
    )


def advice_words(decision: Decision, patient: Patient, registered: bool) -> dict[str, Any]:
    """What the advice page says: its heading and lead, and where to book when a time can be booked."""
    level = decision.care_level
    book: tuple[str, str] | None = None
    notice = ""
    if level in BOOKABLE_LEVELS:
        words = bookable_advice(
            level,
            decision.profession,
            decision.alternatives,
            guarantee_applies=decision.guarantee_applies,
            is_child=patient.is_child,
            turn_text=decision.turn_text,
        )
        heading, lead, notice = words.heading, words.lead, words.notice
        book = ("/tider", "Välj tid") if registered else ("/vardcentral", "Välj vårdcentral")
    else:
        heading, lead = decision.heading or "Ring 1177", decision.turn_text
        if lead.rstrip(".") == heading:
            lead = ""
    # Only when an open red flag decided: after a red flag answered yes the other questions were never asked.
    unanswered = bool(decision.unanswered_red_flags) and decision.deciding_kind == "unanswered_red_flag"
    return {
        "level": level,
        "heading": heading,
        "lead": lead,
        "decision": decision,
        "unanswered": unanswered,
        "notice": notice,
        "book": book,
    }


# --- the unit, which registers and triages the contact ---


async def _units_page(
    request: Request,
    citizen: Citizen,
    flow: Flow,
    error: str | None = None,
    general: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    async with reads(request) as read:
        units = await read.views.care_units()
    options = [Choice(u.hsa_id, u.name, hint=u.address) for u in units]
    errors = [("vardcentral", error)] if error else [(None, general)] if general else []
    return await show(
        request,
        citizen,
        "units.html",
        title="Välj vårdcentral",
        flow=flow,
        active="book",
        errors=errors,
        status_code=400 if error else status_code,
        options=options,
        chosen=flow.get("unit"),
        error=error,
    )


@router.get("/vardcentral")
async def units(request: Request, citizen: CurrentCitizen) -> Response:
    flow = read_flow(request, citizen)
    if (flow.get("decision") or {}).get("care_level") not in BOOKABLE_LEVELS:
        return see_other("/besvar/rad" if flow.get("decision") else "/besvar")
    return await _units_page(request, citizen, flow)


@router.post("/vardcentral")
async def choose_unit(request: Request, citizen: CurrentCitizen) -> Response:
    form = await checked_form(request, citizen)
    flow = read_flow(request, citizen)
    if (flow.get("decision") or {}).get("care_level") not in BOOKABLE_LEVELS:
        return see_other("/besvar")
    patient = await patient_of(request, citizen, flow)
    async with reads(request) as read:
        known = {u.hsa_id for u in await read.views.care_units()}
    unit = form.get("vardcentral")
    if unit is None or unit not in known:
        return await _units_page(request, citizen, flow, "Välj en vårdcentral.")
    client = triage(request)
    try:
        if not (flow.get("contact_id") and flow.get("unit") == unit):
            contact_id = await client.register_contact(
                citizen.token, patient=patient.personnummer, unit=unit, reason_code=flow["reason"]
            )
            flow.update(unit=unit, contact_id=contact_id, registered_at=now_of(request).isoformat(), hold=None)
        reason = await client.reason(citizen.token, flow["reason"], patient.facts)
        decision = await client.triage_contact(
            citizen.token, flow["contact_id"], Answers.of(flow).for_questions(reason.questions)
        )
    except TriageUnavailable:
        unavailable = triage_unavailable_page(request)
        write_flow(request, unavailable, citizen, flow)  # a registered contact is kept, and not registered twice
        return unavailable
    except TriageRefused as refused:
        if refused.status == 401:
            raise
        return await _units_page(
            request,
            citizen,
            flow,
            general=(
                "Vi kunde inte registrera ärendet på den vårdcentralen. Välj en annan vårdcentral, "
                "eller ring 1177 om du behöver råd."
            ),
            status_code=409,
        )
    flow["decision"] = compact(decision)
    bookable = decision.care_level in BOOKABLE_LEVELS
    response = see_other("/tider" if bookable else "/besvar/rad")
    write_flow(request, response, citizen, flow)
    return response
