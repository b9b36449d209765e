"""Hot reload: a new version that lints clean is put in force without a restart; a broken one is refused."""

from __future__ import annotations

import shutil
import threading
from datetime import datetime
from pathlib import Path

import pytest

from nara.shared.clock import STOCKHOLM
from nara.triage.adapters.guideline_files import GuidelineFolder
from nara.triage.domain.linter import FindingKind
from nara.triage.domain.patient import PatientFacts
from nara.triage.domain.registry import GuidelineRegistry, GuidelinesRejected

AT = datetime(2026, 11, 20, 10, 0, tzinfo=STOCKHOLM)
ENGINE_SET = Path(__file__).parent / "engine_guidelines"
SHORT_COUGH = {"breathless": False, "fever": False, "sepsis_signs": False, "days": 2}
ADULT = PatientFacts(30)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    copy = tmp_path / "guidelines"
    shutil.copytree(ENGINE_SET, copy)
    return copy


def new_version(folder: Path, version: str, *, changelog: bool = True) -> None:
    header = folder / "guidelines.yaml"
    header.write_text(header.read_text().replace('version: "2026.12.1"', f'version: "{version}"'))
    if changelog:
        log = folder / "CHANGELOG.md"
        log.write_text(log.read_text() + f"\n## {version}\n\nA short cough: see a nurse.\n")


def change_a_rule(folder: Path) -> None:
    """Send a short cough to a nurse within 3 days instead of self-care."""
    reason = folder / "reasons" / "cough.yaml"
    text = reason.read_text()
    start = text.index("  - id: cough.short\n")
    end = text.index("  - id: cough.default")
    block = (
        text[start:end]
        .replace("urgency: blue", "urgency: green")
        .replace("care_level: self_care", "care_level: within_3_days")
    )
    block = block.replace("guarantee_applies: false  # self-care advice", "guarantee_applies: true")
    reason.write_text(text[:start] + block + text[end:])


def test_the_registry_starts_with_the_folder_in_force(folder: Path):
    registry = GuidelineRegistry(GuidelineFolder(folder))
    assert registry.current().version == "2026.12.1"
    assert registry.evaluate("cough", SHORT_COUGH, ADULT, "web", AT).care_level == "self_care"


def test_a_new_valid_version_is_picked_up_without_a_restart(folder: Path):
    registry = GuidelineRegistry(GuidelineFolder(folder))
    before = registry.evaluate("cough", SHORT_COUGH, ADULT, "web", AT)
    change_a_rule(folder)
    new_version(folder, "2026.12.2")
    result = registry.reload()
    assert (result.accepted, result.changed, result.version, result.previous_version) == (
        True,
        True,
        "2026.12.2",
        "2026.12.1",
    )
    after = registry.evaluate("cough", SHORT_COUGH, ADULT, "web", AT)
    assert (before.guideline_version, before.care_level) == ("2026.12.1", "self_care")
    assert (after.guideline_version, after.care_level) == ("2026.12.2", "within_3_days")


def test_a_broken_version_is_refused_and_the_old_one_stays(folder: Path):
    registry = GuidelineRegistry(GuidelineFolder(folder))
    in_force = registry.current()
    reason = folder / "reasons" / "cough.yaml"
    reason.write_text(reason.read_text().replace("profession: nurse", "profession: chiropractor", 1))
    new_version(folder, "2026.12.2")
    result = registry.reload()
    assert (result.accepted, result.changed, result.version) == (False, False, "2026.12.1")
    assert [f.kind for f in result.findings] == [FindingKind.UNKNOWN_PROFESSION]
    assert registry.current() is in_force
    assert registry.evaluate("cough", SHORT_COUGH, ADULT, "web", AT).guideline_version == "2026.12.1"


def test_a_version_without_a_changelog_entry_is_refused(folder: Path):
    registry = GuidelineRegistry(GuidelineFolder(folder))
    change_a_rule(folder)
    new_version(folder, "2026.12.2", changelog=False)
    result = registry.reload()
    assert not result.accepted
    assert [f.kind for f in result.findings] == [FindingKind.CHANGELOG_MISSING_VERSION]
    assert registry.current().version == "2026.12.1"


def test_changed_rules_under_the_same_version_are_refused(folder: Path):
    registry = GuidelineRegistry(GuidelineFolder(folder))
    change_a_rule(folder)
    result = registry.reload()
    assert not result.accepted
    assert [f.kind for f in result.findings] == [FindingKind.VERSION_NOT_CHANGED]
    assert registry.evaluate("cough", SHORT_COUGH, ADULT, "web", AT).care_level == "self_care"


def test_reloading_an_unchanged_folder_changes_nothing(folder: Path):
    registry = GuidelineRegistry(GuidelineFolder(folder))
    in_force = registry.current()
    result = registry.reload()
    assert (result.accepted, result.changed, result.findings) == (True, False, ())
    assert registry.current() is in_force


def test_a_registry_will_not_start_on_broken_guidelines():
    broken = Path(__file__).parent / "broken_guidelines" / "uncovered_answers"
    with pytest.raises(GuidelinesRejected, match=r"uncovered_answers\]") as refused:
        GuidelineRegistry(GuidelineFolder(broken))
    assert [f.kind for f in refused.value.findings] == [FindingKind.UNCOVERED_ANSWERS]


def test_decisions_during_a_reload_use_one_whole_version(folder: Path):
    registry = GuidelineRegistry(GuidelineFolder(folder))
    change_a_rule(folder)
    new_version(folder, "2026.12.2")
    seen: set[tuple[str, str]] = set()
    stop = threading.Event()

    def triage_until_stopped():
        while not stop.is_set():
            decision = registry.evaluate("cough", SHORT_COUGH, ADULT, "web", AT)
            seen.add((decision.guideline_version, decision.care_level))

    worker = threading.Thread(target=triage_until_stopped)
    worker.start()
    try:
        assert registry.reload().accepted
    finally:
        stop.set()
        worker.join(timeout=10)
    assert seen <= {("2026.12.1", "self_care"), ("2026.12.2", "within_3_days")}


def test_a_folder_read_before_is_not_linted_again(folder: Path, monkeypatch):
    """Issue 13, finding 2 (answers that never come): every reload linted the whole folder, some 20 seconds for the
    shipped guidelines on a busy machine, and the fuzzer's requests behind it timed out. Files byte for byte the
    same as last time, accepted or refused, are not read again; a changed file is."""
    import nara.triage.domain.registry as registry_module

    registry = GuidelineRegistry(GuidelineFolder(folder))
    linted = []
    real_check = registry_module.check_guideline_files
    monkeypatch.setattr(registry_module, "check_guideline_files", lambda f: linted.append(f) or real_check(f))

    unchanged = registry.reload()
    change_a_rule(folder)  # without a new version: refused
    refused, refused_again = registry.reload(), registry.reload()
    new_version(folder, "2026.12.2")
    accepted = registry.reload()

    assert unchanged.accepted and not unchanged.changed
    assert not refused.accepted and refused_again.findings == refused.findings
    assert accepted.accepted and accepted.changed and registry.current().version == "2026.12.2"
    assert len(linted) == 2  # the refused folder once, the new version once
