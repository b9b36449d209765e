"""The finite answer space of a contact reason, for the linter and for tests that walk the data.

Every question splits into a few classes of answers that no condition tells apart (yes, no, each
option, each stretch of numbers between the boundaries that conditions use) plus "unanswered".
Age, channel and time of day split the same way. One representative per class stands for all.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from nara.shared.events.vocabulary import Channel

from .conditions import (
    MAX_AGE,
    MINUTES_PER_DAY,
    NumberRange,
    RedFlagCondition,
    RuleCondition,
    Sex,
    compile_answer_check,
)
from .guidelines import ContactReason
from .questions import ChoiceQuestion, NumberQuestion, YesNoQuestion


class _Unanswered:
    def __repr__(self) -> str:
        return "UNANSWERED"


UNANSWERED = _Unanswered()


@dataclass(frozen=True)
class ValueClass:
    """Answers that every condition treats alike, with one representative `value`."""

    value: Any
    label: str


def conditions_of(reason: ContactReason) -> list[RedFlagCondition]:
    return [flag.when for flag in reason.all_red_flags] + [rule.when for rule in reason.rules]


def question_classes(question: Any, conditions: Iterable[RedFlagCondition]) -> list[ValueClass]:
    """The answer classes of one question, "unanswered" first."""
    classes = [ValueClass(UNANSWERED, f"{question.id}=unanswered")]
    if isinstance(question, YesNoQuestion):
        return [*classes, ValueClass(True, f"{question.id}=yes"), ValueClass(False, f"{question.id}=no")]
    if isinstance(question, ChoiceQuestion):
        return classes + [ValueClass(value, f"{question.id}={value}") for value in question.values]
    return classes + _number_classes(question, conditions)


def _number_classes(question: NumberQuestion, conditions: Iterable[RedFlagCondition]) -> list[ValueClass]:
    points = {question.min}
    for condition in conditions:
        spec = condition.answers.get(question.id)
        if isinstance(spec, NumberRange):
            points |= {b for b in (spec.at_least, spec.below) if b is not None and question.min < b <= question.max}
    ordered = sorted(points)
    classes = []
    for index, low in enumerate(ordered):
        high = ordered[index + 1] if index + 1 < len(ordered) else None
        value = math.ceil(low) if question.integer else low
        if (high is not None and value >= high) or value > question.max:
            continue  # no whole number falls in this stretch
        span = f"[{low:g}, {high:g})" if high is not None else f"[{low:g}, {question.max:g}]"
        classes.append(
            ValueClass(int(value) if question.integer else value, f"{question.id} in {span} {question.unit}")
        )
    return classes


def _split(low: int, high: int, boundaries: Iterable[int]) -> list[tuple[int, int]]:
    """Split [low, high] (whole numbers, both included) at each boundary b (b starts a new stretch)."""
    starts = sorted({low} | {b for b in boundaries if low < b <= high})
    return [(start, (starts[i + 1] - 1) if i + 1 < len(starts) else high) for i, start in enumerate(starts)]


def reason_age_span(reason: ContactReason) -> tuple[int, int]:
    return (reason.age.min, reason.age.max) if reason.age else (0, MAX_AGE)


def age_segments(reason: ContactReason) -> list[tuple[int, int]]:
    """Ages (inclusive stretches) within which every question and condition behaves the same."""
    ranges = [q.age for q in reason.compiled.asked if q.age] + [c.age for c in conditions_of(reason) if c.age]
    boundaries = [b for r in ranges if not r.is_empty for b in (r.min, r.max + 1)]
    return _split(*reason_age_span(reason), boundaries)


def sex_classes(rules: Iterable[RuleCondition]) -> list[tuple[Sex | None, str]]:
    """Female, male and unknown when some rule names a sex; one stand-in otherwise."""
    if any(rule.sex is not None for rule in rules):
        return [(Sex.FEMALE, "female"), (Sex.MALE, "male"), (None, "sex unknown")]
    return [(None, "any sex")]


def channel_classes(rules: Iterable[RuleCondition]) -> list[tuple[Channel, str]]:
    """Each channel some rule names, plus one stand-in for all the channels none names."""
    named = {channel for rule in rules for channel in (rule.channels or ())}
    classes = [(channel, channel.value) for channel in Channel if channel in named]
    others = [channel for channel in Channel if channel not in named]
    if others:
        classes.append((others[0], "any other channel" if named else "any channel"))
    return classes


def time_segments(rules: Iterable[RuleCondition]) -> list[tuple[int, int]]:
    """Minutes of the day (inclusive stretches) within which every time window behaves the same."""
    windows = [rule.time_of_day for rule in rules if rule.time_of_day]
    boundaries = [m for w in windows for m in (w.start_minute, w.end_minute)]
    return _split(0, MINUTES_PER_DAY - 1, boundaries)


def clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def unsatisfiable_reason(reason: ContactReason, condition: RedFlagCondition) -> str | None:
    """Why no answers, age or context can ever satisfy the condition, or None if some can."""
    if condition.age is not None and condition.age.is_empty:
        return f"impossible age range {condition.age.min}–{condition.age.max}"
    if condition.age_months is not None and condition.age_months.is_empty:
        return f"impossible age range {condition.age_months.label()}"
    if condition.sex is not None and reason.sex is not None and condition.sex != reason.sex:
        return (
            f"it is for {condition.sex.value} patients, and contact reason {reason.code!r} only for {reason.sex.value}"
        )
    low, high = reason_age_span(reason)
    if condition.age_months is not None:
        low, high = max(low, condition.age_months.min // 12), min(high, condition.age_months.max // 12)
        if low > high:
            return f"age range {condition.age_months.label()} lies outside the ages of contact reason {reason.code!r}"
    if condition.age is not None:
        low, high = max(low, condition.age.min), min(high, condition.age.max)
        if low > high:
            return f"age range {condition.age.label()} lies outside the ages of contact reason {reason.code!r}"
    for question_id, spec in condition.answers.items():
        question = reason.question(question_id)
        if question is None:
            return f"refers to question {question_id!r}, which contact reason {reason.code!r} does not ask"
        if question_id not in {q.id for q in reason.compiled.asked}:
            return (
                f"refers to shared question {question_id!r}, which contact reason {reason.code!r} does not ask;"
                " list it under risk_factors"
            )
        problem = _spec_problem(question, spec)
        if problem:
            return problem
        if question.age is not None:
            low, high = max(low, question.age.min), min(high, question.age.max)
            if low > high:
                return (
                    f"no age at which question {question_id!r} ({question.age.label()}) is asked and the rule applies"
                )
    return None


def _spec_problem(question: Any, spec: Any) -> str | None:
    if isinstance(question, YesNoQuestion):
        if not isinstance(spec, bool):
            return f"question {question.id!r} is yes/no, so its condition must be true or false, not {spec!r}"
        return None
    if isinstance(question, ChoiceQuestion):
        if not isinstance(spec, str | tuple):
            return f"question {question.id!r} is a choice, so its condition must name options, not {spec!r}"
        missing = [value for value in ((spec,) if isinstance(spec, str) else spec) if value not in question.values]
        if missing:
            return (
                f"option {', '.join(map(repr, missing))} is not offered by question {question.id!r}"
                f" (it offers: {', '.join(question.values)})"
            )
        return None
    if not isinstance(spec, NumberRange):
        return f"question {question.id!r} is a number, so its condition must be {{at_least, below}}, not {spec!r}"
    low = question.min if spec.at_least is None else max(question.min, spec.at_least)
    if (spec.below is not None and low >= spec.below) or low > question.max:
        return (
            f"number range {spec.label()} holds no answer to question {question.id!r}"
            f" ({question.min:g}–{question.max:g} {question.unit})"
        )
    return None


def example_answers(reason: ContactReason, condition: RedFlagCondition) -> tuple[dict[str, Any], int] | None:
    """The youngest age and a set of answers that satisfy the condition, or None if none can."""
    if unsatisfiable_reason(reason, condition):
        return None
    low, _ = reason_age_span(reason)
    ages = [low] + ([condition.age.min] if condition.age else [])
    ages += [condition.age_months.min // 12] if condition.age_months else []
    answers: dict[str, Any] = {}
    for question_id, spec in condition.answers.items():
        question = reason.question(question_id)
        if question is not None and question.age is not None:
            ages.append(question.age.min)
        check = compile_answer_check(spec)
        answers[question_id] = next(
            c.value for c in question_classes(question, [condition]) if c.value is not UNANSWERED and check(c.value)
        )
    return answers, max(ages)
