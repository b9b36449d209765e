"""The shipped guideline set keeps its promises: breadth, citations, search words, wording, explanations."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from nara.shared.events.vocabulary import CareLevel, Profession
from nara.triage.adapters.guideline_files import SHIPPED_GUIDELINES_FOLDER, load_guidelines
from nara.triage.domain.patient import PatientFacts, Respondent
from nara.triage.domain.questions import SECOND_PERSON, ChoiceQuestion, NumberQuestion, YesNoQuestion
from nara.triage.domain.reason_search import search_reasons

GUIDELINES = load_guidelines(SHIPPED_GUIDELINES_FOLDER)
REASONS = GUIDELINES.reasons.values()
RULES = [rule for reason in REASONS for rule in reason.rules]
OUTCOMES = [outcome for reason in REASONS for outcome in (*reason.red_flags, *reason.rules)] + list(
    GUIDELINES.red_flags
)

# What the issue names, and the code each has here.
NAMED_IN_THE_ISSUE = {
    "cough or fever": "cough_fever",
    "sore throat": "sore_throat",
    "ear pain": "ear_pain",
    "urinary": "urinary",
    "abdominal pain": "abdominal_pain",
    "back pain": "back_pain",
    "joint injury": "joint_injury",
    "rash": "rash",
    "wound": "wound",
    "headache": "headache",
    "dizziness": "dizziness",
    "chest pain": "chest_pain",
    "shortness of breath": "shortness_of_breath",
    "low mood": "low_mood",
    "anxiety": "anxiety",
    "sleep": "sleep_problems",
    "blood pressure": "blood_pressure",
    "diabetes": "diabetes_follow_up",
    "medicine renewal": "medicine_renewal",
    "certificate": "certificate",
    "pregnancy": "pregnancy",
    "red eye": "red_eye",
    "allergy": "allergy",
    "stroke and TIA": "stroke_tia",
    "falls in older adults": "fall_older",
    "adult fever and sepsis": "fever_adult",
    "fever in children": "fever_child",
    "none of these fits": "other",
    "acute confusion": "confusion",
    "head injury": "head_injury",
}
# Public clinical publishers the sources may come from.
PUBLISHERS = {
    "www.1177.se",
    "www.socialstyrelsen.se",
    "roi.socialstyrelsen.se",
    "www.nice.org.uk",
    "cks.nice.org.uk",
    "www.predicare.se",
    "lakemedelsboken.se",
    "www.hjart-lungfonden.se",
    "www.rikshandboken-bhv.se",
    "www.folkhalsomyndigheten.se",
}


def test_at_least_eighty_reasons_including_every_one_the_issue_names():
    assert len(GUIDELINES.reasons) >= 80
    missing = {name: code for name, code in NAMED_IN_THE_ISSUE.items() if code not in GUIDELINES.reasons}
    assert missing == {}
    assert sum(1 for r in REASONS if r.age and r.age.max < 18) >= 8, "reasons written for children"


def test_the_readme_names_the_source_list_the_reasons_follow():
    readme = (SHIPPED_GUIDELINES_FOLDER / "README.md").read_text(encoding="utf-8")
    assert "https://www.1177.se/sjukdomar--besvar/" in readme and "https://www.1177.se/barn--gravid/" in readme


def test_pregnancy_questions_go_to_the_midwife():
    pregnancy = GUIDELINES.reason("pregnancy")
    planned = [rule for rule in pregnancy.rules if rule.care_level in (CareLevel.PLANNED, CareLevel.WITHIN_3_DAYS)]
    assert planned and {rule.profession for rule in planned} == {Profession.MIDWIFE}


def test_every_reason_has_words_people_use_and_a_default_rule_without_conditions():
    for reason in REASONS:
        assert reason.title and len(reason.synonyms) >= 3, reason.code
        default = reason.rules_in_order[-1]
        assert (
            default.priority,
            default.when.answers,
            default.when.channels,
            default.when.age,
            default.when.time_of_day,
            default.when.sex,
        ) == (0, {}, None, None, None, None), reason.code
        assert default.care_level not in (CareLevel.SELF_CARE,), f"{reason.code}: a missing answer must be checked"


def test_every_red_flag_cites_a_public_source_that_is_listed():
    for outcome in OUTCOMES:
        if outcome.id.split(".")[-1].startswith("rf_"):
            assert outcome.sources, outcome.id
        assert all(source in GUIDELINES.sources for source in outcome.sources), outcome.id
    for source_id, source in GUIDELINES.sources.items():
        assert urlparse(source.url).netloc in PUBLISHERS, source_id


def test_every_listed_source_is_cited():
    cited = {source for outcome in OUTCOMES for source in outcome.sources}
    assert set(GUIDELINES.sources) - cited == set()


def test_the_set_uses_every_profession_care_level_and_question_kind():
    assert {o.profession for o in OUTCOMES} | {a for o in OUTCOMES for a in o.alternatives} == set(Profession)
    assert {o.care_level for o in OUTCOMES} == set(CareLevel)
    kinds = {type(q) for reason in REASONS for q in reason.questions}
    assert kinds == {YesNoQuestion, ChoiceQuestion, NumberQuestion}


def test_rules_depend_on_channel_age_sex_and_time_of_day_somewhere():
    assert any(rule.when.channels for rule in RULES)
    assert any(rule.when.age for rule in RULES) and any(rule.when.sex for rule in RULES)
    assert any(flag.when.age_months for flag in GUIDELINES.red_flags)


def test_every_rule_outside_the_guarantee_says_why_in_a_comment():
    for path in sorted((SHIPPED_GUIDELINES_FOLDER / "reasons").glob("*.yaml")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if re.search(r"guarantee_applies:\s*false", line):
                assert re.search(r"#\s*\S", line), f"{path.name}:{number} needs a comment saying why"


def test_administrative_contacts_and_planned_care_are_outside_the_guarantee():
    for code in ("medicine_renewal", "test_results", "vaccination"):
        assert not [
            r.id
            for r in GUIDELINES.reason(code).rules
            if r.guarantee_applies
            and r.care_level in (CareLevel.PLANNED, CareLevel.WITHIN_3_DAYS)
            and not r.when.answers
        ], code
    for outcome in OUTCOMES:
        if outcome.care_level in (CareLevel.SELF_CARE, CareLevel.PLANNED):
            assert outcome.guarantee_applies is False, outcome.id


def test_no_question_shown_to_a_guardian_of_a_young_child_is_worded_to_the_patient():
    for reason in REASONS:
        for age in (0, 2, 6, 11):
            if not reason.applies_to(age):
                continue
            guardian = PatientFacts(age, age * 12, None, Respondent.GUARDIAN)
            for question in reason.compiled.asked_of(guardian, {}):
                texts = [question.text_for(guardian)] + (
                    [o.text_for(guardian) for o in question.options] if isinstance(question, ChoiceQuestion) else []
                )
                assert not [t for t in texts if SECOND_PERSON.search(t)], (reason.code, age, question.id, texts)


def test_sex_is_never_asked():
    for reason in REASONS:
        assert not [q for q in reason.questions if re.search(r"vilket kön|kvinna eller man", q.text, re.I)], reason.code


def test_stroke_words_find_the_stroke_reason_and_people_find_what_they_type():
    for words in ("stroke", "sned mun", "sluddrigt tal", "domning", "förlamning", "tia"):
        assert "stroke_tia" in [r.code for r in search_reasons(GUIDELINES, words, 60)[:3]], words
    assert "confusion" in [r.code for r in search_reasons(GUIDELINES, "förvirrad", 80)[:3]]
    assert "fall_older" in [r.code for r in search_reasons(GUIDELINES, "ramlat", 84)]
    assert "fever_child" in [r.code for r in search_reasons(GUIDELINES, "feber", 1)[:3]]
    assert search_reasons(GUIDELINES, "bröstsmarta", 50)[0].code == "chest_pain", "without å, ä and ö too"


def test_the_version_has_a_changelog_entry_with_each_clinical_change():
    changelog = (SHIPPED_GUIDELINES_FOLDER / "CHANGELOG.md").read_text(encoding="utf-8")
    entry = changelog.split(f"## {GUIDELINES.version}", 1)[1].split("\n## ", 1)[0]
    assert len(entry) > 3000 and "stroke_tia" in entry and "fall_older" in entry
    assert f"{len(GUIDELINES.reasons)} contact reasons" in entry
