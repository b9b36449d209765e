"""The linter passes the shipped guidelines and rejects one broken sample per defect it knows."""

from __future__ import annotations

from pathlib import Path

import pytest

from nara.triage import lint
from nara.triage.adapters.guideline_files import SHIPPED_GUIDELINES_FOLDER, lint_guidelines
from nara.triage.domain.linter import FindingKind

BROKEN = Path(__file__).parent / "broken_guidelines"

# Sample folder -> (the one kind of finding it must give, where, and words the message must hold).
EXPECTED = {
    "schema_error": (FindingKind.SCHEMA_ERROR, "rules[0].advice", "Field required"),
    "invalid_yaml": (FindingKind.SCHEMA_ERROR, "", "not valid YAML"),
    "unquoted_time": (FindingKind.SCHEMA_ERROR, "rules[0].when.time_of_day.start", 'write it quoted as "HH:MM"'),
    "duplicate_rule_id": (FindingKind.SCHEMA_ERROR, "", "rule ids repeat: sample.severe"),
    "unknown_profession": (FindingKind.UNKNOWN_PROFESSION, "rules[1].profession", "'therapist' is not a profession"),
    "unknown_care_level": (FindingKind.UNKNOWN_CARE_LEVEL, "rules[0].care_level", "'tomorrow' is not a care level"),
    "unknown_source": (FindingKind.UNKNOWN_SOURCE, "red_flags[0].sources", "cites 'nice_made_up'"),
    "rule_shadowed": (FindingKind.RULE_NEVER_FIRES, "rules[1]", "shadowed by rule 'sample.severe'"),
    "rule_unknown_question": (FindingKind.RULE_NEVER_FIRES, "rules[1]", "refers to question 'duration'"),
    "rule_unknown_option": (FindingKind.RULE_NEVER_FIRES, "rules[0]", "option 'extreme' is not offered"),
    "rule_impossible_age": (FindingKind.RULE_NEVER_FIRES, "rules[1]", "impossible age range 65–18"),
    "rule_wrong_answer_type": (FindingKind.RULE_NEVER_FIRES, "rules[0]", "question 'danger' is yes/no"),
    "rule_empty_number_range": (FindingKind.RULE_NEVER_FIRES, "rules[1]", "number range ≥ 40 holds no answer"),
    "red_flag_never_fires": (FindingKind.RED_FLAG_NEVER_FIRES, "red_flags[0]", "option 'critical' is not offered"),
    "question_never_asked": (FindingKind.QUESTION_NEVER_ASKED, "questions[1]", "question 'infant' is never asked"),
    "uncovered_answers": (FindingKind.UNCOVERED_ANSWERS, "rules", "severity=mild, days=unanswered"),
    "conflicting_rules": (
        FindingKind.CONFLICTING_RULES,
        "rules[1]",
        "'sample.severe' and 'sample.long' have the same priority (20)",
    ),
    "red_flag_too_weak": (FindingKind.RED_FLAG_TOO_WEAK, "red_flags[0].care_level", "allows within_3_days"),
    "guarantee_inconsistent": (FindingKind.GUARANTEE_INCONSISTENT, "rules[1].guarantee_applies", "self-care advice"),
    "changelog_missing_version": (FindingKind.CHANGELOG_MISSING_VERSION, "", "no heading for version 2026.1.1"),
    # The findings 8, 9 and 12: an ambulance case sent to the ED on its own, advice that sends a 1177
    # caller back to 1177, RETTS yellow beside emergency_now; and wording and unanswered levels.
    "colour_level_mismatch": (
        FindingKind.COLOUR_LEVEL_MISMATCH,
        "rules[0].urgency",
        "pairs the RETTS colour yellow with emergency_now",
    ),
    "advice_disagrees_with_level": (
        FindingKind.ADVICE_DISAGREES_WITH_LEVEL,
        "red_flags[0].advice",
        "sends the patient on their own",
    ),
    "advice_names_1177": (FindingKind.ADVICE_NAMES_1177, "rules[0].advice", "names 1177"),
    "adult_wording_for_child": (FindingKind.ADULT_WORDING_FOR_CHILD, "questions[0]", "add text_child"),
    "unanswered_level_wrong": (
        FindingKind.UNANSWERED_LEVEL_WRONG,
        "red_flags[0].if_unanswered",
        "must lie between same_day and the flag's own call_112",
    ),
    "unknown_question": (FindingKind.UNKNOWN_QUESTION, "questions[2].asked_if", "'duration_known'"),
}


def test_the_shipped_guidelines_lint_clean():
    assert lint_guidelines(SHIPPED_GUIDELINES_FOLDER) == []


def test_every_sample_folder_has_an_expectation_and_every_defect_kind_a_sample():
    assert sorted(p.name for p in BROKEN.iterdir() if p.is_dir()) == sorted(EXPECTED)
    registry_only = {FindingKind.VERSION_NOT_CHANGED}  # needs a version already in force: see test_registry
    assert {kind for kind, _, _ in EXPECTED.values()} == set(FindingKind) - registry_only


@pytest.mark.parametrize("sample", sorted(EXPECTED))
def test_a_broken_sample_gives_exactly_its_finding(sample: str):
    kind, path, words = EXPECTED[sample]
    findings = lint_guidelines(BROKEN / sample)
    assert {f.kind for f in findings} == {kind}, [str(f) for f in findings]
    assert any(f.path == path and words in f.message for f in findings), [str(f) for f in findings]
    expected_file = "CHANGELOG.md" if kind is FindingKind.CHANGELOG_MISSING_VERSION else "reasons/sample.yaml"
    assert all(f.file == expected_file for f in findings)


def test_the_command_passes_the_shipped_guidelines(capsys):
    assert lint.main([]) == 0
    out = capsys.readouterr().out
    assert "version 2026.12.1" in out and "clean" in out


def test_the_command_lists_findings_and_fails(capsys):
    assert lint.main([str(BROKEN / "unknown_profession")]) == 1
    out = capsys.readouterr().out
    assert "reasons/sample.yaml: rules[1].profession: [unknown_profession] 'therapist' is not a profession" in out
    assert "must not be used" in out


def test_the_command_fails_on_a_missing_folder(tmp_path, capsys):
    assert lint.main([str(tmp_path / "nowhere")]) == 1
    assert "no such guideline folder" in capsys.readouterr().out


def test_the_command_runs_as_a_module():
    import subprocess
    import sys

    done = subprocess.run(  # noqa: S603 -- this interpreter, our module and a folder of the tests: no outside input
        [sys.executable, "-m", "nara.triage.lint", str(BROKEN / "rule_shadowed")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert "[rule_never_fires]" in done.stdout
