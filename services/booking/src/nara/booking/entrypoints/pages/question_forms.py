"""The citizen's questions as forms: which to ask next (red flags first), reading answers, and never losing one.

Answers live in the flow cookie as they are given; "Vet inte" is kept apart (`unknown`), so a follow-up of a
question answered "Vet inte" is still asked, and the triage counts the red flag as unanswered, never as no.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nara.shared.web.pages import Choice

from ...adapters.triage_client import Question
from .session import Flow

YES, NO, DONT_KNOW = "ja", "nej", "vet"


@dataclass
class Answers:
    """What the citizen has said so far: typed answers, the questions answered "Vet inte", and which of them are
    shared between reasons (kept when the citizen picks another reason; the reason's own are not)."""

    given: dict[str, Any] = field(default_factory=dict)
    unknown: set[str] = field(default_factory=set)
    shared: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, flow: Flow) -> Answers:
        return cls(dict(flow.get("answers") or {}), set(flow.get("unknown") or []), set(flow.get("shared") or []))

    def store(self, flow: Flow) -> None:
        flow["answers"], flow["unknown"], flow["shared"] = self.given, sorted(self.unknown), sorted(self.shared)

    def settled(self, question: Question) -> bool:
        return question.id in self.given or question.id in self.unknown

    def record(self, question: Question, value: object) -> None:
        if value == DONT_KNOW:
            self.given.pop(question.id, None)
            self.unknown.add(question.id)
        else:
            self.given[question.id] = value
            self.unknown.discard(question.id)
        if question.shared:
            self.shared.add(question.id)

    def only_shared(self) -> Answers:
        """For another reason: the shared answers stay, the old reason's own go."""
        return Answers(
            {k: v for k, v in self.given.items() if k in self.shared}, self.unknown & self.shared, set(self.shared)
        )

    def for_questions(self, questions: list[Question]) -> dict[str, Any]:
        """The answers to send for this reason: only to questions it asks of this patient."""
        asked = {q.id for q in questions}
        return {k: v for k, v in self.given.items() if k in asked}


def asked_now(questions: list[Question], answers: Answers) -> list[Question]:
    """The questions that arise with the answers so far: a follow-up once the answer it follows is given."""
    return [q for q in questions if not q.asked_if or q.follows(answers.given, answers.unknown) is True]


def next_questions(questions: list[Question], answers: Answers) -> list[Question]:
    """The next page: the open red-flag questions first, and only when none is left, the others."""
    open_questions = [q for q in asked_now(questions, answers) if not answers.settled(q)]
    red_flags = [q for q in open_questions if q.red_flag]
    return red_flags or open_questions


def read_answer(question: Question, raw: str | None) -> tuple[object, str | None]:
    """(the typed answer, DONT_KNOW, or None if not answered) and the Swedish sentence saying what to fix."""
    raw = (raw or "").strip()
    if raw == DONT_KNOW and question.red_flag:
        return DONT_KNOW, None
    if question.kind == "number":
        if not raw:
            return (DONT_KNOW, None) if question.red_flag else (None, f"Svara på frågan: {question.text}")
        try:
            number = float(raw.replace(",", ".").replace(" ", "").replace("\u00a0", ""))
        except ValueError:
            return None, f"Skriv svaret med siffror, till exempel {_example(question)}: {question.text}"
        if number != number or number in (float("inf"), float("-inf")):
            return None, f"Skriv svaret med siffror, till exempel {_example(question)}: {question.text}"
        if question.integer and not number.is_integer():
            return None, f"Skriv ett heltal: {question.text}"
        if question.min is not None and number < question.min:
            return None, f"Skriv ett tal som är {question.min:g} eller mer: {question.text}"
        if question.max is not None and number > question.max:
            return None, f"Skriv ett tal som är {question.max:g} eller mindre: {question.text}"
        return (int(number) if question.integer else number), None
    if question.kind == "choice":
        if raw not in {value for value, _ in question.options}:
            return None, f"Välj ett svar: {question.text}"
        return raw, None
    if raw not in (YES, NO):
        return None, f"Svara ja eller nej: {question.text}"
    return raw == YES, None


def _example(question: Question) -> str:
    low = question.min if question.min is not None else 0
    return f"{int(low) + 1}" if question.integer else f"{low + 1:g}".replace(".", ",")


@dataclass(frozen=True)
class QuestionField:
    """One question as the page shows it (templates/questions.html): a number with its unit, or radios."""

    name: str
    label: str
    number: bool
    error: str | None
    value: str = ""  # a number as typed or given before
    hint: str = ""
    inputmode: str = "decimal"
    suffix: str = ""
    options: tuple[Choice, ...] = ()
    checked: str | None = None


def question_field(question: Question, answers: Answers, raw: str | None, error: str | None) -> QuestionField:
    """One question as a GOV.UK field; `raw` is what was just typed, so nothing is ever cleared."""
    name = f"svar-{question.id}"
    known = answers.given.get(question.id)
    if question.kind == "number":
        hint = ""
        if question.min is not None and question.max is not None:
            hint = f"Skriv ett tal mellan {question.min:g} och {question.max:g}"
            hint += f" ({question.unit})." if question.unit else "."
        if question.red_flag:
            hint = f"{hint} Lämna tomt om du inte vet.".strip()
        value = raw if raw is not None else ("" if known is None else f"{known:g}".replace(".", ","))
        return QuestionField(
            name,
            question.text,
            number=True,
            error=error,
            value=value,
            hint=hint,
            inputmode="numeric" if question.integer else "decimal",
            suffix=question.unit or "",
        )
    if raw is not None:
        checked: str | None = raw or None
    elif question.id in answers.unknown:
        checked = DONT_KNOW
    elif question.kind == "choice":
        checked = known if isinstance(known, str) else None
    else:
        checked = None if known is None else (YES if known else NO)
    options = (
        [Choice(value, text) for value, text in question.options]
        if question.kind == "choice"
        else [Choice(YES, "Ja"), Choice(NO, "Nej")]
    )
    if question.red_flag:
        options.append(Choice(DONT_KNOW, "Vet inte"))
    return QuestionField(name, question.text, number=False, error=error, options=tuple(options), checked=checked)


def question_fields(
    questions: list[Question], answers: Answers, raw: dict[str, str] | None, errors: dict[str, str]
) -> list[QuestionField]:
    return [
        question_field(q, answers, None if raw is None else raw.get(f"svar-{q.id}", ""), errors.get(q.id))
        for q in questions
    ]
