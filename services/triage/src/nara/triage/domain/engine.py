"""The triage engine: one contact reason, its answers and the patient in, one explained decision out.

Red flags are checked first: the reason's own and the cross-cutting ones that hold for every
reason. Every flag that fires is kept, and so is every flag that may apply because a question it
asks is unanswered (at the level the guidelines give for "unanswered"). Then the rules are tried
from the highest priority down and the first that matches is kept. The most urgent care level
decides where the patient goes, so a rule can never lower a red flag, and the decision marks which
red flag or rule that was.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from nara.shared.clock import to_stockholm
from nara.shared.events.vocabulary import CareLevel, Channel, Profession, Urgency

from .answers import checked_answers, checked_channel, checked_patient
from .conditions import Situation, patient_facts_match
from .guidelines import CompiledReason, GuidelineSet, Outcome, RedFlag
from .patient import PatientFacts
from .routing import where_to_turn
from .triage_errors import GuidelineGapError, InvalidAnswerError, TriageInputError, UnknownReasonError

URGENCY_RANK = {urgency: rank for rank, urgency in enumerate(Urgency)}  # 0 is most urgent (red)
CARE_LEVEL_RANK = {level: rank for rank, level in enumerate(CareLevel)}  # 0 is most urgent (call_112)
FiredKind = Literal["red_flag", "unanswered_red_flag", "rule", "override"]
_KIND_ORDER = {"red_flag": 0, "unanswered_red_flag": 1, "rule": 2}  # on a tie, a red flag explains first
RED_FLAG_KINDS = frozenset({"red_flag", "unanswered_red_flag"})

__all__ = [
    "CARE_LEVEL_RANK",
    "RED_FLAG_KINDS",
    "URGENCY_RANK",
    "Decision",
    "FiredRule",
    "GuidelineGapError",
    "InvalidAnswerError",
    "TriageInputError",
    "UnknownReasonError",
    "WhereToTurnView",
    "evaluate",
]


class FiredRule(BaseModel):
    """A red flag or rule that fired, with the text a person reads, its level and the sources behind it.
    (contact.triaged.v1 carries it as the event contract's RuleFired; the service maps one to the other.)"""

    model_config = ConfigDict(frozen=True)

    rule_id: str
    text: str
    deciding: bool = False  # the one whose care level, profession and advice the decision took
    kind: FiredKind
    urgency: Urgency
    care_level: CareLevel
    sources: tuple[str, ...] = ()


class WhereToTurnView(BaseModel):
    model_config = ConfigDict(frozen=True)

    heading: str
    text: str
    phone: str | None


class PatientView(BaseModel):
    """The facts the decision assumed: age, and age in months and sex when known."""

    model_config = ConfigDict(frozen=True)

    age: int
    age_months: int | None
    sex: str | None
    answered_by_guardian: bool


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
    deciding_rule: str
    advice: str  # where to turn, then what to do: the whole text a person reads
    care_advice: str  # what to do, from the deciding red flag or rule
    where_to_turn: WhereToTurnView
    retts_colour: Urgency | None  # set for the emergency department, where RETTS colours are the language
    unanswered_questions: tuple[str, ...]
    unanswered_red_flags: tuple[str, ...]  # red-flag questions left unanswered ("vet inte")
    assumed_time: str  # the Europe/Stockholm moment the decision was made for (time of day matters)
    office_hours: bool
    patient: PatientView
    channel: Channel


def evaluate(
    guidelines: GuidelineSet,
    reason_code: str,
    answers: Mapping[str, Any],
    patient: PatientFacts | int,
    channel: Channel | str,
    at: datetime,
) -> Decision:
    """Triage one contact. Deterministic: the same guideline version and input give the same decision."""
    reason = guidelines.reason(reason_code)
    if reason is None:
        raise UnknownReasonError(reason_code)
    facts = checked_patient(reason, patient)
    compiled = reason.compiled
    given = checked_answers(reason, answers, facts)
    local = _local_time(at)
    situation = Situation(
        given, facts.age, checked_channel(channel), local.hour * 60 + local.minute, facts.age_months, facts.sex
    )

    fired: list[tuple[Outcome, FiredKind, str]] = []
    unanswered_flag_questions: list[str] = []
    for flag, matches in compiled.red_flags:
        if matches(situation):
            fired.append((flag, "red_flag", flag.text))
            continue
        open_questions = _unanswered_questions_of(flag, compiled, situation, facts)
        if open_questions:
            unanswered_flag_questions += [q for q in open_questions if q not in unanswered_flag_questions]
            fired.append(
                (
                    _unanswered_outcome(guidelines, flag),
                    "unanswered_red_flag",
                    _unanswered_text(flag, compiled, open_questions, facts),
                )
            )
    rule = next((rule for rule, matches in compiled.rules if matches(situation)), None)
    if rule is not None:
        fired.append((rule, "rule", rule.text))
    if not fired:
        raise GuidelineGapError(f"no rule of {reason_code!r} in version {guidelines.version} covers this case")

    deciding = min(
        fired, key=lambda c: (CARE_LEVEL_RANK[c[0].care_level], URGENCY_RANK[c[0].urgency], _KIND_ORDER[c[1]])
    )
    outcome = deciding[0]
    urgency = min((c[0].urgency for c in fired), key=URGENCY_RANK.__getitem__)
    turn = where_to_turn(
        outcome.care_level, situation.channel, local, guidelines.office_hours, about_child=facts.answered_by_guardian
    )
    care_advice = _care_advice(deciding, fired, guidelines)
    return Decision(
        reason_code=reason.code,
        urgency=urgency,
        care_level=outcome.care_level,
        profession=outcome.profession,
        alternatives=outcome.alternatives,
        guarantee_applies=outcome.guarantee_applies,
        guideline_version=guidelines.version,
        rules_fired=tuple(_fired(c, c is deciding, guidelines) for c in fired),
        deciding_rule=outcome.id,
        advice=f"{turn.text} {care_advice}",
        care_advice=care_advice,
        where_to_turn=WhereToTurnView(heading=turn.heading, text=turn.text, phone=turn.phone),
        retts_colour=urgency if situation.channel is Channel.EMERGENCY_DEPARTMENT else None,
        unanswered_questions=tuple(q.id for q in compiled.asked_of(facts, given) if q.id not in given),
        unanswered_red_flags=tuple(unanswered_flag_questions),
        assumed_time=local.isoformat(timespec="minutes"),
        office_hours=guidelines.office_hours.contain(local.isoweekday(), situation.minute_of_day),
        patient=PatientView(
            age=facts.age, age_months=facts.age_months, sex=facts.sex, answered_by_guardian=facts.answered_by_guardian
        ),
        channel=situation.channel,
    )


def _unanswered_questions_of(
    flag: RedFlag, compiled: CompiledReason, situation: Situation, facts: PatientFacts
) -> list[str]:
    """The questions whose answers could still make the flag fire; empty if an answer or fact rules it out,
    or if the reason does not ask what the flag needs (then the flag does not concern this reason)."""
    checks = compiled.flag_checks.get(flag.id)
    if not checks:
        return []
    answers = situation.answers
    missing = []
    for question_id, check in checks:
        if question_id in answers:
            if not check(answers[question_id]):
                return []
        else:
            missing.append(question_id)
    if not missing:
        return []
    condition = flag.when
    if condition.age is not None and not condition.age.contains(situation.age):
        return []
    if not patient_facts_match(condition, situation, cautious=True):
        return []
    questions = compiled.questions
    if not all(compiled.due(questions[q], facts, answers) for q in missing):
        return []
    return missing


def _care_advice(
    deciding: tuple[Outcome, FiredKind, str], fired: list[tuple[Outcome, FiredKind, str]], guidelines: GuidelineSet
) -> str:
    """The deciding outcome's advice, then that of every other red flag or rule at the same care level: advice
    such as putting away the means of suicide must not be lost because another flag tied with it."""
    level = deciding[0].care_level
    texts: list[str] = []
    for outcome, kind, _ in [deciding, *fired]:
        if outcome is not deciding[0] and outcome.care_level != level:
            continue
        text = guidelines.unanswered_red_flag_advice if kind == "unanswered_red_flag" else outcome.advice
        if text not in texts:
            texts.append(text)
    return " ".join(texts)


def _unanswered_outcome(guidelines: GuidelineSet, flag: RedFlag) -> Outcome:
    level = guidelines.unanswered_level(flag)
    return Outcome(
        id=f"{flag.id}.unanswered",
        text=flag.text,
        urgency=level.urgency,
        care_level=level.care_level,
        profession=flag.profession,
        alternatives=flag.alternatives,
        guarantee_applies=True,
        advice=guidelines.unanswered_red_flag_advice,
        sources=flag.sources,
    )


def _unanswered_text(flag: RedFlag, compiled: CompiledReason, question_ids: list[str], facts: PatientFacts) -> str:
    texts = "; ".join(f"”{compiled.questions[q].text_for(facts)}”" for q in question_ids)
    return f"Obesvarad fråga om varningstecken ({texts}). Kan inte uteslutas: {flag.text}"


def _fired(candidate: tuple[Outcome, FiredKind, str], deciding: bool, guidelines: GuidelineSet) -> FiredRule:
    outcome, kind, text = candidate
    names = tuple(guidelines.sources[s].name if s in guidelines.sources else s for s in outcome.sources)
    return FiredRule(
        rule_id=outcome.id,
        text=text,
        kind=kind,
        deciding=deciding,
        urgency=outcome.urgency,
        care_level=outcome.care_level,
        sources=names,
    )


def _local_time(at: datetime) -> datetime:
    if not isinstance(at, datetime) or at.tzinfo is None or at.utcoffset() is None:
        raise TriageInputError(f"the time of the contact must be timezone-aware, got {at!r}")
    return to_stockholm(at)
