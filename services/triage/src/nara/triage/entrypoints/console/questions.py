"""The guided questions of a contact's reason, red-flag questions first and marked, and triaging with the answers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from nara.shared.web.pages import Choice, see_other

from ...domain.contacts import ContactRefused
from ...domain.guidelines import ContactReason
from ...domain.patient import PatientFacts
from ...domain.questions import AnyQuestion, ChoiceQuestion, NumberQuestion
from ...service import contacts
from .common import in_transaction, now_of, policy_of
from .contact_pages import facts_of, latest_triage, open_contact, reason_options
from .kit import KIT, LOGIN, ConsoleRoute, CurrentStaff

router = APIRouter(prefix="/console", route_class=ConsoleRoute)
YES_NO = [Choice("ja", "Ja"), Choice("nej", "Nej")]


@dataclass(frozen=True)
class QuestionField:
    """One question as the form asks it: a number typed in, or radios (yes/no inline, or the options)."""

    id: str
    name: str  # the form field, q-<id>
    text: str
    red_flag: bool
    follow_up: bool  # asked only after an earlier answer: the page says so
    value: str
    error: str | None
    number_hint: str | None  # a number question's range; None for radios
    inputmode: str
    options: list[Choice]
    inline: bool


def ordered_questions(reason: ContactReason, patient: PatientFacts) -> tuple[list[AnyQuestion], list[AnyQuestion]]:
    """(red-flag questions, the others) this patient is asked, each in the guideline's order; follow-ups
    (asked only after an earlier answer) are shown too, and say so."""
    compiled = reason.compiled
    asked = compiled.asked_of(patient, {})
    flagged = compiled.red_flag_questions
    return [q for q in asked if q.id in flagged], [q for q in asked if q.id not in flagged]


def _number(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _field(
    question: AnyQuestion, red_flag: bool, value: str, error: str | None, patient: PatientFacts
) -> QuestionField:
    number_hint, inputmode, options = None, "", YES_NO
    if isinstance(question, NumberQuestion):
        number_hint = (
            f"Ett {'heltal' if question.integer else 'tal'} från {_number(question.min)} till "
            f"{_number(question.max)} {question.unit}."
        )
        inputmode = "numeric" if question.integer else "decimal"
    elif isinstance(question, ChoiceQuestion):
        options = [Choice(option.value, option.text_for(patient)) for option in question.options]
    return QuestionField(
        id=question.id,
        name=f"q-{question.id}",
        text=question.text_for(patient),
        red_flag=red_flag,
        follow_up=bool(question.asked_if),
        value=value,
        error=error,
        number_hint=number_hint,
        inputmode=inputmode,
        options=options,
        inline=not isinstance(question, ChoiceQuestion),
    )


def _answer_value(answer: Any) -> str:
    """A stored answer as the form shows it."""
    if answer is None:
        return ""
    if isinstance(answer, bool):
        return "ja" if answer else "nej"
    if isinstance(answer, int | float) and not isinstance(answer, bool):
        return _number(answer)
    return str(answer)


def parse_answers(
    reason: ContactReason, patient: PatientFacts, raw: dict[str, str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """The form's answers as the engine takes them, and an error per question that cannot be read."""
    answers: dict[str, Any] = {}
    errors: dict[str, str] = {}
    flagged, others = ordered_questions(reason, patient)
    for question in flagged + others:
        value = raw.get(question.id, "")
        if not value:
            continue
        if isinstance(question, NumberQuestion):
            try:
                number = float(value.replace(",", ".").replace(" ", ""))
            except ValueError:
                errors[question.id] = f"Skriv ett tal, till exempel {_number(question.min + 1)}."
                continue
            if question.integer and not number.is_integer():
                errors[question.id] = f"Skriv ett heltal ({question.unit})."
            elif not question.min <= number <= question.max:
                errors[question.id] = f"Skriv ett tal från {_number(question.min)} till {_number(question.max)}."
            else:
                answers[question.id] = int(number) if question.integer else number
        elif isinstance(question, ChoiceQuestion):
            if value in question.values:
                answers[question.id] = value
        elif value in ("ja", "nej"):
            answers[question.id] = value == "ja"
    return answers, errors


def _choose_reason(request: Request, contact: dict[str, Any], message: str, status_code: int = 200) -> Response:
    return KIT.render(
        request,
        "choose_reason.html",
        status_code=status_code,
        title="Välj kontaktorsak",
        contact=contact,
        message=message,
        reasons=reason_options(request),
    )


def _questions_page(
    request: Request,
    contact: dict[str, Any],
    reason: ContactReason,
    values: dict[str, str],
    errors: list[tuple[str | None, str]],
    done: str | None = None,
    status_code: int = 200,
) -> Response:
    patient = facts_of(request, contact)
    flagged, others = ordered_questions(reason, patient)
    by_field = {anchor: message for anchor, message in errors if anchor}

    def fields(questions: list[AnyQuestion], red_flag: bool) -> list[QuestionField]:
        return [_field(q, red_flag, values.get(q.id, ""), by_field.get(f"q-{q.id}"), patient) for q in questions]

    return KIT.render(
        request,
        "questions.html",
        status_code=status_code,
        title=f"Frågor: {reason.title}",
        errors=errors,
        done=done,
        contact=contact,
        age=patient.age,
        reason=reason,
        flagged=fields(flagged, True),
        others=fields(others, False),
    )


def _reason_for(request: Request, contact: dict[str, Any], orsak: str | None) -> ContactReason | None:
    code = contact["reason_code"] if orsak is None else orsak
    return request.app.state.guidelines.current().reason(code) if code else None


@router.get("/kontakter/{contact_id}/fragor")
async def questions_page(
    request: Request, contact_id: uuid.UUID, staff: CurrentStaff, orsak: str | None = None, klart: str | None = None
) -> Response:
    contact = await open_contact(request, staff, contact_id)
    if contact["status"] in ("assessed", "closed"):
        return KIT.problem_page(
            request,
            "Kontakten kan inte triageras",
            "Kontakten är redan bedömd eller avslutad.",
            status_code=409,
            action=(f"/console/kontakter/{contact_id}", "Till kontakten"),
        )
    reason = _reason_for(request, contact, orsak)
    if reason is None:
        return _choose_reason(request, contact, "Välj vad kontakten gäller, så visas frågorna.")
    patient = facts_of(request, contact)
    if not reason.applies_to(patient.age, patient.sex):
        return _choose_reason(
            request,
            contact,
            f"”{reason.title}” gäller inte patientens ålder. Välj en annan kontaktorsak.",
            status_code=422,
        )
    previous = latest_triage(contact)
    values = {}
    if previous:
        # Shared questions (risk factors, screens) are asked once per contact, whichever reason is chosen.
        shared = {q.id for q in request.app.state.guidelines.current().shared_questions}
        same_reason = reason.code == contact["reason_code"]
        values = {
            q.id: _answer_value(previous["answers"].get(q.id))
            for q in reason.compiled.asked
            if same_reason or q.id in shared
        }
    return _questions_page(request, contact, reason, values, [], done=klart)


@router.post("/kontakter/{contact_id}/fragor")
async def triage(request: Request, contact_id: uuid.UUID, staff: CurrentStaff) -> Response:
    submitted = await LOGIN.checked_form(request, staff)
    contact = await open_contact(request, staff, contact_id)
    reason = _reason_for(request, contact, submitted.get("orsak"))
    if reason is None:
        return _choose_reason(request, contact, "Välj vad kontakten gäller, så visas frågorna.", 422)
    raw = submitted.with_prefix("q-")
    answers, problems = parse_answers(reason, facts_of(request, contact), raw)
    errors: list[tuple[str | None, str]] = [(f"q-{q}", message) for q, message in problems.items()]
    if not errors:
        try:
            await in_transaction(
                request,
                lambda c: contacts.triage(
                    c,
                    staff.caller,
                    request.app.state.guidelines,
                    contact_id,
                    answers=answers,
                    reason_code=reason.code,
                    override=None,
                    now=now_of(request),
                    policy=policy_of(request),
                ),
            )
            return see_other(f"/console/kontakter/{contact_id}?klart=triagerad")
        except ContactRefused as refused:
            errors = [(None, refused.message)]
    return _questions_page(request, contact, reason, raw, errors, status_code=422)
