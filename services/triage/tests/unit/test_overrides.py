"""Staff overrides (issue finding 11): a red flag cannot be lowered by reception, nor by a clinician without a
second confirmation, and any override recomputes where to turn, the advice, the profession and the guarantee."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from nara.shared.clock import STOCKHOLM
from nara.triage.adapters.guideline_files import load_guidelines
from nara.triage.domain.conditions import Sex
from nara.triage.domain.engine import evaluate
from nara.triage.domain.overrides import Override, OverrideProblem, OverrideRefused, apply_override
from nara.triage.domain.patient import PatientFacts

GUIDELINES = load_guidelines(Path(__file__).parent / "engine_guidelines")
NOON = datetime(2026, 3, 11, 12, 0, tzinfo=STOCKHOLM)
ADULT = PatientFacts(40, 480, Sex.FEMALE)
CALM = {"breathless": False, "fever": False, "sepsis_signs": False, "days": 2, "pregnant": "no"}


def decision(answers, channel="phone_unit"):
    return evaluate(GUIDELINES, "cough", answers, ADULT, channel, NOON)


def override(decided, wanted: Override, clinician: bool = True):
    return apply_override(decided, wanted, by_clinician=clinician, at=NOON, office_hours=GUIDELINES.office_hours)


def test_reception_cannot_lower_a_red_flag_to_any_level_below_it():
    red_flag = decision({**CALM, "breathless": True})
    with pytest.raises(OverrideRefused) as refused:
        override(red_flag, Override("Låter pigg", care_level="within_3_days"), clinician=False)
    assert refused.value.problem is OverrideProblem.NEEDS_CLINICIAN
    assert [f.rule_id for f in refused.value.flags] == ["cough.rf_breathless"]


def test_a_clinician_lowers_a_red_flag_only_with_a_second_confirmation_and_it_is_marked():
    red_flag = decision({**CALM, "breathless": True})
    with pytest.raises(OverrideRefused) as unconfirmed:
        override(red_flag, Override("Bedömd i telefon", care_level="same_day"))
    done = override(red_flag, Override("Bedömd i telefon", care_level="same_day", confirm_lowering_red_flag=True))
    assert unconfirmed.value.problem is OverrideProblem.NEEDS_CONFIRMATION
    assert done.lowered_red_flags == ("cough.rf_breathless",)
    assert (done.decision.care_level, done.decision.urgency) == ("same_day", "yellow")
    assert done.decision.deciding_rule == "override"
    assert [f.rule_id for f in done.decision.rules_fired if f.deciding] == ["override"]
    assert "varningstecken" in done.decision.rules_fired[-1].text


def test_an_unanswered_red_flag_cannot_be_lowered_by_reception_either():
    open_flag = decision({k: v for k, v in CALM.items() if k != "breathless"})
    with pytest.raises(OverrideRefused) as refused:
        override(open_flag, Override("Inga besvär", care_level="self_care"), clinician=False)
    assert refused.value.problem is OverrideProblem.NEEDS_CLINICIAN


def test_raising_the_level_needs_no_clinician_and_recomputes_profession_advice_and_guarantee():
    calm = decision(CALM)
    raised = override(calm, Override("Låter mycket påverkad", care_level="emergency_now"), clinician=False).decision
    assert calm.care_level == "self_care" and calm.guarantee_applies is False
    assert (raised.care_level, raised.urgency, raised.profession) == ("emergency_now", "orange", "doctor")
    assert raised.guarantee_applies is True
    assert raised.where_to_turn.heading == "Till akutmottagningen nu" or "akutmottagning" in raised.advice
    assert "Drick varmt" not in raised.advice, "the self-care advice went with the old level"


def test_lowering_a_rule_to_self_care_drops_the_guarantee_and_changing_only_the_profession_keeps_it():
    default = decision(
        {**CALM, "breathless": False, "fever": False, "days": 5, "pregnant": "yes", "pregnancy_week": 10}
    )
    to_self_care = override(default, Override("Råd givna", care_level="self_care")).decision
    to_doctor = override(default, Override("Vill träffa läkare", profession="doctor")).decision
    assert to_self_care.guarantee_applies is False and to_self_care.urgency == "blue"
    assert to_doctor.care_level == default.care_level and to_doctor.guarantee_applies is default.guarantee_applies
    assert to_doctor.profession == "doctor" and to_doctor.alternatives == ()


@pytest.mark.parametrize(
    ("wanted", "problem"),
    [
        (Override("   ", care_level="same_day"), OverrideProblem.NO_REASON),
        (Override("Motivering"), OverrideProblem.NOTHING_CHANGED),
        (Override("Motivering", care_level="planned", urgency="red"), OverrideProblem.COLOUR_DOES_NOT_FIT),
    ],
)
def test_an_override_that_does_not_say_what_and_why_is_refused(wanted, problem):
    with pytest.raises(OverrideRefused) as refused:
        override(decision(CALM), wanted)
    assert refused.value.problem is problem
