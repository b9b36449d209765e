"""Properties over random contacts drawn from the shipped guidelines' own answer space."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nara.shared.clock import STOCKHOLM
from nara.shared.events.vocabulary import Channel
from nara.triage.domain.answer_space import reason_age_span, unsatisfiable_reason
from nara.triage.domain.conditions import NumberRange
from nara.triage.domain.engine import CARE_LEVEL_RANK, URGENCY_RANK, evaluate
from nara.triage.domain.guidelines import (
    SHIPPED_GUIDELINES_FOLDER,
    ChoiceQuestion,
    NumberQuestion,
    YesNoQuestion,
    load_guidelines,
)

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
    """A reason, an age it applies to, and answers to a random subset of the questions asked then."""
    reason = draw(st.sampled_from(reasons))
    age = draw(st.integers(*reason_age_span(reason)))
    answers = {}
    for question in reason.questions:
        if question.applies_to(age) and draw(st.booleans()):
            answers[question.id] = draw(answer_values(question))
    return reason, age, answers


WITH_RED_FLAGS = [reason for reason in REASONS if reason.red_flags]


@PROPERTY
@given(data=st.data(), channel=channels, at=moments)
def test_adding_a_red_flag_answer_never_lowers_urgency_or_care_level(data, channel, at):
    reason, age, answers = data.draw(contacts(WITH_RED_FLAGS))
    flags = [flag for flag in reason.red_flags if (flag.when.age is None or flag.when.age.contains(age))
             and all(reason.question(q).applies_to(age) for q in flag.when.answers)
             and not unsatisfiable_reason(reason, flag.when)]
    if not flags:
        return
    flag = data.draw(st.sampled_from(flags))
    before = {q: v for q, v in answers.items() if q not in flag.when.answers}  # the flag's answers are added
    added = {q: data.draw(answer_values(reason.question(q), spec)) for q, spec in flag.when.answers.items()}
    without = evaluate(GUIDELINES, reason.code, before, age, channel, at)
    with_flag = evaluate(GUIDELINES, reason.code, {**before, **added}, age, channel, at)
    assert flag.id in [fired.rule_id for fired in with_flag.rules_fired]
    assert URGENCY_RANK[with_flag.urgency] <= min(URGENCY_RANK[without.urgency], URGENCY_RANK[flag.urgency])
    assert CARE_LEVEL_RANK[with_flag.care_level] <= min(CARE_LEVEL_RANK[without.care_level],
                                                        CARE_LEVEL_RANK[flag.care_level])


@PROPERTY
@given(contact=contacts(), channel=channels, at=moments, seed=st.integers(0, 2**32 - 1))
def test_the_engine_is_deterministic(contact, channel, at, seed):
    reason, age, answers = contact
    first = evaluate(GUIDELINES, reason.code, answers, age, channel, at)
    shuffled = list(answers.items())
    random.Random(seed).shuffle(shuffled)
    assert evaluate(GUIDELINES, reason.code, dict(shuffled), age, channel, at) == first
    assert evaluate(FRESH_COPY, reason.code, answers, age, channel, at) == first  # same version, loaded again
    assert evaluate(GUIDELINES, reason.code, answers, age, channel, at.astimezone()) == first  # same moment


@PROPERTY
@given(contact=contacts(), channel=channels, at=moments)
def test_every_valid_contact_gets_an_explained_decision(contact, channel, at):
    reason, age, answers = contact
    decision = evaluate(GUIDELINES, reason.code, answers, age, channel, at)
    assert decision.rules_fired and decision.rules_fired[-1].kind in ("rule", "red_flag")
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
    reason, age, answers = contact
    later = at + timedelta(days=7)
    if at.astimezone(STOCKHOLM).utcoffset() != later.astimezone(STOCKHOLM).utcoffset():
        return
    assert evaluate(GUIDELINES, reason.code, answers, age, channel, later) == \
        evaluate(GUIDELINES, reason.code, answers, age, channel, at)
