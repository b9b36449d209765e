"""The engine: explained decisions, time of day in Stockholm, the emergency department, and clear errors."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from nara.shared.clock import STOCKHOLM
from nara.shared.events.models import ContactTriaged
from nara.triage.domain.engine import InvalidAnswerError, TriageInputError, UnknownReasonError, evaluate
from nara.triage.domain.guidelines import SHIPPED_GUIDELINES_FOLDER, load_guidelines

GUIDELINES = load_guidelines(SHIPPED_GUIDELINES_FOLDER)
NOON = datetime(2026, 3, 10, 12, 0, tzinfo=STOCKHOLM)


def decide(reason: str, answers: dict, age: int = 40, channel: str = "web", at: datetime = NOON):
    return evaluate(GUIDELINES, reason, answers, age, channel, at)


def test_a_decision_names_its_version_and_the_rules_behind_it_in_words():
    decision = decide("sore_throat", {"fever": True, "cough": False, "tonsil_coating": True, "days": 2})
    assert decision.guideline_version == GUIDELINES.version
    assert [(f.rule_id, f.kind) for f in decision.rules_fired] == [("sore_throat.strep_possible_coating", "rule")]
    assert "Centor" in decision.rules_fired[0].text
    assert decision.advice.startswith("Du kan ha halsfluss")
    assert decision.alternatives == ("doctor",)


def test_a_fired_red_flag_overrules_a_calmer_rule_and_cites_its_source():
    decision = decide("back_pain", {"cauda_equina": True, "can_move": True, "trauma": False, "radiating_leg": False,
                                    "weeks": 1})
    assert (decision.urgency, decision.care_level, decision.profession) == ("orange", "emergency_now", "doctor")
    kinds = {f.rule_id: f for f in decision.rules_fired}
    assert kinds["back_pain.rf_cauda_equina"].kind == "red_flag"
    assert any("NICE CKS" in source for source in kinds["back_pain.rf_cauda_equina"].sources)
    assert kinds["back_pain.self_care"].kind == "rule"  # the rule still fired, and is shown, but did not decide
    assert "akutmottagningen" in decision.advice


def test_the_highest_urgency_among_several_red_flags_wins():
    decision = decide("chest_pain", {"last_pain": "now", "breathless": True, "sweating": True})
    assert (decision.urgency, decision.care_level) == ("red", "call_112")
    fired = [f.rule_id for f in decision.rules_fired]
    assert fired == ["chest_pain.rf_breathless", "chest_pain.rf_sweating", "chest_pain.now"]


def test_the_emergency_department_gets_a_retts_colour_and_other_channels_do_not():
    at_ed = decide("back_pain", {}, channel="emergency_department")
    assert at_ed.retts_colour == at_ed.urgency == "green"
    assert "akutmottagningen" in at_ed.advice and at_ed.care_level == "within_3_days"
    assert decide("back_pain", {}, channel="phone_1177").retts_colour is None
    assert decide("chest_pain", {"radiating": True}, channel="emergency_department").retts_colour == "red"


@pytest.mark.parametrize(("moment", "expected"), [
    # 15:30 UTC is 16:30 in winter (office hours) but 17:30 in summer (out of hours).
    (datetime(2026, 1, 15, 15, 30, tzinfo=UTC), "same_day"),
    (datetime(2026, 7, 15, 15, 30, tzinfo=UTC), "within_hours"),
    # The night of the spring change (29 March 2026, 02:00 → 03:00) and the autumn change (25 October).
    (datetime(2026, 3, 29, 0, 30, tzinfo=UTC), "within_hours"),
    (datetime(2026, 3, 29, 6, 30, tzinfo=UTC), "same_day"),  # 08:30 local, summer time
    (datetime(2026, 10, 25, 6, 30, tzinfo=UTC), "within_hours"),  # 07:30 local, winter time again
    (datetime(2026, 10, 25, 7, 0, tzinfo=UTC), "same_day"),  # 08:00 local
])
def test_time_of_day_is_read_on_the_stockholm_clock_across_daylight_saving(moment, expected):
    decision = decide("ear_pain", {"pain_relief_works": False}, age=3, channel="phone_1177", at=moment)
    assert decision.care_level == expected


def test_age_changes_where_the_patient_is_sent():
    adult = decide("gastroenteritis", {"days": 1})
    toddler = decide("gastroenteritis", {"days": 1}, age=1)
    assert adult.care_level == "same_day" and adult.rules_fired[-1].rule_id == "gastroenteritis.default"
    assert toddler.rules_fired[-1].rule_id == "gastroenteritis.small_child"


def test_a_missing_answer_never_gives_self_care():
    complete = decide("cough_fever", {"breathless": False, "worse_again": False, "risk_group": False, "fever_days": 1,
                                      "cough_weeks": 1})
    missing = decide("cough_fever", {"breathless": False, "worse_again": False, "fever_days": 1, "cough_weeks": 1})
    assert complete.care_level == "self_care"
    assert missing.care_level == "within_3_days"
    assert missing.unanswered_questions == ("breathing_severe", "sepsis_signs", "blood_in_sputum", "risk_group")


def test_the_guarantee_follows_the_kind_of_contact():
    assert decide("medicine_renewal", {}).guarantee_applies is False
    assert decide("blood_pressure", {"purpose": "known_follow_up"}).guarantee_applies is False
    assert decide("headache", {"known_type": True, "pain_relief_works": True, "days": 1}).guarantee_applies is False
    assert decide("headache", {"known_type": True, "pain_relief_works": False}).guarantee_applies is True
    assert decide("wound", {"chronic": True}).guarantee_applies is True


def test_a_decision_fills_the_contract_triaged_event():
    decision = decide("urinary", {"fever": True, "sex": "female"})
    event = ContactTriaged(contact_id="c-1", override_reason=None,
                           **decision.model_dump(include={"urgency", "care_level", "profession", "guarantee_applies",
                                                          "guideline_version", "rules_fired"}))
    assert event.rules_fired[0].rule_id == "urinary.fever"
    assert event.guideline_version == GUIDELINES.version


def test_an_unknown_reason_is_refused_by_name():
    with pytest.raises(UnknownReasonError, match="unknown contact reason 'toothache'"):
        decide("toothache", {})


@pytest.mark.parametrize(("answers", "age", "message"), [
    ({"temperature": 39}, 40, r"question 'temperature': not a question of this reason"),
    ({"fever": "yes"}, 40, r"question 'fever': expects yes or no \(true/false\), got 'yes'"),
    ({"fever": 1}, 40, r"question 'fever': expects yes or no"),
    ({"days": 120}, 40, r"question 'days': 120 dagar is outside 0–90 dagar"),
    ({"days": "3"}, 40, r"question 'days': expects a number in dagar"),
    ({"days": 2.5}, 40, r"question 'days': expects a whole number of dagar"),
    ({"days": True}, 40, r"question 'days': expects a number"),
    ({"sex": "other"}, 40, r"question 'sex': 'other' is not one of the options offered: female, male"),
    ({"pregnant": True}, 70, r"question 'pregnant': is only asked at ages 12–55 years, not at 70"),
])
def test_invalid_answers_are_refused_naming_the_question(answers, age, message):
    with pytest.raises(InvalidAnswerError, match=message) as refused:
        decide("urinary", answers, age=age)
    assert refused.value.questions == tuple(answers)


def test_all_invalid_answers_are_named_at_once_and_none_counts_as_unanswered():
    with pytest.raises(InvalidAnswerError) as refused:
        decide("urinary", {"fever": "no", "days": -1, "flank_pain": None})
    assert refused.value.questions == ("fever", "days")
    assert decide("urinary", {"fever": None}).unanswered_questions[0] == "sepsis_signs"


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"age": -1}, "age must be a whole number of years from 0 to 130"),
    ({"age": 40.5}, "age must be a whole number"),
    ({"channel": "fax"}, "unknown channel 'fax'"),
    ({"at": datetime(2026, 3, 10, 12, 0)}, "must be timezone-aware"),
])
def test_invalid_context_is_refused(kwargs, message):
    with pytest.raises(TriageInputError, match=message):
        decide("urinary", {}, **kwargs)


def test_a_reason_for_children_refuses_an_adult():
    with pytest.raises(TriageInputError, match="'fever_child' is for ages 0–17 years, not 40"):
        decide("fever_child", {}, age=40)
