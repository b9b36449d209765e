"""The loader: the shipped set reads, and files that do not fit the schema are reported by file and path."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from nara.triage.adapters.guideline_files import SHIPPED_GUIDELINES_FOLDER, load_guidelines
from nara.triage.domain.loading import GuidelineLoadError

REASON = textwrap.dedent("""\
    code: {code}
    title: Provorsak
    synonyms: [prov]
    questions:
      - {{id: danger, kind: yes_no, text: "Fara?"}}
    rules:
      - id: {code}.default
        priority: 0
        text: "Övrigt."
        urgency: green
        care_level: within_3_days
        profession: nurse
        guarantee_applies: true
        advice: "Inom tre dagar."
    """)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "reasons").mkdir()
    (tmp_path / "guidelines.yaml").write_text(
        'version: "2026.2.1"\ntitle: Prov\nsources:\n  s: {name: Källa, url: "https://www.1177.se/"}\n'
    )
    (tmp_path / "reasons" / "first.yaml").write_text(REASON.format(code="first"))
    return tmp_path


def problems_of(folder: Path) -> list[str]:
    with pytest.raises(GuidelineLoadError) as refused:
        load_guidelines(folder)
    return [f"{p.file}: {p.path}: {p.message}" for p in refused.value.problems]


def test_the_shipped_guidelines_load_with_their_version():
    guidelines = load_guidelines(SHIPPED_GUIDELINES_FOLDER)
    assert guidelines.version == "2026.12.1"
    assert guidelines.reason_files["urinary"] == "reasons/urinary.yaml"


def test_a_minimal_folder_loads(folder: Path):
    guidelines = load_guidelines(folder)
    assert list(guidelines.reasons) == ["first"]
    assert guidelines.reason("first").rules_in_order[0].id == "first.default"


def test_a_missing_field_is_reported_with_file_and_path(folder: Path):
    (folder / "reasons" / "first.yaml").write_text(
        REASON.format(code="first").replace('    advice: "Inom tre dagar."\n', "")
    )
    assert problems_of(folder) == ["reasons/first.yaml: rules[0].advice: Field required"]


def test_a_misspelt_field_is_not_silently_ignored(folder: Path):
    (folder / "reasons" / "first.yaml").write_text(REASON.format(code="first").replace("priority: 0", "prio: 0"))
    assert "reasons/first.yaml: rules[0].prio: Extra inputs are not permitted" in problems_of(folder)


def test_a_yaml_syntax_error_names_the_file_and_line(folder: Path):
    (folder / "reasons" / "first.yaml").write_text("code: first\ntitle: [unclosed\n")
    [problem] = problems_of(folder)
    assert problem.startswith("reasons/first.yaml: : not valid YAML") and "line 3" in problem


def test_a_repeated_key_is_an_error_not_an_overwrite(folder: Path):
    (folder / "reasons" / "first.yaml").write_text(
        REASON.format(code="first").replace("title: Provorsak\n", "title: Provorsak\ntitle: Igen\n")
    )
    [problem] = problems_of(folder)
    assert "found the key 'title' twice" in problem


def test_an_unquoted_time_says_how_to_write_it(folder: Path):
    text = REASON.format(code="first").replace(
        "    priority: 0\n", '    priority: 0\n    when: {time_of_day: {start: 17:00, end: "08:00"}}\n'
    )
    (folder / "reasons" / "first.yaml").write_text(text)
    [problem] = problems_of(folder)
    assert problem.startswith("reasons/first.yaml: rules[0].when.time_of_day.start:")
    assert 'write it quoted as "HH:MM"' in problem


def test_a_red_flag_cannot_depend_on_the_channel(folder: Path):
    text = REASON.format(code="first").replace(
        "rules:\n",
        textwrap.dedent("""\
        red_flags:
          - id: first.rf
            text: "Fara."
            when: {answers: {danger: true}, channels: [web]}
            urgency: red
            care_level: call_112
            profession: doctor
            guarantee_applies: true
            advice: "Ring 112."
            sources: [s]
        rules:
        """),
    )
    (folder / "reasons" / "first.yaml").write_text(text)
    assert problems_of(folder) == ["reasons/first.yaml: red_flags[0].when.channels: Extra inputs are not permitted"]


def test_reason_codes_and_rule_ids_are_unique_across_files(folder: Path):
    (folder / "reasons" / "second.yaml").write_text(REASON.format(code="first"))
    problems = problems_of(folder)
    assert "reasons/second.yaml: code: contact reason 'first' is also in reasons/first.yaml" in problems


def test_the_version_must_be_quoted_calendar_form(folder: Path):
    (folder / "guidelines.yaml").write_text(
        "version: 2026.2\ntitle: Prov\nsources: {s: {name: K, url: 'https://x.se/'}}\n"
    )
    [problem] = problems_of(folder)
    assert problem.startswith("guidelines.yaml: version:")


def test_a_folder_without_reasons_or_header_is_refused(tmp_path: Path):
    assert problems_of(tmp_path / "missing") == [f"{tmp_path / 'missing'}: : no such guideline folder"]
    tmp_path.joinpath("empty").mkdir()
    problems = problems_of(tmp_path / "empty")
    assert any("guidelines.yaml" in p and "cannot be read" in p for p in problems)
    assert any("no contact reason files" in p for p in problems)


def test_a_few_reasons_may_share_one_file(folder: Path):
    grouped = "reasons:\n" + textwrap.indent(REASON.format(code="second"), "  ").replace("  code:", "- code:", 1)
    grouped += textwrap.indent(REASON.format(code="third"), "  ").replace("  code:", "- code:", 1)
    (folder / "reasons" / "group.yaml").write_text(grouped)
    guidelines = load_guidelines(folder)
    assert sorted(guidelines.reasons) == ["first", "second", "third"]
    assert guidelines.reason_files["third"] == "reasons/group.yaml"


def test_a_copy_of_the_shipped_set_is_equal_to_it(tmp_path: Path):
    shutil.copytree(SHIPPED_GUIDELINES_FOLDER, tmp_path / "copy")
    assert load_guidelines(tmp_path / "copy") == load_guidelines(SHIPPED_GUIDELINES_FOLDER)


def test_the_set_serialises_to_json_and_back_without_loss_or_warnings():
    import warnings

    from nara.triage.domain.guidelines import GuidelineSet

    guidelines = load_guidelines(SHIPPED_GUIDELINES_FOLDER)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # pydantic warns when it cannot serialise a value as declared
        dumped = guidelines.model_dump(mode="json")
    conditions = [flag["when"]["answers"] for reason in dumped["reasons"].values() for flag in reason["red_flags"]]
    assert any(isinstance(value, list) for answers in conditions for value in answers.values())
    assert GuidelineSet.model_validate(dumped) == guidelines


def test_a_reason_cannot_ask_its_own_copy_of_a_shared_question_and_lists_only_shared_risk_factors(folder: Path):
    header = folder / "guidelines.yaml"
    header.write_text(
        header.read_text() + 'shared_questions:\n  - {id: danger, kind: yes_no, ask: when_listed, text: "Fara?"}\n'
    )
    reason = folder / "reasons" / "first.yaml"
    reason.write_text(reason.read_text().replace("synonyms: [prov]", "synonyms: [prov]\nrisk_factors: [smoking]"))
    found = problems_of(folder)
    assert any("'danger' is a shared question" in p for p in found), found
    assert any("'smoking' is not a shared question" in p for p in found), found


def test_sources_may_come_in_area_files_but_never_twice(folder: Path):
    (folder / "sources").mkdir()
    (folder / "sources" / "area.yaml").write_text('extra: {name: "NICE", url: "https://www.nice.org.uk/"}\n')
    assert "extra" in load_guidelines(folder).sources
    (folder / "sources" / "again.yaml").write_text('s: {name: "1177", url: "https://www.1177.se/"}\n')
    assert any("listed twice" in p for p in problems_of(folder))
