"""What the check-answers page lists before booking (GOV.UK "Check answers"): who, what, where, when and how, and
the triage answers, each with a way back to change it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fastapi import Request

from ...adapters.triage_client import Question, TriageRefused, TriageUnavailable
from ...domain.schedule import Slot
from ...domain.web_changes import terms_of
from ...service.records import CareUnit
from . import swedish
from .common import triage
from .patient_steps import Patient
from .question_forms import Answers, asked_now
from .session import Citizen, Flow
from .slots import change_text

ANSWERS_UNAVAILABLE = "Dina svar kan inte visas just nu, men de är sparade och skickade med ditt ärende."


@dataclass(frozen=True)
class Row:
    """One line of a summary list; `change` is (href, what is changed, for screen readers) when it can be changed."""

    key: str
    value: str
    change: tuple[str, str] | None = None
    lines: tuple[str, ...] = ()  # further lines under the value (an address under a name)


def booking_rows(
    flow: Flow, patient: Patient, slot: Slot, unit: CareUnit | None, times_address: str, now: datetime
) -> list[Row]:
    who = patient.label().capitalize() if patient.is_child else "Dig själv"
    rows = [Row("Gäller", who, ("/besvar/vem", "vem besöket gäller") if flow.get("patient_chosen") else None)]
    if flow.get("reason_title"):
        rows.append(Row("Besvär", str(flow["reason_title"]), ("/besvar", "besvären")))
    place = unit.name if unit else slot.unit_name
    reach = (slot.unit_address,) + ((f"Telefon: {unit.phone}",) if unit and unit.phone else ())
    rows.append(Row("Vårdcentral", place, ("/vardcentral", "vårdcentral"), reach))
    rows.append(Row("Tid", swedish.when_span(slot.start_at, slot.end_at), (times_address, "tiden")))
    rows.append(
        Row(
            "Du träffar",
            f"{slot.practitioner_name}, {swedish.profession(slot.time_type.profession)}",
        )
    )
    rows.append(
        Row("Typ av besök", f"{slot.time_type.name} ({swedish.contact_form(slot.time_type.contact_form).lower()})")
    )
    terms = terms_of(slot.time_type, slot.start_at)
    rows.append(Row("Avboka och omboka", change_text(terms, now, unit.phone if unit else "")))
    return rows


def answer_text(question: Question, answers: Answers) -> str | None:
    """What the citizen answered, as they would say it; None for a question not answered."""
    if question.id in answers.unknown:
        return "Vet inte"
    given = answers.given.get(question.id)
    if given is None:
        return None
    if question.kind == "number" and isinstance(given, int | float) and not isinstance(given, bool):
        number = f"{given:g}".replace(".", ",")
        return f"{number} {question.unit}".strip()
    if question.kind == "choice":
        return dict(question.options).get(str(given), str(given))
    return "Ja" if given else "Nej"


async def answer_rows(request: Request, citizen: Citizen, flow: Flow, patient: Patient) -> tuple[list[Row], str]:
    """The triage answers as rows, or a sentence saying why they cannot be shown (the booking can go on)."""
    if not flow.get("reason"):
        return [], ""
    try:
        reason = await triage(request).reason(citizen.token, flow["reason"], patient.facts)
    except (TriageUnavailable, TriageRefused):
        return [], ANSWERS_UNAVAILABLE
    answers = Answers.of(flow)
    rows = []
    for question in asked_now(reason.questions, answers):
        said = answer_text(question, answers)
        if said is not None:
            rows.append(Row(question.text, said))
    return rows, ""
