"""Properties over random contacts drawn from the shipped guidelines' own answer space."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nara.shared.clock import STOCKHOLM
from nara.shared.events.vocabulary import Channel
from nara.triage.adapters.guideline_files import SHIPPED_GUIDELINES_FOLDER, load_guidelines
from nara.triage.domain.answer_space import reason_age_span, unsatisfiable_reason
from nara.triage.domain.conditions import NumberRange, Sex
from nara.triage.domain.engine import CARE_LEVEL_RANK, URGENCY_RANK, evaluate
from nara.triage.domain.patient import PatientFacts
from nara.triage.domain.questions import ChoiceQuestion, YesNoQuestion

GUIDELINES = load_guidelines(SHIPPED_GUIDELINES_FOLDER)
FRESH_COPY = load_guidelines(SHIPPED_GUIDELINES_FOLDER)
REASONS = sorted(GUIDELINES.reasons.values(), key=lambda reason: reason.code)
PROPERTY = settings(max_examples=250, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

moments = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC))
channels = st.sampled_from(list(Channel))


def answer_values(question, spec=None) -> st.SearchStrategy:
    """Any valid answer to the question, or only those meeting `spec` when given."""
    if isinstance(question, YesNoQuestion):
        return st.just(spec) if isinstance(spec, bool) else st.booleans()
    if isinstance(question, ChoiceQuestion):
        allowed = (spec,) if isinstance(spec, str) else (spec or question.values)
        return st.sampled_from(list(allowed))
    low, high = question.min, question.max
    if isinstance(spec, NumberRange):
        low = max(low, spec.at_least if spec.at_least is not None else low)
        if spec.below is not None and spec.below <= high:
            high = math.ceil(spec.below) - 1 if question.integer else math.nextafter(spec.below, -math.inf)
    if question.integer:
        return st.integers(math.ceil(low), math.floor(high))
    return st.floats(low, high, allow_nan=False)


@st.composite
def contacts(draw, reasons=REASONS):
    """A reason, a patient it applies to (age, perhaps months and sex), and answers to a random subset of the
    questions that patient is asked."""
    reason = draw(st.sampled_from(reasons))
    age = draw(st.integers(*reason_age_span(reason)))
    months = draw(st.one_of(st.none(), st.integers(age * 12, age * 12 + 11)))
    sex = draw(st.sampled_from([None, Sex.FEMALE, Sex.MALE]) if reason.sex is None else st.just(reason.sex))
    patient = PatientFacts(age, months, sex)
    answers = {}
    for question in reason.compiled.asked_of(patient, {}):
        if draw(st.booleans()):
            answers[question.id] = draw(answer_values(question))
    return reason, patient, answers


WITH_RED_FLAGS = [reason for reason in REASONS if reason.all_red_flags]


@PROPERTY
@given(data=st.data(), channel=channels, at=moments)
def test_adding_a_red_flag_answer_never_lowers_urgency_or_care_level(data, channel, at):
    reason, patient, answers = data.draw(contacts(WITH_RED_FLAGS))
    age = patient.age
    asked = {q.id for q in reason.compiled.asked_of(patient, {})}
    flags = [
        flag
        for flag in reason.all_red_flags
        if (flag.when.age is None or flag.when.age.contains(age))
        and flag.when.answers
        and all(q in asked for q in flag.when.answers)
        and (flag.when.sex is None or patient.sex in (None, flag.when.sex))
        and not unsatisfiable_reason(reason, flag.when)
    ]
    if not flags:
        return
    flag = data.draw(st.sampled_from(flags))
    before = {q: v for q, v in answers.items() if q not in flag.when.answers}  # the flag's answers are added
    added = {q: data.draw(answer_values(reason.question(q), spec)) for q, spec in flag.when.answers.items()}
    without = evaluate(GUIDELINES, reason.code, before, patient, channel, at)
    with_flag = evaluate(GUIDELINES, reason.code, {**before, **added}, patient, channel, at)
    if flag.when.age_months and not flag.when.age_months.overlaps(*_months(patient)):
        return
    assert flag.id in [fired.rule_id for fired in with_flag.rules_fired]
    assert URGENCY_RANK[with_flag.urgency] <= URGENCY_RANK[flag.urgency]
    assert CARE_LEVEL_RANK[with_flag.care_level] <= CARE_LEVEL_RANK[flag.care_level]
    if not set(without.unanswered_red_flags) & set(added):
        # Answering a red-flag question that was open (unknown) may settle another flag it kept open; otherwise
        # adding the answer can only raise the level.
        assert URGENCY_RANK[with_flag.urgency] <= URGENCY_RANK[without.urgency]
        assert CARE_LEVEL_RANK[with_flag.care_level] <= CARE_LEVEL_RANK[without.care_level]


@PROPERTY
@given(contact=contacts(), channel=channels, at=moments, seed=st.integers(0, 2**32 - 1))
def test_the_engine_is_deterministic(contact, channel, at, seed):
    reason, patient, answers = contact
    first = evaluate(GUIDELINES, reason.code, answers, patient, channel, at)
    shuffled = list(answers.items())
    random.Random(seed).shuffle(shuffled)
    assert evaluate(GUIDELINES, reason.code, dict(shuffled), patient, channel, at) == first
    assert evaluate(FRESH_COPY, reason.code, answers, patient, channel, at) == first  # same version, loaded again
    assert evaluate(GUIDELINES, reason.code, answers, patient, channel, at.astimezone()) == first  # same moment


@PROPERTY
@given(contact=contacts(), channel=channels, at=moments)
def test_every_valid_contact_gets_an_explained_decision(contact, channel, at):
    reason, patient, answers = contact
    decision = evaluate(GUIDELINES, reason.code, answers, patient, channel, at)
    assert decision.rules_fired and sum(fired.deciding for fired in decision.rules_fired) == 1
    assert sum(fired.kind == "rule" for fired in decision.rules_fired) == 1  # a rule always covers the case
    assert decision.guideline_version == GUIDELINES.version
    assert (decision.retts_colour == decision.urgency) == (channel is Channel.EMERGENCY_DEPARTMENT)
    assert decision.profession not in decision.alternatives
    if decision.care_level == "self_care":
        assert decision.guarantee_applies is False


@PROPERTY
@given(contact=contacts(), channel=channels, at=moments)
def test_the_same_local_time_a_week_later_gives_the_same_decision(contact, channel, at):
    """Only the Stockholm wall clock matters, not the date (checked where no DST change falls between)."""
    reason, patient, answers = contact
    later = at + timedelta(days=7)
    if at.astimezone(STOCKHOLM).utcoffset() != later.astimezone(STOCKHOLM).utcoffset():
        return
    first, again = (evaluate(GUIDELINES, reason.code, answers, patient, channel, moment) for moment in (at, later))
    assert again.model_copy(update={"assumed_time": first.assumed_time}) == first


def _months(patient: PatientFacts) -> tuple[int, int]:
    return (
        (patient.age_months, patient.age_months)
        if patient.age_months is not None
        else (patient.age * 12, patient.age * 12 + 11)
    )
