"""Safety properties over every reason × channel × age band (0, 1, 4, 15, 30, 70, 90) × four times of day.

- A red flag (the reason's own or a cross-cutting one) is never lowered: laid over the calmest answers the
  reason allows, the decision is at least the flag's urgency and care level.
- A red-flag question left unanswered gives at least the level the guidelines set for "unanswered", and the
  decision says which question it was.
- An infant under 3 months with fever never gets less than emergency_now, whichever reason is chosen.
- No decision's advice sends a 1177 caller back to 1177, and every decision's RETTS colour fits its care level.
The cases come from walking the loaded guidelines, so a new reason or flag is covered the day it is added.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest

from nara.shared.clock import STOCKHOLM
from nara.shared.events.vocabulary import CareLevel, Channel
from nara.triage.adapters.guideline_files import SHIPPED_GUIDELINES_FOLDER, load_guidelines
from nara.triage.domain.answer_space import example_answers
from nara.triage.domain.conditions import Sex
from nara.triage.domain.content_checks import LEVELS_OF_COLOUR
from nara.triage.domain.engine import CARE_LEVEL_RANK, URGENCY_RANK, Decision, evaluate
from nara.triage.domain.guidelines import ContactReason, RedFlag
from nara.triage.domain.patient import PatientFacts

GUIDELINES = load_guidelines(SHIPPED_GUIDELINES_FOLDER)
REASONS = sorted(GUIDELINES.reasons.values(), key=lambda reason: reason.code)
AGE_BANDS = (0, 1, 4, 15, 30, 70, 90)
# Night, office hours, the last office minute and the evening of a Wednesday in winter time.
MOMENTS = tuple(datetime(2026, 3, 11, h, m, tzinfo=STOCKHOLM) for h, m in ((3, 0), (10, 0), (16, 59), (19, 30)))
CHANNELS = tuple(Channel)
SEXES = (Sex.FEMALE, Sex.MALE)


def patients(reason: ContactReason) -> Iterator[PatientFacts]:
    """Each age band the reason is for, as a woman and a man (pregnancy questions are asked of women only)."""
    for age in AGE_BANDS:
        for sex in SEXES:
            if reason.applies_to(age, sex):
                yield PatientFacts(age, age * 12 + (1 if age == 0 else 6), sex)


def asked(reason: ContactReason, patient: PatientFacts) -> dict[str, Any]:
    return {q.id: q for q in reason.compiled.asked_of(patient, {})}


def calmest_answers(reason: ContactReason, patient: PatientFacts) -> dict[str, Any]:
    """The answers of the least urgent rule that can fire for this patient: the most a red flag is laid over."""
    questions = asked(reason, patient)
    best: tuple[int, dict[str, Any]] = (-1, {})
    for rule in reason.rules:
        found = example_answers(reason, rule.when)
        if not found or (rule.when.age and not rule.when.age.contains(patient.age)):
            continue
        if rule.when.sex is not None and rule.when.sex != patient.sex:
            continue
        answers = {q: v for q, v in found[0].items() if q in questions}
        if len(answers) == len(found[0]) and CARE_LEVEL_RANK[rule.care_level] > best[0]:
            best = (CARE_LEVEL_RANK[rule.care_level], answers)
    return best[1]


def flag_cases(reason: ContactReason, patient: PatientFacts) -> Iterator[tuple[RedFlag, dict[str, Any]]]:
    """Each red flag that can fire for this patient, laid over the calmest answers."""
    questions = asked(reason, patient)
    calm = calmest_answers(reason, patient)
    for flag in reason.all_red_flags:
        if flag.when.age and not flag.when.age.contains(patient.age):
            continue
        if flag.when.age_months and not flag.when.age_months.overlaps(patient.age_months, patient.age_months):
            continue
        if flag.when.sex is not None and flag.when.sex != patient.sex:
            continue
        if not all(q in questions for q in flag.when.answers):
            continue
        found = example_answers(reason, flag.when)
        if found:
            yield flag, {**calm, **found[0]}


def check_decision(decision: Decision, channel: Channel) -> None:
    assert decision.care_level in LEVELS_OF_COLOUR[decision.urgency], decision.deciding_rule
    if channel is Channel.PHONE_1177:
        assert "1177" not in decision.advice, (decision.deciding_rule, decision.advice)


CASES = [(reason, patient) for reason in REASONS for patient in patients(reason)]


@pytest.mark.parametrize(("reason", "patient"), CASES, ids=[f"{r.code}-{p.age}-{p.sex}" for r, p in CASES])
def test_no_red_flag_is_lowered_and_no_1177_caller_is_sent_back_to_1177(reason: ContactReason, patient: PatientFacts):
    cases = list(flag_cases(reason, patient))
    calm = calmest_answers(reason, patient)
    for channel in CHANNELS:
        for moment in MOMENTS:
            check_decision(evaluate(GUIDELINES, reason.code, calm, patient, channel, moment), channel)
            for flag, answers in cases:
                decision = evaluate(GUIDELINES, reason.code, answers, patient, channel, moment)
                where = f"{flag.id} in {reason.code}, age {patient.age}, {channel}, {moment:%H:%M}"
                assert CARE_LEVEL_RANK[decision.care_level] <= CARE_LEVEL_RANK[flag.care_level], where
                assert URGENCY_RANK[decision.urgency] <= URGENCY_RANK[flag.urgency], where
                assert flag.id in [f.rule_id for f in decision.rules_fired], where
                check_decision(decision, channel)


@pytest.mark.parametrize(("reason", "patient"), CASES, ids=[f"{r.code}-{p.age}-{p.sex}" for r, p in CASES])
def test_an_unanswered_red_flag_question_is_said_and_never_less_urgent_than_its_unanswered_level(
    reason: ContactReason, patient: PatientFacts
):
    calm = calmest_answers(reason, patient)
    for flag, answers in flag_cases(reason, patient):
        left_open = {q: v for q, v in {**calm, **answers}.items() if q not in flag.when.answers}
        compiled = reason.compiled
        if not all(compiled.due(compiled.questions[q], patient, left_open) for q in flag.when.answers):
            continue  # an earlier answer shows the flag's question does not arise
        decision = evaluate(GUIDELINES, reason.code, left_open, patient, "web", MOMENTS[1])
        least = GUIDELINES.unanswered_level(flag).care_level
        where = f"{flag.id} unanswered in {reason.code} at age {patient.age}"
        assert CARE_LEVEL_RANK[decision.care_level] <= CARE_LEVEL_RANK[least], where
        assert set(decision.unanswered_red_flags) & set(flag.when.answers), where


INFANT_REASONS = [reason for reason in REASONS if reason.applies_to(0)]


@pytest.mark.parametrize("reason", INFANT_REASONS, ids=[r.code for r in INFANT_REASONS])
@pytest.mark.parametrize("months", [0, 1, 2, None], ids=["0m", "1m", "2m", "months-unknown"])
def test_an_infant_with_fever_never_gets_less_than_emergency_now(reason: ContactReason, months: int | None):
    for sex in SEXES:
        if not reason.applies_to(0, sex):
            continue
        patient = PatientFacts(0, months, sex)
        answers = {**calmest_answers(reason, PatientFacts(0, months if months is not None else 2, sex)), "fever": True}
        for channel in CHANNELS:
            for moment in MOMENTS:
                decision = evaluate(GUIDELINES, reason.code, answers, patient, channel, moment)
                assert CARE_LEVEL_RANK[decision.care_level] <= CARE_LEVEL_RANK[CareLevel.EMERGENCY_NOW], (
                    f"{reason.code}, {months} months, {channel}, {moment:%H:%M}: {decision.care_level}"
                )
                check_decision(decision, channel)


def test_the_properties_cover_every_reason_age_band_channel_and_time():
    covered = {reason.code for reason, _ in CASES}
    assert covered == set(GUIDELINES.reasons)
    assert {p.age for _, p in CASES} == set(AGE_BANDS)
    assert len(INFANT_REASONS) >= 20
