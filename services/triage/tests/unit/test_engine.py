"""The engine on a small guideline set of its own (tests/unit/engine_guidelines): how it decides and explains, what it
assumes about the patient and the hour, unanswered red flags, the shared questions and where it sends people."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path

import pytest

from nara.shared.clock import STOCKHOLM
from nara.triage.adapters.guideline_files import load_guidelines
from nara.triage.domain.conditions import Sex
from nara.triage.domain.engine import InvalidAnswerError, TriageInputError, UnknownReasonError, evaluate
from nara.triage.domain.patient import PatientFacts, Respondent

GUIDELINES = load_guidelines(Path(__file__).parent / "engine_guidelines")
WEDNESDAY_NOON = datetime(2026, 3, 11, 12, 0, tzinfo=STOCKHOLM)
WEDNESDAY_NIGHT = datetime(2026, 3, 11, 22, 0, tzinfo=STOCKHOLM)
ADULT = PatientFacts(40, 40 * 12, Sex.FEMALE)
CALM = {"breathless": False, "fever": False, "sepsis_signs": False, "days": 2, "pregnant": "no"}


def decide(answers: dict, patient: PatientFacts | int = ADULT, channel: str = "web", at: datetime = WEDNESDAY_NOON):
    return evaluate(GUIDELINES, "cough", answers, patient, channel, at)


def test_the_deciding_rule_is_marked_once_and_a_red_flag_decides_over_a_calmer_rule():
    decision = decide({**CALM, "breathless": True})
    fired = {f.rule_id: f for f in decision.rules_fired}
    assert decision.deciding_rule == "cough.rf_breathless" and decision.care_level == "call_112"
    assert [f.rule_id for f in decision.rules_fired if f.deciding] == ["cough.rf_breathless"]
    assert fired["cough.rf_breathless"].kind == "red_flag" and fired["cough.rf_breathless"].care_level == "call_112"
    assert "cough.short_in_women" not in fired, "the calm rule did not match: breathless is yes"
    assert decision.where_to_turn.heading == "Ring 112 nu" and decision.where_to_turn.phone == "112"


def test_the_decision_says_the_stockholm_time_it_assumed_and_whether_units_were_open():
    in_summer = decide(CALM, at=datetime(2026, 7, 15, 15, 30, tzinfo=UTC))  # 17:30 in Stockholm
    assert in_summer.assumed_time == "2026-07-15T17:30+02:00" and in_summer.office_hours is False
    assert decide(CALM).office_hours is True
    assert decide(CALM, at=datetime(2026, 3, 14, 12, 0, tzinfo=STOCKHOLM)).office_hours is False  # a Saturday


def test_an_unanswered_red_flag_question_is_said_and_raises_the_level():
    decision = decide({k: v for k, v in CALM.items() if k != "breathless"})
    assert decision.unanswered_red_flags == ("breathless",)
    assert decision.deciding_rule == "cough.rf_breathless.unanswered"
    assert decision.care_level == "within_hours" and decision.urgency == "orange"
    [open_flag] = [f for f in decision.rules_fired if f.kind == "unanswered_red_flag"]
    assert "Har du svår andnöd?" in open_flag.text and open_flag.deciding


def test_a_follow_up_that_does_not_arise_or_is_not_due_yet_is_not_an_open_red_flag():
    not_pregnant = decide(CALM)
    not_asked = decide({k: v for k, v in CALM.items() if k != "pregnant"})
    assert not_asked.unanswered_red_flags == () and "pregnant" in not_asked.unanswered_questions
    pregnant_early = decide({**CALM, "pregnant": "yes", "pregnancy_week": 12})
    pregnant_late = decide({**CALM, "pregnant": "yes", "pregnancy_week": 30})
    assert not_pregnant.unanswered_red_flags == () and not_pregnant.care_level == "self_care"
    assert pregnant_early.unanswered_red_flags == ()
    assert pregnant_late.unanswered_red_flags == ("preeclampsia_signs",)
    assert pregnant_late.care_level == "within_hours"


def test_a_shared_follow_up_is_asked_with_the_question_it_goes_with_whatever_its_answer():
    asked = [q.id for q in GUIDELINES.reason("cough").compiled.asked_of(ADULT, {"fever": False})]
    assert "sepsis_signs" in asked and asked.index("sepsis_signs") < asked.index("days")


@pytest.mark.parametrize(
    ("months", "expected"), [(0, "emergency_now"), (2, "emergency_now"), (3, "same_day"), (None, "emergency_now")]
)
def test_an_infant_with_fever_is_read_by_months_and_an_unknown_month_counts_as_possibly_under_three(months, expected):
    answers = {"child_responsiveness": "normal", "fever": True, "breathless": False, "days": 1}
    decision = decide(answers, PatientFacts(0, months, Sex.MALE))
    assert decision.care_level == expected, decision.deciding_rule


def test_an_unknown_sex_meets_a_red_flag_but_never_a_rule():
    long_cough = {**CALM, "days": 30}
    assert decide(long_cough, PatientFacts(40, None, None)).deciding_rule == "cough.rf_long_in_men"
    assert decide(long_cough, PatientFacts(40, None, Sex.FEMALE)).deciding_rule == "cough.long"
    short = {"breathless": False, "fever": False, "sepsis_signs": False, "days": 2}
    assert decide(short, PatientFacts(40, None, None)).deciding_rule == "cough.short"
    assert decide(short, PatientFacts(40, None, Sex.FEMALE)).unanswered_red_flags == ()


def test_a_guardian_reads_the_child_wording_and_the_ambulance_questions_come_first():
    baby = PatientFacts(1, 14, Sex.FEMALE)
    asked = GUIDELINES.reason("cough").compiled.asked_of(baby, {})
    assert [q.text_for(baby) for q in asked][:3] == [
        "Har barnet svår andnöd?",
        "Hur reagerar barnet?",
        "Har barnet feber?",
    ]
    teenager = PatientFacts(15, None, Sex.MALE)
    assert GUIDELINES.reason("cough").question("breathless").text_for(teenager) == "Har du svår andnöd?"
    guardian = PatientFacts(15, None, Sex.MALE, Respondent.GUARDIAN)
    assert GUIDELINES.reason("cough").question("breathless").text_for(guardian) == "Har barnet svår andnöd?"


def test_where_to_turn_follows_the_channel_and_the_hour():
    open_flag = {k: v for k, v in CALM.items() if k != "breathless"}  # within_hours
    web_day, web_night = decide(open_flag), decide(open_flag, at=WEDNESDAY_NIGHT)
    phone_1177_night = decide(open_flag, channel="phone_1177", at=WEDNESDAY_NIGHT)
    assert "Ring din vårdcentral nu" in web_day.advice and "jourmottagning" in web_night.advice
    assert "jourmottagning" in phone_1177_night.advice and "1177" not in phone_1177_night.advice
    at_ed = decide({**CALM, "breathless": True}, channel="emergency_department")
    assert at_ed.retts_colour == "red" and decide(CALM, channel="phone_1177").retts_colour is None


def test_the_advice_of_red_flags_at_the_same_level_is_joined_not_lost():
    baby = PatientFacts(0, 1, Sex.MALE)
    decision = decide({"child_responsiveness": "unresponsive", "breathless": True, "fever": True, "days": 1}, baby)
    assert decision.care_level == "call_112"
    assert "Sitt upp medan du väntar." in decision.care_advice and "Håll barnet hos dig." in decision.care_advice


def test_input_that_cannot_be_triaged_is_refused_with_a_reason():
    with pytest.raises(UnknownReasonError):
        evaluate(GUIDELINES, "headache", {}, ADULT, "web", WEDNESDAY_NOON)
    with pytest.raises(TriageInputError, match="age_months 30 does not agree with age 1"):
        decide(CALM, PatientFacts(1, 30, None))
    with pytest.raises(InvalidAnswerError, match="not a question of this reason"):
        decide({"no_such_question": True})
    with pytest.raises(InvalidAnswerError, match="expects a number"):
        decide({**CALM, "days": math.nan})
    with pytest.raises(TriageInputError, match="timezone-aware"):
        decide(CALM, at=datetime(2026, 3, 11, 12, 0))
    with pytest.raises(TriageInputError, match="unknown channel"):
        decide(CALM, channel="fax")


def test_a_bare_age_in_years_still_works_for_older_callers():
    assert decide(CALM, 40).patient.age_months is None
