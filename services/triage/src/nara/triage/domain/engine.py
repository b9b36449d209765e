"""The triage engine: one contact reason, its answers and context in, one explained decision out.

Red flags are checked first and every one that fires is kept; then the rules are tried from the
highest priority down and the first that matches is kept. The decision takes the most urgent
urgency and the most urgent care level among them, so a rule can never lower a fired red flag.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from nara.shared.clock import to_stockholm
from nara.shared.events.models import RuleFired
from nara.shared.events.vocabulary import CareLevel, Channel, Profession, Urgency

from .conditions import MAX_AGE, Situation
from .guidelines import ChoiceQuestion, ContactReason, GuidelineSet, NumberQuestion, Outcome, RedFlag, Rule

URGENCY_RANK = {urgency: rank for rank, urgency in enumerate(Urgency)}  # 0 is most urgent (red)
CARE_LEVEL_RANK = {level: rank for rank, level in enumerate(CareLevel)}  # 0 is most urgent (call_112)


class TriageInputError(ValueError):
    """The request cannot be triaged as given; the message says what to change."""


class UnknownReasonError(TriageInputError):
    def __init__(self, reason_code: str) -> None:
        self.reason_code = reason_code
        super().__init__(f"unknown contact reason {reason_code!r}; GET /guidelines lists the reasons in force")


class InvalidAnswerError(TriageInputError):
    """One or more answers do not fit the reason's questions; `questions` names them."""

    def __init__(self, reason_code: str, problems: list[tuple[str, str]]) -> None:
        self.questions = tuple(question for question, _ in problems)
        detail = "; ".join(f"question {question!r}: {message}" for question, message in problems)
        super().__init__(f"invalid answers for contact reason {reason_code!r}: {detail}")


class GuidelineGapError(RuntimeError):
    """No rule covered the case: the guideline set has a hole the linter should have caught."""


class FiredRule(RuleFired):
    """A red flag or rule that fired, with the text a person reads and the sources behind it."""

    kind: Literal["red_flag", "rule"]
    sources: tuple[str, ...] = ()


class Decision(BaseModel):
    """Where the patient goes, how urgently, to whom, and why; the contract's decision fields."""

    model_config = ConfigDict(frozen=True)

    reason_code: str
    urgency: Urgency
    care_level: CareLevel
    profession: Profession
    alternatives: tuple[Profession, ...]
    guarantee_applies: bool
    guideline_version: str
    rules_fired: tuple[FiredRule, ...]
    advice: str
    retts_colour: Urgency | None  # set for the emergency department, where RETTS colours are the language
    unanswered_questions: tuple[str, ...]


def evaluate(
    guidelines: GuidelineSet,
    reason_code: str,
    answers: Mapping[str, Any],
    age: int,
    channel: Channel | str,
    at: datetime,
) -> Decision:
    """Triage one contact. Deterministic: the same guideline version and input give the same decision."""
    reason = guidelines.reason(reason_code)
    if reason is None:
        raise UnknownReasonError(reason_code)
    checked_age = _checked_age(reason, age)
    given = _checked_answers(reason, answers, checked_age)
    situation = Situation(given, checked_age, _checked_channel(channel), _minute_of_day(at))

    compiled = reason.compiled
    fired_flags = [flag for flag, matches in compiled.red_flags if matches(situation)]
    rule = next((rule for rule, matches in compiled.rules if matches(situation)), None)
    candidates: list[Outcome] = [*fired_flags, *([rule] if rule else [])]
    if not candidates:
        raise GuidelineGapError(f"no rule of {reason_code!r} in version {guidelines.version} covers this case")

    # The most urgent care level decides where the patient goes, and with it who and what advice;
    # on a tie a red flag explains the decision before a rule does.
    deciding = min(candidates, key=lambda c: (CARE_LEVEL_RANK[c.care_level], URGENCY_RANK[c.urgency],
                                              isinstance(c, Rule)))
    urgency = min((c.urgency for c in candidates), key=URGENCY_RANK.__getitem__)
    return Decision(
        reason_code=reason.code,
        urgency=urgency,
        care_level=deciding.care_level,
        profession=deciding.profession,
        alternatives=deciding.alternatives,
        guarantee_applies=deciding.guarantee_applies,
        guideline_version=guidelines.version,
        rules_fired=tuple(_fired(c, guidelines) for c in candidates),
        advice=deciding.advice,
        retts_colour=urgency if situation.channel is Channel.EMERGENCY_DEPARTMENT else None,
        unanswered_questions=tuple(q.id for q in reason.questions if q.applies_to(checked_age) and q.id not in given),
    )


def _fired(outcome: Outcome, guidelines: GuidelineSet) -> FiredRule:
    names = tuple(guidelines.sources[s].name if s in guidelines.sources else s for s in outcome.sources)
    kind = "red_flag" if isinstance(outcome, RedFlag) else "rule"
    return FiredRule(rule_id=outcome.id, text=outcome.text, kind=kind, sources=names)


def _minute_of_day(at: datetime) -> int:
    if not isinstance(at, datetime) or at.tzinfo is None or at.utcoffset() is None:
        raise TriageInputError(f"the time of the contact must be timezone-aware, got {at!r}")
    local = to_stockholm(at)
    return local.hour * 60 + local.minute


def _checked_channel(channel: Channel | str) -> Channel:
    try:
        return Channel(channel)
    except ValueError:
        expected = ", ".join(c.value for c in Channel)
        raise TriageInputError(f"unknown channel {channel!r}; expected one of {expected}") from None


def _checked_age(reason: ContactReason, age: Any) -> int:
    if type(age) is not int or not 0 <= age <= MAX_AGE:
        raise TriageInputError(f"age must be a whole number of years from 0 to {MAX_AGE}, got {age!r}")
    if not reason.applies_to(age):
        raise TriageInputError(
            f"contact reason {reason.code!r} is for ages {reason.age.label()}, not {age}; choose another reason")
    return age


def _checked_answers(reason: ContactReason, answers: Mapping[str, Any], age: int) -> dict[str, Any]:
    """The given answers, checked against the questions; None means not answered."""
    if not isinstance(answers, Mapping):
        raise InvalidAnswerError(reason.code, [("*", f"answers must be a mapping of question id to answer, got {answers!r}")])
    problems: list[tuple[str, str]] = []
    given: dict[str, Any] = {}
    for question_id, value in answers.items():
        if value is None:
            continue
        problem = _answer_problem(reason, str(question_id), value, age)
        if problem:
            problems.append((str(question_id), problem))
        else:
            given[question_id] = value
    if problems:
        raise InvalidAnswerError(reason.code, problems)
    return given


def _answer_problem(reason: ContactReason, question_id: str, value: Any, age: int) -> str | None:
    question = reason.question(question_id)
    if question is None:
        known = ", ".join(q.id for q in reason.questions) or "none"
        return f"not a question of this reason (its questions are: {known})"
    if not question.applies_to(age):
        return f"is only asked at ages {question.age.label()}, not at {age}"
    if isinstance(question, ChoiceQuestion):
        if type(value) is not str or value not in question.values:
            return f"{value!r} is not one of the options offered: {', '.join(question.values)}"
        return None
    if isinstance(question, NumberQuestion):
        if type(value) not in (int, float):
            return f"expects a number in {question.unit}, got {value!r}"
        if question.integer and type(value) is float and not value.is_integer():
            return f"expects a whole number of {question.unit}, got {value!r}"
        if not question.min <= value <= question.max:
            return f"{value!r} {question.unit} is outside {question.min:g}–{question.max:g} {question.unit}"
        return None
    if type(value) is not bool:
        return f"expects yes or no (true/false), got {value!r}"
    return None
