"""What the guideline linter reports: a kind, where, and what to do, in words an author can act on."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FindingKind(StrEnum):
    SCHEMA_ERROR = "schema_error"
    UNKNOWN_PROFESSION = "unknown_profession"
    UNKNOWN_CARE_LEVEL = "unknown_care_level"
    UNKNOWN_SOURCE = "unknown_source"
    UNKNOWN_QUESTION = "unknown_question"
    RULE_NEVER_FIRES = "rule_never_fires"
    RED_FLAG_NEVER_FIRES = "red_flag_never_fires"
    QUESTION_NEVER_ASKED = "question_never_asked"
    UNCOVERED_ANSWERS = "uncovered_answers"
    CONFLICTING_RULES = "conflicting_rules"
    RED_FLAG_TOO_WEAK = "red_flag_too_weak"
    UNANSWERED_LEVEL_WRONG = "unanswered_level_wrong"
    GUARANTEE_INCONSISTENT = "guarantee_inconsistent"
    COLOUR_LEVEL_MISMATCH = "colour_level_mismatch"
    ADVICE_DISAGREES_WITH_LEVEL = "advice_disagrees_with_level"
    ADVICE_NAMES_1177 = "advice_names_1177"
    ADULT_WORDING_FOR_CHILD = "adult_wording_for_child"
    CHANGELOG_MISSING_VERSION = "changelog_missing_version"
    VERSION_NOT_CHANGED = "version_not_changed"  # raised by the registry on reload, not by a folder alone


@dataclass(frozen=True)
class Finding:
    """One defect, where it is, and what is wrong, in words a guideline author can act on."""

    kind: FindingKind
    file: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.path}" if self.path else self.file
        return f"{where}: [{self.kind}] {self.message}"
