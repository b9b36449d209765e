"""Checking what a caller gives the engine: the patient's facts, the channel and the answers."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from nara.shared.events.vocabulary import Channel

from .conditions import MAX_AGE, Sex
from .guidelines import ContactReason
from .patient import PatientFacts
from .questions import AnyQuestion, ChoiceQuestion, NumberQuestion
from .triage_errors import InvalidAnswerError, TriageInputError


def checked_channel(channel: Channel | str) -> Channel:
    try:
        return Channel(channel)
    except ValueError:
        expected = ", ".join(c.value for c in Channel)
        raise TriageInputError(f"unknown channel {channel!r}; expected one of {expected}") from None


def checked_patient(reason: ContactReason, patient: PatientFacts | int) -> PatientFacts:
    facts = patient if isinstance(patient, PatientFacts) else PatientFacts(patient)
    age = facts.age
    if type(age) is not int or not 0 <= age <= MAX_AGE:
        raise TriageInputError(f"age must be a whole number of years from 0 to {MAX_AGE}, got {age!r}")
    months = facts.age_months
    if months is not None and (type(months) is not int or months // 12 != age):
        raise TriageInputError(
            f"age_months {months!r} does not agree with age {age}; give the whole months of age"
            f" ({age * 12}–{age * 12 + 11} at age {age}) or leave it out"
        )
    if facts.sex is not None and not isinstance(facts.sex, Sex):
        raise TriageInputError(f"sex must be female or male, got {facts.sex!r}")
    if not reason.applies_to(age, facts.sex):
        ages = reason.age.label() if reason.age else "all ages"
        whom = f" and {reason.sex.value} patients" if reason.sex else ""
        raise TriageInputError(f"contact reason {reason.code!r} is for {ages}{whom}; choose another reason")
    return facts


def checked_answers(reason: ContactReason, answers: Mapping[str, Any], patient: PatientFacts) -> dict[str, Any]:
    """The given answers, checked against the questions; None means not answered."""
    if not isinstance(answers, Mapping):
        raise InvalidAnswerError(
            reason.code, [("*", f"answers must be a mapping of question id to answer, got {answers!r}")]
        )
    problems: list[tuple[str, str]] = []
    given: dict[str, Any] = {}
    for question_id, value in answers.items():
        if value is None:
            continue
        problem = _answer_problem(reason, str(question_id), value, patient)
        if problem:
            problems.append((str(question_id), problem))
        else:
            given[str(question_id)] = value
    if problems:
        raise InvalidAnswerError(reason.code, problems)
    return given


def _answer_problem(reason: ContactReason, question_id: str, value: Any, patient: PatientFacts) -> str | None:
    question = reason.question(question_id)
    if question is None:
        known = ", ".join(q.id for q in reason.compiled.asked) or "none"
        return f"not a question of this reason (its questions are: {known})"
    if question.age is not None and not question.applies_to(patient.age):
        return f"is only asked at ages {question.age.label()}, not at {patient.age}"
    return value_problem(question, value)


def value_problem(question: AnyQuestion, value: Any) -> str | None:
    """What is wrong with one answer to one question, or None."""
    if isinstance(question, ChoiceQuestion):
        if type(value) is not str or value not in question.values:
            return f"{value!r} is not one of the options offered: {', '.join(question.values)}"
        return None
    if isinstance(question, NumberQuestion):
        if type(value) not in (int, float) or (type(value) is float and not math.isfinite(value)):
            return f"expects a number in {question.unit}, got {value!r}"
        if question.integer and type(value) is float and not value.is_integer():
            return f"expects a whole number of {question.unit}, got {value!r}"
        if not question.min <= value <= question.max:
            return f"{value!r} {question.unit} is outside {question.min:g}–{question.max:g} {question.unit}"
        return None
    if type(value) is not bool:
        return f"expects yes or no (true/false), got {value!r}"
    return None
