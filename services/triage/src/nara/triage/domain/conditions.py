"""When a red flag or rule applies: conditions on answers, the patient (age, sex), channel and time of day.

Each condition is compiled once, when the guideline set is loaded, into small checks so that
evaluating a contact does no parsing. An unanswered question never satisfies a condition on it,
so a missing answer can only leave a case with the more cautious default rule. A fact about the
patient that is not known (age in months, sex) is read cautiously: a red flag counts it as
possibly met, a rule (which may lower the level) as not met.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    StrictBool,
    StrictStr,
    field_validator,
    model_validator,
)

from nara.shared.events.vocabulary import Channel

MAX_AGE = 130
MAX_AGE_MONTHS = MAX_AGE * 12 + 11
MINUTES_PER_DAY = 24 * 60
_CLOCK_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")

AnswerCheck = Callable[[Any], bool]


class FrozenModel(BaseModel):
    """Immutable, strict about unknown fields, and equal when the data is equal."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def __eq__(self, other: object) -> bool:
        # Pydantic would also compare private attributes, and compiled checks are closures that
        # never compare equal; two loads of the same files must be the same guidelines.
        return type(other) is type(self) and self.__dict__ == other.__dict__


class AgeRange(FrozenModel):
    """Whole years, both ends included (`{min: 0, max: 17}` is a child)."""

    min: int = Field(0, ge=0)
    max: int = Field(MAX_AGE, ge=0)

    def contains(self, age: int) -> bool:
        return self.min <= age <= self.max

    @property
    def is_empty(self) -> bool:
        return self.min > self.max

    def label(self) -> str:
        return f"{self.min}–{self.max} years"


class MonthRange(FrozenModel):
    """Age in whole months, both ends included (`{max: 2}` is an infant under 3 months)."""

    min: int = Field(0, ge=0)
    max: int = Field(MAX_AGE_MONTHS, ge=0)

    def overlaps(self, low: int, high: int) -> bool:
        return self.min <= high and low <= self.max

    def covers(self, low: int, high: int) -> bool:
        return self.min <= low and high <= self.max

    @property
    def is_empty(self) -> bool:
        return self.min > self.max

    def label(self) -> str:
        return f"{self.min}–{self.max} months"


class Sex(StrEnum):
    """From the personnummer's second-last digit; asked for nowhere."""

    FEMALE = "female"
    MALE = "male"


def _minute_of_day(value: str) -> int:
    hours, minutes = value.split(":")
    return int(hours) * 60 + int(minutes)


class TimeWindow(FrozenModel):
    """Local wall-clock time in Europe/Stockholm, `start` included and `end` not; may wrap midnight."""

    start: str
    end: str

    @field_validator("start", "end", mode="before")
    @classmethod
    def _clock_time(cls, value: Any) -> str:
        # YAML 1.1 reads an unquoted 17:00 as the number 1020, so say how to write it.
        if not isinstance(value, str) or not _CLOCK_TIME.match(value):
            raise ValueError(f'{value!r} is not a time of day; write it quoted as "HH:MM", e.g. "17:00"')
        return value

    @model_validator(mode="after")
    def _not_empty(self) -> TimeWindow:
        if self.start == self.end:
            raise ValueError("start and end are equal; leave time_of_day out to mean the whole day")
        return self

    @property
    def start_minute(self) -> int:
        return _minute_of_day(self.start)

    @property
    def end_minute(self) -> int:
        return _minute_of_day(self.end)

    def contains(self, minute: int) -> bool:
        start, end = self.start_minute, self.end_minute
        if start < end:
            return start <= minute < end
        return minute >= start or minute < end


class NumberRange(FrozenModel):
    """A number answer from `at_least` (included) up to `below` (not included)."""

    at_least: float | None = None
    below: float | None = None

    @model_validator(mode="after")
    def _has_a_bound(self) -> NumberRange:
        if self.at_least is None and self.below is None:
            raise ValueError("a number condition needs at_least, below, or both")
        return self

    def contains(self, value: float) -> bool:
        return (self.at_least is None or value >= self.at_least) and (self.below is None or value < self.below)

    def label(self) -> str:
        low = "" if self.at_least is None else f"≥ {self.at_least:g}"
        high = "" if self.below is None else f"< {self.below:g}"
        return " and ".join(part for part in (low, high) if part)


def _parse_answer_condition(value: Any) -> bool | str | tuple[str, ...] | NumberRange:
    if isinstance(value, bool | str | NumberRange):
        return value
    if isinstance(value, list | tuple) and value and all(isinstance(item, str) for item in value):
        return tuple(value)
    if isinstance(value, Mapping):
        return NumberRange.model_validate(value)
    raise ValueError(
        f"{value!r} is not an answer condition; use true/false for a yes/no question, an option value"
        " or a list of option values for a choice, or {at_least: n, below: m} for a number"
    )


# The before-validator gives one clear message for a wrong shape; the strict union then keeps the
# types exact, so a model dump writes the condition back as it was read.
AnswerCondition = Annotated[
    StrictBool | StrictStr | tuple[StrictStr, ...] | NumberRange, BeforeValidator(_parse_answer_condition)
]


def compile_answer_check(expected: bool | str | tuple[str, ...] | NumberRange) -> AnswerCheck:
    """A check of one given answer against one condition; types must match exactly."""
    if isinstance(expected, bool):
        return lambda value: type(value) is bool and value is expected
    if isinstance(expected, str):
        return lambda value: type(value) is str and value == expected
    if isinstance(expected, tuple):
        allowed = frozenset(expected)
        return lambda value: type(value) is str and value in allowed
    return lambda value: type(value) in (int, float) and expected.contains(value)


@dataclass(frozen=True, slots=True)
class Situation:
    """What a condition is tested against: the answers given and the contact's context."""

    answers: Mapping[str, Any]
    age: int
    channel: Channel
    minute_of_day: int  # minutes after midnight, Europe/Stockholm wall clock
    age_months: int | None = None  # whole months of age, when the birth date is known
    sex: Sex | None = None

    @property
    def month_span(self) -> tuple[int, int]:
        """The ages in months the patient may have: exact when known, else the whole year of `age`."""
        if self.age_months is not None:
            return self.age_months, self.age_months
        return self.age * 12, self.age * 12 + 11


Matcher = Callable[[Situation], bool]
_NOT_GIVEN = object()


def patient_facts_match(condition: RedFlagCondition, situation: Situation, *, cautious: bool) -> bool:
    """Age in months and sex: a cautious reading (red flags) takes an unknown fact as possibly met."""
    months = condition.age_months
    if months is not None:
        low, high = situation.month_span
        if not (months.overlaps(low, high) if cautious else months.covers(low, high)):
            return False
    sex = condition.sex
    return sex is None or situation.sex == sex or (cautious and situation.sex is None)


def compile_condition(condition: RedFlagCondition, *, cautious: bool) -> Matcher:
    """One closure that tests a situation against the whole condition, with every bound precomputed."""
    checks = tuple((question, compile_answer_check(spec)) for question, spec in condition.answers.items())
    low, high = (condition.age.min, condition.age.max) if condition.age else (0, MAX_AGE)
    channels = frozenset(getattr(condition, "channels", None) or ()) or None
    window = getattr(condition, "time_of_day", None)
    start, end = (window.start_minute, window.end_minute) if window else (0, 0)
    wraps = start > end
    about_patient = condition.age_months is not None or condition.sex is not None

    def matches(situation: Situation) -> bool:
        if not low <= situation.age <= high:
            return False
        if about_patient and not patient_facts_match(condition, situation, cautious=cautious):
            return False
        if channels is not None and situation.channel not in channels:
            return False
        if window is not None:
            minute = situation.minute_of_day
            if not ((minute >= start or minute < end) if wraps else (start <= minute < end)):
                return False
        answers = situation.answers
        for question, check in checks:
            value = answers.get(question, _NOT_GIVEN)
            if value is _NOT_GIVEN or not check(value):
                return False
        return True

    return matches


class RedFlagCondition(FrozenModel):
    """A red flag depends on answers and the patient (age, sex), never on channel or time: it holds everywhere.
    A flag on age alone (an infant with ear pain) names no answers."""

    answers: dict[str, AnswerCondition] = Field(default_factory=dict)
    age: AgeRange | None = None
    age_months: MonthRange | None = None
    sex: Sex | None = None

    @model_validator(mode="after")
    def _says_when(self) -> RedFlagCondition:
        if type(self) is RedFlagCondition and not (self.answers or self.age or self.age_months):
            raise ValueError("a red flag needs answers, an age or an age in months to fire on")
        return self

    _matcher: Matcher = PrivateAttr()
    _cautious: ClassVar[bool] = True  # a red flag fires when an unknown fact about the patient may meet it

    def model_post_init(self, _context: Any) -> None:
        self._matcher = compile_condition(self, cautious=self._cautious)

    @property
    def matcher(self) -> Matcher:
        """The compiled test of a situation against this condition."""
        return self._matcher

    def matches(self, situation: Situation) -> bool:
        return self._matcher(situation)

    def answer_check(self, question: str) -> AnswerCheck | None:
        """The check on one question, or None when the condition does not ask about it."""
        return compile_answer_check(self.answers[question]) if question in self.answers else None


class RuleCondition(RedFlagCondition):
    """A rule may also depend on the channel and on the local time of day; no answers means any.

    A rule may name the patient's sex (an unknown sex never meets it), but not an age in months:
    months are for the red flags of infants, which must fire whenever they may apply.
    """

    answers: dict[str, AnswerCondition] = Field(default_factory=dict)
    age_months: None = None
    channels: tuple[Channel, ...] | None = Field(None, min_length=1)
    time_of_day: TimeWindow | None = None

    _cautious: ClassVar[bool] = False
