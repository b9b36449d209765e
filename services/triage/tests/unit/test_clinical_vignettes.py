"""Clinical vignettes (tests/unit/vignettes/*.yaml): cases written from public sources by reviewers who did not
write the rules, each with the care levels its source allows, the professions that fit, and the source."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
import yaml

from nara.shared.clock import STOCKHOLM
from nara.shared.events.vocabulary import CareLevel, Channel
from nara.triage.adapters.guideline_files import SHIPPED_GUIDELINES_FOLDER, load_guidelines
from nara.triage.domain.conditions import Sex
from nara.triage.domain.engine import CARE_LEVEL_RANK, evaluate
from nara.triage.domain.patient import PatientFacts

GUIDELINES = load_guidelines(SHIPPED_GUIDELINES_FOLDER)
FOLDER = Path(__file__).parent / "vignettes"
DEFAULT_MOMENT = "2026-03-11T10:00"  # a Wednesday in winter time, office hours
BANDS = {"infant", "child", "pregnancy", "adult", "older"}


def _load() -> list[dict]:
    cases = []
    for path in sorted(FOLDER.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            cases.append({**case, "file": path.name})
    return cases


CASES = _load()


def test_there_are_at_least_150_vignettes_over_every_age_band_each_with_a_listed_source():
    assert len(CASES) >= 150
    assert len({case["id"] for case in CASES}) == len(CASES), "vignette ids repeat"
    bands = Counter(case["band"] for case in CASES)
    assert set(bands) == BANDS and min(bands.values()) >= 15, bands
    for case in CASES:
        assert case["source"] in GUIDELINES.sources, (case["id"], case["source"])
        assert case.get("why"), case["id"]
        assert CareLevel(case["least_urgent"]) and CareLevel(case.get("most_urgent", "call_112"))
        assert Channel(case["channel"])


NEGATIVE_OPTIONS = ("no", "none", "normal")


def answers_of(case: dict, patient: PatientFacts) -> dict:
    """What the person says: the case's answers, and "no" (or the choice's "no"/"none"/"normal") to every other
    question they are asked that has one, since a case names the signs that are there (the pertinent negatives are
    implied) unless it lists them as `unknown`."""
    given = dict(case.get("answers") or {})
    unknown = set(case.get("unknown") or [])
    compiled = GUIDELINES.reason(case["reason"]).compiled
    for _ in range(4):  # a "no" can rule a follow-up out, an answer can make one due
        for question in compiled.asked_of(patient, given):
            if question.id in given or question.id in unknown or not compiled.due(question, patient, given):
                continue
            if question.kind == "yes_no":
                given[question.id] = False
            elif question.kind == "choice":
                negative = next((v for v in NEGATIVE_OPTIONS if v in question.values), None)
                if negative:
                    given[question.id] = negative
    return given


def decide(case: dict):
    moment = datetime.fromisoformat(case.get("at", DEFAULT_MOMENT)).replace(tzinfo=STOCKHOLM)
    patient = PatientFacts(case["age"], case.get("age_months"), Sex(case["sex"]) if case.get("sex") else None)
    return evaluate(GUIDELINES, case["reason"], answers_of(case, patient), patient, case["channel"], moment)


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_a_vignette_gets_the_care_its_source_asks_for(case: dict):
    decision = decide(case)
    least, most = CareLevel(case["least_urgent"]), CareLevel(case.get("most_urgent", "call_112"))
    where = f"{case['file']}: {case['label']} -> {decision.care_level} ({decision.deciding_rule}); {case['why']}"
    assert CARE_LEVEL_RANK[decision.care_level] <= CARE_LEVEL_RANK[least], f"under-triaged: {where}"
    if case.get("accepted_over_triage"):  # the guidelines are more cautious on purpose, and say why; one step at most
        assert CARE_LEVEL_RANK[decision.care_level] >= CARE_LEVEL_RANK[most] - 1, f"over-triaged: {where}"
        return
    assert CARE_LEVEL_RANK[decision.care_level] >= CARE_LEVEL_RANK[most], f"over-triaged: {where}"
    if case.get("professions"):
        assert decision.profession in case["professions"], f"{decision.profession} does not fit: {where}"
