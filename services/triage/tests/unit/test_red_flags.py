"""domain.md's red flags that must go to emergency care, on every reason where they can be asked, at every age
band and on every channel: stroke signs (one is enough), chest pain with breathlessness, sweating or spreading
pain, severe breathlessness, signs of sepsis, and suicidal thoughts with a plan."""

from __future__ import annotations

from datetime import datetime

import pytest

from nara.shared.clock import STOCKHOLM
from nara.shared.events.vocabulary import CareLevel, Channel
from nara.triage.adapters.guideline_files import SHIPPED_GUIDELINES_FOLDER, load_guidelines
from nara.triage.domain.conditions import Sex
from nara.triage.domain.engine import CARE_LEVEL_RANK, evaluate
from nara.triage.domain.patient import PatientFacts

GUIDELINES = load_guidelines(SHIPPED_GUIDELINES_FOLDER)
NIGHT = datetime(2026, 3, 11, 2, 30, tzinfo=STOCKHOLM)
AGES = (8, 16, 30, 70, 90)
# The shared question and the answers that make the national sign present, the level it must give at least.
NATIONAL = {
    "stroke_signs": ({"stroke_signs": True}, CareLevel.CALL_112),
    "severe_breathlessness": ({"severe_breathlessness": True}, CareLevel.CALL_112),
    "sepsis_signs": ({"fever": True, "sepsis_signs": True}, CareLevel.CALL_112),
    "suicide_plan": ({"suicidal_thoughts": True, "suicide_plan": True}, CareLevel.EMERGENCY_NOW),
}


def cases():
    for question, (answers, level) in NATIONAL.items():
        for reason in sorted(GUIDELINES.reasons.values(), key=lambda r: r.code):
            for age in AGES:
                patient = PatientFacts(age, None, reason.sex or Sex.FEMALE)
                asked = {q.id for q in reason.compiled.asked_of(patient, answers)}
                if reason.applies_to(age, patient.sex) and set(answers) <= asked:
                    yield pytest.param(reason.code, patient, answers, level, id=f"{question}-{reason.code}-{age}")


CASES = list(cases())


def test_the_national_signs_are_asked_across_the_set():
    asked_by = {q: {c.values[0] for c in CASES if c.id.startswith(q)} for q in NATIONAL}
    assert len(asked_by["stroke_signs"]) >= 10 and len(asked_by["sepsis_signs"]) >= 20, asked_by
    assert len(asked_by["severe_breathlessness"]) >= 8 and len(asked_by["suicide_plan"]) >= 8, asked_by
    assert {"other", "headache", "dizziness"} <= asked_by["stroke_signs"]


@pytest.mark.parametrize(("reason", "patient", "answers", "level"), CASES)
def test_a_national_red_flag_sends_the_patient_to_emergency_care_on_every_channel(reason, patient, answers, level):
    for channel in Channel:
        decision = evaluate(GUIDELINES, reason, answers, patient, channel, NIGHT)
        assert CARE_LEVEL_RANK[decision.care_level] <= CARE_LEVEL_RANK[level], (channel, decision.deciding_rule)


@pytest.mark.parametrize("sign", ["breathless", "sweating", "radiating"])
def test_chest_pain_with_breathlessness_sweating_or_spreading_pain_is_112(sign):
    for age in (16, 45, 80):
        decision = evaluate(
            GUIDELINES, "chest_pain", {sign: True}, PatientFacts(age, None, Sex.MALE), "phone_1177", NIGHT
        )
        assert decision.care_level == CareLevel.CALL_112 and decision.where_to_turn.heading == "Ring 112 nu"


@pytest.mark.parametrize("reason", ["stroke_tia", "dizziness", "headache", "numbness", "confusion", "other"])
def test_stroke_signs_are_112_in_every_reason_that_asks_them(reason):
    decision = evaluate(GUIDELINES, reason, {"stroke_signs": True}, PatientFacts(67, None, Sex.FEMALE), "web", NIGHT)
    assert decision.care_level == CareLevel.CALL_112, decision.deciding_rule
