"""The shipped guideline set keeps the promises the issue asks of it: coverage, citations, explanations."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from nara.shared.events.vocabulary import CareLevel, Channel, Profession
from nara.triage.domain.guidelines import (
    SHIPPED_GUIDELINES_FOLDER,
    ChoiceQuestion,
    NumberQuestion,
    YesNoQuestion,
    load_guidelines,
)

GUIDELINES = load_guidelines(SHIPPED_GUIDELINES_FOLDER)
REASONS = GUIDELINES.reasons.values()
RULES = [rule for reason in REASONS for rule in reason.rules]
OUTCOMES = [outcome for reason in REASONS for outcome in (*reason.red_flags, *reason.rules)]

# The contact reasons the issue names, and the code each has here.
NAMED_IN_THE_ISSUE = {
    "cough or fever": "cough_fever", "sore throat": "sore_throat", "ear pain in a child": "ear_pain",
    "urinary symptoms": "urinary", "abdominal pain": "abdominal_pain", "back pain": "back_pain",
    "joint injury or sprain": "joint_injury", "rash": "rash", "wound": "wound", "headache": "headache",
    "dizziness": "dizziness", "chest pain": "chest_pain", "shortness of breath": "shortness_of_breath",
    "low mood": "low_mood", "anxiety": "anxiety", "sleep problems": "sleep_problems",
    "blood pressure": "blood_pressure", "diabetes follow-up": "diabetes_follow_up",
    "medicine renewal": "medicine_renewal", "certificate": "certificate", "pregnancy questions": "pregnancy",
    "eye redness": "red_eye", "allergy": "allergy",
}
# Public clinical publishers the sources may come from.
PUBLISHERS = {"www.1177.se", "www.socialstyrelsen.se", "roi.socialstyrelsen.se", "www.nice.org.uk",
              "cks.nice.org.uk", "www.predicare.se", "lakemedelsboken.se", "www.hjart-lungfonden.se"}


def test_at_least_thirty_reasons_including_every_one_the_issue_names():
    assert len(GUIDELINES.reasons) >= 30
    missing = {name: code for name, code in NAMED_IN_THE_ISSUE.items() if code not in GUIDELINES.reasons}
    assert missing == {}


def test_pregnancy_questions_go_to_the_midwife():
    pregnancy = GUIDELINES.reason("pregnancy")
    assert {rule.profession for rule in pregnancy.rules} == {Profession.MIDWIFE}


def test_every_reason_has_words_people_use_and_a_default_rule_without_conditions():
    for reason in REASONS:
        assert reason.title and len(reason.synonyms) >= 3, reason.code
        default = reason.rules_in_order[-1]
        assert (default.priority, default.when.answers, default.when.channels, default.when.age,
                default.when.time_of_day) == (0, {}, None, None, None), reason.code


def test_every_red_flag_cites_a_public_source_that_is_listed():
    for reason in REASONS:
        for flag in reason.red_flags:
            assert flag.sources, flag.id
            assert all(source in GUIDELINES.sources for source in flag.sources), flag.id
    for source_id, source in GUIDELINES.sources.items():
        assert urlparse(source.url).netloc in PUBLISHERS, source_id


def test_every_listed_source_is_cited_and_rules_cite_only_listed_ones():
    cited = {source for outcome in OUTCOMES for source in outcome.sources}
    assert cited <= set(GUIDELINES.sources)
    assert set(GUIDELINES.sources) - cited == set()


def test_the_set_uses_every_profession_care_level_and_question_kind():
    assert {o.profession for o in OUTCOMES} | {a for o in OUTCOMES for a in o.alternatives} == set(Profession)
    assert {o.care_level for o in OUTCOMES} == set(CareLevel)
    kinds = {type(q) for reason in REASONS for q in reason.questions}
    assert kinds == {YesNoQuestion, ChoiceQuestion, NumberQuestion}
    assert any(q.age for reason in REASONS for q in reason.questions)


def test_rules_depend_on_channel_age_and_time_of_day_somewhere():
    assert {c for rule in RULES for c in (rule.when.channels or ())} >= {Channel.EMERGENCY_DEPARTMENT, Channel.WEB}
    assert any(rule.when.age for rule in RULES)
    assert any(rule.when.time_of_day for rule in RULES)


def test_every_rule_outside_the_guarantee_says_why_in_a_comment():
    for path in sorted((SHIPPED_GUIDELINES_FOLDER / "reasons").glob("*.yaml")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if re.search(r"guarantee_applies:\s*false", line):
                assert re.search(r"#\s*\S", line), f"{path.name}:{number} needs a comment saying why"


def test_administrative_contacts_and_planned_care_are_outside_the_guarantee():
    for code in ("medicine_renewal", "certificate"):
        by_id = {rule.id: rule for rule in GUIDELINES.reason(code).rules}
        assert not by_id[f"{code}.default"].guarantee_applies, code
    for outcome in OUTCOMES:
        if outcome.care_level in (CareLevel.SELF_CARE, CareLevel.PLANNED):
            assert outcome.guarantee_applies is False, outcome.id


def test_the_version_has_a_changelog_entry_and_the_folder_a_readme():
    changelog = (SHIPPED_GUIDELINES_FOLDER / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## {GUIDELINES.version}" in changelog
    assert (SHIPPED_GUIDELINES_FOLDER / "README.md").is_file()
