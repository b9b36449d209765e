"""The guided questions of a contact's reason, red-flag questions first and marked, and triaging with the answers."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ...domain.contacts import ContactRefused
from ...domain.guidelines import ContactReason
from ...domain.patient import PatientFacts
from ...domain.questions import ChoiceQuestion, NumberQuestion
from ...service import contacts
from .common import ConsoleRoute, in_transaction, now_of, page, policy_of, problem_page, see_other
from .contact_pages import facts_of, latest_triage, open_contact, reason_options
from .html import EMPTY, Choice, Safe, button, fmt, form, hidden, join, radios, select, text_input
from .session import CurrentStaff, Staff, checked_form
from .views import personnummer_text

router = APIRouter(prefix="/console", route_class=ConsoleRoute)
YES_NO = [Choice("ja", "Ja"), Choice("nej", "Nej")]


def ordered_questions(reason: ContactReason, patient: PatientFacts) -> tuple[list, list]:
    """(red-flag questions, the others) this patient is asked, each in the guideline's order; follow-ups
    (asked only after an earlier answer) are shown too, and say so."""
    compiled = reason.compiled
    asked = compiled.asked_of(patient, {})
    flagged = compiled.red_flag_questions
    return [q for q in asked if q.id in flagged], [q for q in asked if q.id not in flagged]


def _number(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _question(question, red_flag: bool, value: str, error: str | None, patient: PatientFacts) -> Safe:
    name = f"q-{question.id}"
    marker = fmt('<strong class="tag tag-flag">Varningstecken</strong> ') if red_flag else EMPTY
    follow_up = (
        fmt(' <span class="hint">(följdfråga: ställ den bara om den passar svaret ovan)</span>')
        if question.asked_if
        else EMPTY
    )
    legend = fmt(
        '$marker<span class="question-text">$text</span>$follow',
        marker=marker,
        text=question.text_for(patient),
        follow=follow_up,
    )
    data = fmt(' data-question="$id" data-red-flag="$flag"', id=question.id, flag="true" if red_flag else "false")
    if isinstance(question, NumberQuestion):
        hint = (
            f"Ett {'heltal' if question.integer else 'tal'} från {_number(question.min)} till "
            f"{_number(question.max)} {question.unit}."
        )
        field = text_input(
            name,
            legend,
            value=value,
            error=error,
            hint=hint,
            width="5",
            inputmode="numeric" if question.integer else "decimal",
        )
        return fmt(
            '<div class="question$flag"$data>$field</div>',
            flag=" question-red-flag" if red_flag else "",
            data=data,
            field=field,
        )
    options = (
        [Choice(o.value, o.text_for(patient)) for o in question.options]
        if isinstance(question, ChoiceQuestion)
        else YES_NO
    )
    return fmt(
        '<div class="question$flag"$data>$group</div>',
        flag=" question-red-flag" if red_flag else "",
        data=data,
        group=radios(
            name,
            legend,
            options,
            checked=value or None,
            error=error,
            inline=not isinstance(question, ChoiceQuestion),
            legend_class="legend-s",
        ),
    )


def _answer_value(question, answer: Any) -> str:
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


def _choose_reason(request: Request, staff: Staff, contact: dict, message: str, status_code: int = 200) -> Response:
    chooser = fmt(
        '<form method="get" action="/console/kontakter/$id/fragor" novalidate>$select$submit</form>',
        id=contact["id"],
        select=select("orsak", "Vad gäller kontakten?", reason_options(request)),
        submit=button("Visa frågorna"),
    )
    body = fmt(
        '<span class="caption">$who</span><h1 class="heading-l">Välj kontaktorsak</h1><p class="body">$message'
        "</p>$chooser",
        who=personnummer_text(contact["personnummer"]),
        message=message,
        chooser=chooser,
    )
    return page(request, title="Välj kontaktorsak", body=body, staff=staff, status_code=status_code)


def _questions_page(
    request: Request,
    staff: Staff,
    contact: dict,
    reason: ContactReason,
    values: dict[str, str],
    errors: list[tuple[str | None, str]],
    done: str | None = None,
    status_code: int = 200,
) -> Response:
    patient = facts_of(request, contact)
    age = patient.age
    flagged, others = ordered_questions(reason, patient)
    by_field = {anchor: message for anchor, message in errors if anchor}

    def group(questions, red_flag: bool) -> Safe:
        return join(_question(q, red_flag, values.get(q.id, ""), by_field.get(f"q-{q.id}"), patient) for q in questions)

    sections = (
        fmt(
            '<section class="red-flags" aria-labelledby="varningstecken-rubrik"><h2 class="heading-m" '
            'id="varningstecken-rubrik"><span class="flag-icon" aria-hidden="true">!</span>Varningstecken – fråga först'
            '</h2><p class="body">Ett ja här kan betyda att patienten behöver akut vård.</p>$flagged</section>',
            flagged=group(flagged, True),
        )
        if flagged
        else EMPTY
    )
    content = join(
        [
            hidden("orsak", reason.code),
            sections,
            fmt(
                '<section aria-labelledby="ovriga-rubrik"><h2 class="heading-m" id="ovriga-rubrik">'
                "Övriga frågor</h2>$others</section>",
                others=group(others, False),
            )
            if others
            else EMPTY,
            button("Triagera"),
        ]
    )
    base = f"/console/kontakter/{contact['id']}"
    body = fmt(
        '<span class="caption">$who, $age år</span><h1 class="heading-l">Frågor: $title</h1>'
        '<p class="body">Ställ frågorna i ordning. Ett obesvarat varningstecken räknas som okänt och ger minst '
        "den nivå som riktlinjerna anger för okänt, så ställ alla frågor du kan. "
        '<a class="link" href="$base/fragor?orsak=">Byt kontaktorsak</a></p>$form',
        who=personnummer_text(contact["personnummer"]),
        age=age,
        title=reason.title,
        base=base,
        form=form(f"{base}/fragor", staff.csrf, content),
    )
    return page(
        request,
        title=f"Frågor: {reason.title}",
        body=body,
        staff=staff,
        errors=errors,
        done=done,
        status_code=status_code,
    )


def _reason_for(request: Request, contact: dict, orsak: str | None) -> ContactReason | None:
    code = contact["reason_code"] if orsak is None else orsak
    return request.app.state.guidelines.current().reason(code) if code else None


@router.get("/kontakter/{contact_id}/fragor")
async def questions_page(
    request: Request, contact_id: uuid.UUID, staff: CurrentStaff, orsak: str | None = None, klart: str | None = None
) -> Response:
    contact = await open_contact(request, staff, contact_id)
    if contact["status"] in ("assessed", "closed"):
        return problem_page(
            request,
            "Kontakten kan inte triageras",
            "Kontakten är redan bedömd eller avslutad.",
            status_code=409,
            action=(f"/console/kontakter/{contact_id}", "Till kontakten"),
        )
    reason = _reason_for(request, contact, orsak)
    if reason is None:
        return _choose_reason(request, staff, contact, "Välj vad kontakten gäller, så visas frågorna.")
    patient = facts_of(request, contact)
    if not reason.applies_to(patient.age, patient.sex):
        return _choose_reason(
            request,
            staff,
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
            q.id: _answer_value(q, previous["answers"].get(q.id))
            for q in reason.compiled.asked
            if same_reason or q.id in shared
        }
    return _questions_page(request, staff, contact, reason, values, [], done=klart)


@router.post("/kontakter/{contact_id}/fragor")
async def triage(request: Request, contact_id: uuid.UUID, staff: CurrentStaff) -> Response:
    submitted = await checked_form(request, staff)
    contact = await open_contact(request, staff, contact_id)
    reason = _reason_for(request, contact, submitted.get("orsak"))
    if reason is None:
        return _choose_reason(request, staff, contact, "Välj vad kontakten gäller, så visas frågorna.", 422)
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
    return _questions_page(request, staff, contact, reason, raw, errors, status_code=422)
