"""The guideline set as data: contact reasons, the questions shared by every reason, and the red flags
that hold whatever reason is chosen.

`guidelines.yaml` carries the version, the cited sources, office hours, the shared questions (risk
factors and screens asked once per contact) and the cross-cutting red flags; `reasons/*.yaml` one
contact reason each. Each reason is compiled once, at load time, into a view that merges its own
questions and red flags with the shared ones, so the engine does no lookups while it decides.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import Field, PrivateAttr, model_validator

from nara.shared.events.vocabulary import CareLevel, Profession, Urgency

from .conditions import (
    AgeRange,
    AnswerCheck,
    FrozenModel,
    Matcher,
    RedFlagCondition,
    RuleCondition,
    Sex,
    TimeWindow,
    compile_answer_check,
)
from .patient import PatientFacts
from .questions import CODE_PATTERN, AnyQuestion, Question
from .reason_groups import ReasonGroup

_DOTTED_ID = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$"
_LEVEL_RANK = {level: rank for rank, level in enumerate(CareLevel)}


class Source(FrozenModel):
    """A public clinical source that red flags and rules cite by id."""

    name: str = Field(min_length=1)
    url: str = Field(pattern=r"^https://\S+$")


class Outcome(FrozenModel):
    """What a red flag or a rule decides, and the text a person reads about why.

    `advice` is what to do about the problem (self-care, what to watch for); where to turn (112,
    the emergency department, the unit, a jourmottagning, 1177) is added by the engine for the
    channel and the time of day, so it is never wrong for a 1177 caller or at night.
    """

    id: str = Field(pattern=_DOTTED_ID)
    text: str = Field(min_length=1)
    urgency: Urgency
    care_level: CareLevel
    profession: Profession
    alternatives: tuple[Profession, ...] = ()
    guarantee_applies: bool
    advice: str = Field(min_length=1)
    sources: tuple[str, ...] = ()  # ids from guidelines.yaml; required for red flags

    @model_validator(mode="after")
    def _alternatives_differ(self) -> Outcome:
        if self.profession in self.alternatives or len(set(self.alternatives)) != len(self.alternatives):
            raise ValueError("alternatives must be distinct and must not repeat the profession")
        return self

    def same_outcome_as(self, other: Outcome) -> bool:
        """Whether both send the patient the same way with the same advice."""
        fields = ("urgency", "care_level", "profession", "alternatives", "guarantee_applies", "advice")
        return all(getattr(self, name) == getattr(other, name) for name in fields)


class UnansweredLevel(FrozenModel):
    """The least a red flag forces while a question it asks is unanswered ("vet inte")."""

    urgency: Urgency
    care_level: CareLevel


class RedFlag(Outcome):
    """A sign that forces at least this urgency and care level, whatever the rules say."""

    when: RedFlagCondition
    sources: tuple[str, ...] = Field(min_length=1)
    if_unanswered: UnansweredLevel | None = None  # else the set's default for the flag's care level


class Rule(Outcome):
    """Maps a condition to an outcome; the highest priority that matches decides."""

    priority: int = Field(ge=0)
    when: RuleCondition = Field(default_factory=RuleCondition)


@dataclass(frozen=True, slots=True)
class _Gate:
    """When one question is asked, as plain values: the engine checks it for many questions per decision."""

    ages: tuple[int, int]
    sex: Sex | None
    only_at: tuple[int, int] | None  # a shared question this reason asks only at some ages
    follows: tuple[tuple[str, AnswerCheck], ...]  # asked_if: the earlier answers and what they must be
    parents: tuple[str, ...]  # the questions it follows (asked_if and asked_with)


def _gate(question: AnyQuestion, only_at: AgeRange | None, known: set[str]) -> _Gate:
    age = question.age or AgeRange()
    follows = tuple((q, compile_answer_check(spec)) for q, spec in (question.asked_if or {}).items())
    return _Gate(
        (age.min, age.max),
        question.sex,
        (only_at.min, only_at.max) if only_at else None,
        follows,
        tuple(q for q, _ in follows if q in known),
    )


@dataclass(frozen=True, slots=True)
class CompiledReason:
    """A reason ready for the engine: plain lookups and compiled matchers, built once at load time."""

    questions: dict[str, AnyQuestion]  # its own and every shared question: a shared answer counts anywhere
    asked: tuple[AnyQuestion, ...]  # what the reason may ask, red-flag questions first
    asked_ids: frozenset[str]
    only_at: dict[str, AgeRange]  # shared questions it asks only at some ages (`always_at`), not listed by it
    red_flag_questions: frozenset[str]
    red_flags: tuple[tuple[RedFlag, Matcher], ...]  # its own, then the cross-cutting ones
    rules: tuple[tuple[Rule, Matcher], ...]  # highest priority first
    gates: dict[str, _Gate]
    # Per red flag (by id): the answer checks of its condition, or None when this reason does not ask every
    # question the flag needs (then it can neither fire nor stay open here).
    flag_checks: dict[str, tuple[tuple[str, AnswerCheck], ...] | None]

    def asks(self, question: AnyQuestion, patient: PatientFacts, answers: Mapping[str, Any], _depth: int = 0) -> bool:
        """Whether this patient is asked the question for this reason, given the answers so far. A follow-up is
        asked only where the question it follows is (pregnancy week after "pregnant", pre-eclampsia after week)."""
        gate = self.gates.get(question.id)
        if gate is None or _depth > 8 or not gate.ages[0] <= patient.age <= gate.ages[1]:
            return False
        if gate.sex is not None and patient.sex is not None and patient.sex != gate.sex:
            return False
        if gate.only_at is not None and not gate.only_at[0] <= patient.age <= gate.only_at[1]:
            return False
        for parent, check in gate.follows:
            if parent in answers and not check(answers[parent]):
                return False  # an earlier answer shows it does not arise
        return all(self.asks(self.questions[parent], patient, answers, _depth + 1) for parent in gate.parents)

    def due(self, question: AnyQuestion, patient: PatientFacts, answers: Mapping[str, Any]) -> bool:
        """Asked and owed an answer now: a follow-up is due once the answers it follows are given and call for it
        (until then it is not yet a question anyone could answer)."""
        gate = self.gates.get(question.id)
        return self.asks(question, patient, answers) and (gate is None or all(p in answers for p, _ in gate.follows))

    def asked_of(self, patient: PatientFacts, answers: Mapping[str, Any]) -> list[AnyQuestion]:
        """The questions this patient is asked, red-flag questions first; a follow-up (asked_if) drops out
        once an earlier answer shows it does not arise."""
        return [q for q in self.asked if self.asks(q, patient, answers)]


class ContactReason(FrozenModel):
    """One contact reason: its words, its questions, its red flags and its rules."""

    code: str = Field(pattern=CODE_PATTERN)
    title: str = Field(min_length=1)
    title_child: str | None = None  # the title a guardian reads, when it differs ("Feber hos barn")
    group: ReasonGroup | None = None  # where the list shows it (reason_groups.py); None for "Inget av detta passar"
    synonyms: tuple[str, ...] = Field(min_length=1)
    age: AgeRange | None = None
    sex: Sex | None = None
    risk_factors: tuple[str, ...] = ()  # shared questions this reason asks (guidelines.yaml)
    questions: tuple[Question, ...] = ()
    red_flags: tuple[RedFlag, ...] = ()
    rules: tuple[Rule, ...] = Field(min_length=1)

    _compiled: CompiledReason | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _unique_ids(self) -> ContactReason:
        for what, ids in (
            ("question", [q.id for q in self.questions]),
            ("red flag and rule", [o.id for o in (*self.red_flags, *self.rules)]),
        ):
            repeated = sorted({i for i in ids if ids.count(i) > 1})
            if repeated:
                raise ValueError(f"{what} ids repeat: {', '.join(repeated)}")
        return self

    def compile_with(self, shared: tuple[AnyQuestion, ...], cross_cutting: tuple[RedFlag, ...]) -> None:
        """Merge the shared questions and cross-cutting red flags in; called once by the guideline set."""
        by_id: dict[str, AnyQuestion] = {q.id: q for q in shared}
        by_id.update({q.id: q for q in self.questions})
        conditions: list[RedFlagCondition] = [flag.when for flag in self.red_flags] + [rule.when for rule in self.rules]
        referenced = {q for condition in conditions for q in condition.answers}
        referenced |= {q for question in self.questions for q in (question.asked_if or {})}
        listed = set(self.risk_factors) | referenced | {q.id for q in shared if q.ask == "always"}
        sometimes = {q.id: q.always_at for q in shared if q.always_at is not None and q.id not in listed}
        # A shared follow-up (asked_if) is asked wherever the questions it follows are, at the same ages.
        follows = {q.id: set(q.asked_if or ()) | set(q.asked_with) for q in shared}
        own = {q.id for q in self.questions}
        while grown := {
            q
            for q, after in follows.items()
            if q not in listed | set(sometimes) and after and after <= listed | own | set(sometimes)
        }:
            for question_id in grown:
                ages = [sometimes[q] for q in follows[question_id] if q in sometimes]
                if ages:
                    sometimes[question_id] = ages[0]
                else:
                    listed.add(question_id)
        asked_shared = [q for q in shared if (q.id in listed or q.id in sometimes) and q.id not in own]
        flags = (*self.red_flags, *cross_cutting)
        flagged = frozenset(q for flag in flags for q in flag.when.answers)
        # Red-flag questions first, those that can call an ambulance before the others; file order within each.
        most_urgent = {q: min(_LEVEL_RANK[f.care_level] for f in flags if q in f.when.answers) for q in flagged}
        in_order = [*self.questions, *asked_shared]
        asked = tuple(sorted(in_order, key=lambda q: most_urgent.get(q.id, len(_LEVEL_RANK))))
        # Stable sort: at equal priority the file order decides (the linter flags such ties that disagree).
        ordered = sorted(self.rules, key=lambda rule: -rule.priority)
        only_at = {q: a for q, a in sometimes.items() if q not in listed}
        self._compiled = CompiledReason(
            questions=by_id,
            asked=asked,
            asked_ids=frozenset(q.id for q in asked),
            only_at=only_at,
            red_flag_questions=flagged & {q.id for q in asked},
            red_flags=tuple((flag, flag.when.matcher) for flag in flags),
            rules=tuple((rule, rule.when.matcher) for rule in ordered),
            gates={q.id: _gate(q, only_at.get(q.id), set(by_id)) for q in asked},
            flag_checks={
                flag.id: tuple((q, compile_answer_check(spec)) for q, spec in flag.when.answers.items())
                if set(flag.when.answers) <= {q.id for q in asked}
                else None
                for flag in flags
            },
        )

    @property
    def compiled(self) -> CompiledReason:
        # Read from pydantic's private store directly: the engine asks for it many times a decision.
        compiled: CompiledReason | None = self.__pydantic_private__["_compiled"]  # type: ignore[index]  # pydantic keeps it a dict
        if compiled is None:  # a reason read alone, outside a guideline set
            self.compile_with((), ())
            return self.compiled  # compile_with has just set it
        return compiled

    def question(self, question_id: str) -> AnyQuestion | None:
        return self.compiled.questions.get(question_id)

    @property
    def rules_in_order(self) -> tuple[Rule, ...]:
        """The rules from highest priority down: the first that matches decides."""
        return tuple(rule for rule, _ in self.compiled.rules)

    @property
    def all_red_flags(self) -> tuple[RedFlag, ...]:
        """Its own red flags and the cross-cutting ones, all of which are checked for it."""
        return tuple(flag for flag, _ in self.compiled.red_flags)

    def applies_to(self, age: int, sex: Sex | None = None) -> bool:
        return (self.age is None or self.age.contains(age)) and (self.sex is None or sex in (None, self.sex))


class OfficeHours(FrozenModel):
    """When primary care units answer: weekdays (1 Monday … 7 Sunday) and a wall-clock window."""

    weekdays: tuple[int, ...] = (1, 2, 3, 4, 5)
    hours: TimeWindow = TimeWindow(start="08:00", end="17:00")

    def contain(self, isoweekday: int, minute_of_day: int) -> bool:
        return isoweekday in self.weekdays and self.hours.contains(minute_of_day)


DEFAULT_UNANSWERED = {
    CareLevel.CALL_112: UnansweredLevel(urgency=Urgency.ORANGE, care_level=CareLevel.WITHIN_HOURS),
    CareLevel.EMERGENCY_NOW: UnansweredLevel(urgency=Urgency.ORANGE, care_level=CareLevel.WITHIN_HOURS),
    CareLevel.WITHIN_HOURS: UnansweredLevel(urgency=Urgency.YELLOW, care_level=CareLevel.SAME_DAY),
    CareLevel.SAME_DAY: UnansweredLevel(urgency=Urgency.GREEN, care_level=CareLevel.SAME_DAY),
}


class GuidelineHeader(FrozenModel):
    """The top-level file: the version in force, sources, office hours and what every reason shares."""

    version: str = Field(pattern=r"^[0-9]{4}\.[0-9]{1,2}\.[0-9]+$")
    title: str = Field(min_length=1)
    sources: dict[str, Source] = Field(min_length=1)
    office_hours: OfficeHours = OfficeHours()
    # What a red flag forces while one of its questions is unanswered, by the flag's own care level.
    unanswered_red_flag: dict[CareLevel, UnansweredLevel] = Field(default_factory=lambda: dict(DEFAULT_UNANSWERED))
    unanswered_red_flag_advice: str = (
        "Frågan om ett varningstecken är inte besvarad. Svara på den om du kan: ett ja kan betyda att du behöver "
        "vård direkt."
    )
    shared_questions: tuple[Question, ...] = ()  # risk factors and screens, asked once per contact
    red_flags: tuple[RedFlag, ...] = ()  # cross-cutting: checked for every reason


class GuidelineSet(GuidelineHeader):
    """A whole, validated guideline set of one version."""

    reasons: dict[str, ContactReason]
    reason_files: dict[str, str] = Field(description="Contact reason code to its file, for findings.")

    def model_post_init(self, _context: Any) -> None:
        for reason in self.reasons.values():
            reason.compile_with(tuple(self.shared_questions), self.red_flags)

    def reason(self, code: str) -> ContactReason | None:
        return self.reasons.get(code)

    def shared_question(self, question_id: str) -> AnyQuestion | None:
        return next((q for q in self.shared_questions if q.id == question_id), None)

    def unanswered_level(self, flag: RedFlag) -> UnansweredLevel:
        if flag.if_unanswered is not None:
            return flag.if_unanswered
        return self.unanswered_red_flag.get(flag.care_level) or UnansweredLevel(
            urgency=flag.urgency, care_level=flag.care_level
        )

    @property
    def red_flag_count(self) -> int:
        return len(self.red_flags) + sum(len(reason.red_flags) for reason in self.reasons.values())

    @property
    def rule_count(self) -> int:
        return sum(len(reason.rules) for reason in self.reasons.values())

    @property
    def question_count(self) -> int:
        return len(self.shared_questions) + sum(len(reason.questions) for reason in self.reasons.values())
