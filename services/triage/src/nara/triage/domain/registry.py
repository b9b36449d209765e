"""The guideline version in force, swapped for a new one without a restart only if it lints clean."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from nara.shared.events.vocabulary import Channel

from .engine import Decision, evaluate
from .findings import Finding, FindingKind
from .guidelines import GuidelineSet
from .linter import check_guideline_files
from .loading import GuidelineFiles
from .patient import PatientFacts


class GuidelineSource(Protocol):
    """Where the guidelines are read from (a folder, in adapters/guideline_files.py); str() names it."""

    def digest(self) -> str | None:
        """A digest of every file, to see whether anything changed; None if it cannot be read."""

    def read(self) -> GuidelineFiles:
        """Every file, parsed."""


class GuidelinesRejected(Exception):
    """A guideline folder has findings, so it cannot be put in force."""

    def __init__(self, folder: GuidelineSource, findings: list[Finding]) -> None:
        self.findings = findings
        listed = "\n".join(f"  {finding}" for finding in findings)
        super().__init__(f"the guidelines in {folder} are not fit for use ({len(findings)} findings):\n{listed}")


@dataclass(frozen=True)
class ReloadResult:
    """What a reload did: whether the folder's version was accepted, and the version now in force."""

    accepted: bool
    changed: bool
    version: str
    previous_version: str
    findings: tuple[Finding, ...] = ()


class GuidelineRegistry:
    """Holds one guideline version in force; decisions read it once, so a reload never splits one."""

    def __init__(self, folder: GuidelineSource) -> None:
        self.folder = folder
        digest = folder.digest()  # before the check: a file changed meanwhile is read again next time
        guidelines, findings = check_guideline_files(folder.read())
        if findings or guidelines is None:
            raise GuidelinesRejected(self.folder, findings)
        self._current = guidelines
        self._digest = digest
        self._refused: tuple[str, tuple[Finding, ...]] | None = None  # the last folder refused, and why
        self._reload_lock = threading.Lock()

    def current(self) -> GuidelineSet:
        """The guideline set in force now."""
        return self._current

    def reload(self) -> ReloadResult:
        """Read the folder again and put it in force if it lints clean; otherwise keep the old version."""
        with self._reload_lock:
            before = self._current
            # Linting takes seconds: a folder whose files are byte for byte the ones checked before is not read again.
            digest = self.folder.digest()
            if digest is not None and digest == self._digest:
                return ReloadResult(True, False, before.version, before.version)
            if digest is not None and self._refused and self._refused[0] == digest:
                return ReloadResult(False, False, before.version, before.version, self._refused[1])
            candidate, findings = check_guideline_files(self.folder.read())
            if candidate is not None and not findings and candidate.version == before.version and candidate != before:
                findings = [
                    Finding(
                        FindingKind.VERSION_NOT_CHANGED,
                        "guidelines.yaml",
                        "version",
                        f"the guidelines changed but the version is still {before.version};"
                        " a decision must name the exact rules it used, so give the change a new version",
                    )
                ]
            if findings or candidate is None:
                self._refused = (digest, tuple(findings)) if digest is not None else None
                return ReloadResult(False, False, before.version, before.version, tuple(findings))
            changed = candidate != before
            if changed:
                self._current = candidate  # one reference swap: readers see the old set or the new, never a mix
            self._digest = digest
            return ReloadResult(True, changed, candidate.version, before.version)

    def evaluate(
        self,
        reason_code: str,
        answers: Mapping[str, Any],
        patient: PatientFacts | int,
        channel: Channel | str,
        at: datetime,
    ) -> Decision:
        """Triage with the version in force; the decision names that version."""
        return evaluate(self._current, reason_code, answers, patient, channel, at)
