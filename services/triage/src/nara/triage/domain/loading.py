"""Building a guideline set from its files' plain data (the adapter reads and parses them), or every problem found.

A folder holds `guidelines.yaml` (version, title, sources, shared questions, cross-cutting red
flags), `CHANGELOG.md`, and `reasons/*.yaml` with one contact reason per file (or `reasons: [...]`
to group a few).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from .guidelines import ContactReason, GuidelineHeader, GuidelineSet

HEADER_FILE = "guidelines.yaml"
CHANGELOG_FILE = "CHANGELOG.md"
REASONS_FOLDER = "reasons"
SOURCES_FOLDER = "sources"  # more cited sources, one catalogue a clinical area (id: {name, url})


@dataclass(frozen=True)
class LoadProblem:
    """One thing wrong with the files: where it is and what to do about it."""

    file: str
    path: str
    message: str
    field: str = ""  # the field name at fault, when the problem is an unknown enum value
    given: Any = None


@dataclass(frozen=True)
class GuidelineFile:
    """One file as read: its path in the folder, its parsed content, or why it could not be read."""

    relative: str
    data: Any
    problem: LoadProblem | None = None


@dataclass(frozen=True)
class GuidelineFiles:
    """A guideline folder as read: the header, the reason and source files, and the changelog's text."""

    header: GuidelineFile
    reasons: tuple[GuidelineFile, ...]
    sources: tuple[GuidelineFile, ...] = ()
    changelog: str = ""
    unreadable_folder: LoadProblem | None = None  # the folder itself is missing: nothing else to say

    @classmethod
    def unreadable(cls, problem: LoadProblem) -> GuidelineFiles:
        return cls(header=GuidelineFile(HEADER_FILE, None), reasons=(), unreadable_folder=problem)


class GuidelineLoadError(Exception):
    """The guideline files cannot be read as a guideline set; `problems` says where and why."""

    def __init__(self, problems: list[LoadProblem]) -> None:
        self.problems = problems
        lines = [f"{p.file}: {p.path}: {p.message}" if p.path else f"{p.file}: {p.message}" for p in problems]
        super().__init__("the guideline set cannot be loaded:\n" + "\n".join(lines))


def _format_path(location: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for index, item in enumerate(location):
        # Drop pydantic's union tag ("questions[0].number.min" reads better as "questions[0].min").
        if item in ("yes_no", "choice", "number") and index and isinstance(location[index - 1], int):
            continue
        parts.append(f"[{item}]" if isinstance(item, int) else (f".{item}" if parts else str(item)))
    return "".join(parts)


def _problems_from(error: ValidationError, file: str, prefix: str = "") -> list[LoadProblem]:
    problems = []
    details = error.errors()
    item_errors = {
        tuple(d["loc"][:i]) for d in details for i in range(1, len(d["loc"])) if isinstance(d["loc"][i], int)
    }
    for detail in details:
        if detail["type"] == "too_short" and tuple(detail["loc"]) in item_errors:
            continue  # pydantic counts items after dropping the invalid one; the item's own error says it all
        path = _format_path(tuple(detail["loc"]))
        names = [item for item in detail["loc"] if isinstance(item, str)]
        field = names[-1] if detail["type"] == "enum" and names else ""
        problems.append(LoadProblem(file, f"{prefix}{path}", detail["msg"], field, detail.get("input")))
    return problems


def _built_reasons(files: tuple[GuidelineFile, ...]) -> tuple[list[tuple[str, ContactReason]], list[LoadProblem]]:
    found: list[tuple[str, ContactReason]] = []
    problems: list[LoadProblem] = []
    if not files:
        problems.append(LoadProblem(f"{REASONS_FOLDER}/", "", "no contact reason files (*.yaml) found"))
    for file in files:
        if file.problem is not None:
            problems.append(file.problem)
            continue
        data = file.data
        grouped = isinstance(data, dict) and set(data) == {"reasons"} and isinstance(data["reasons"], list)
        for index, item in enumerate(data["reasons"] if grouped else [data]):
            prefix = f"reasons[{index}]." if grouped else ""
            try:
                found.append((file.relative, ContactReason.model_validate(item)))
            except ValidationError as error:
                problems += _problems_from(error, file.relative, prefix)
    return found, problems


def build_guidelines(files: GuidelineFiles) -> GuidelineSet:
    """Validate a guideline folder's parsed files into a set; raise GuidelineLoadError naming each file and path."""
    if files.unreadable_folder is not None:
        raise GuidelineLoadError([files.unreadable_folder])
    header_data = files.header.data
    problems = [files.header.problem] if files.header.problem is not None else []
    if not problems and isinstance(header_data, dict):
        more, source_problems = _more_sources(files.sources, set(header_data.get("sources") or {}))
        problems += source_problems
        header_data = {**header_data, "sources": {**(header_data.get("sources") or {}), **more}}
    header: GuidelineHeader | None = None
    if not problems:
        try:
            header = GuidelineHeader.model_validate(header_data)
        except ValidationError as error:
            problems += _problems_from(error, HEADER_FILE)
    reasons, reason_problems = _built_reasons(files.reasons)
    problems += reason_problems
    problems += _repeated_ids(reasons)
    if header is not None:
        problems += _shared_question_problems(header, reasons)
    if problems or header is None:
        raise GuidelineLoadError(problems)
    return GuidelineSet(
        **header.model_dump(),
        reasons={reason.code: reason for _, reason in reasons},
        reason_files={reason.code: file for file, reason in reasons},
    )


def _more_sources(files: tuple[GuidelineFile, ...], known: set[str]) -> tuple[dict[str, Any], list[LoadProblem]]:
    found: dict[str, Any] = {}
    problems: list[LoadProblem] = []
    for file in files:
        if file.problem is not None:
            problems.append(file.problem)
            continue
        if not isinstance(file.data, dict):
            problems.append(LoadProblem(file.relative, "", "a sources file maps ids to {name, url}"))
            continue
        for source_id, source in file.data.items():
            if source_id in known or source_id in found:
                problems.append(LoadProblem(file.relative, str(source_id), f"source {source_id!r} is listed twice"))
            found[str(source_id)] = source
    return found, problems


def _repeated_ids(reasons: list[tuple[str, ContactReason]]) -> list[LoadProblem]:
    """Reason codes and rule ids must be unique across the set: a decision names them alone."""
    problems = []
    seen_codes: dict[str, str] = {}
    seen_ids: dict[str, str] = {}
    for file, reason in reasons:
        if reason.code in seen_codes:
            problems.append(
                LoadProblem(file, "code", f"contact reason {reason.code!r} is also in {seen_codes[reason.code]}")
            )
        seen_codes.setdefault(reason.code, file)
        for outcome in (*reason.red_flags, *reason.rules):
            if outcome.id in seen_ids and seen_ids[outcome.id] != file:
                problems.append(LoadProblem(file, "", f"id {outcome.id!r} is also used in {seen_ids[outcome.id]}"))
            seen_ids.setdefault(outcome.id, file)
    return problems


def _shared_question_problems(header: GuidelineHeader, reasons: list[tuple[str, ContactReason]]) -> list[LoadProblem]:
    """Shared questions are named once, and reasons list only shared questions that exist."""
    problems = []
    shared = {q.id for q in header.shared_questions}
    for index, question in enumerate(header.shared_questions):
        if question.ask is None:
            problems.append(
                LoadProblem(
                    HEADER_FILE,
                    f"shared_questions[{index}].ask",
                    f"say how {question.id!r} is asked: always (a screen) or when_listed",
                )
            )
    for file, reason in reasons:
        for index, question in enumerate(reason.questions):
            if question.id in shared:
                problems.append(
                    LoadProblem(
                        file,
                        f"questions[{index}].id",
                        f"{question.id!r} is a shared question in {HEADER_FILE}; list it under"
                        " risk_factors instead of asking it again",
                    )
                )
            if question.ask is not None or question.always_at is not None or question.asked_with:
                problems.append(
                    LoadProblem(
                        file,
                        f"questions[{index}].ask",
                        "only shared questions (guidelines.yaml) say how they are asked",
                    )
                )
        for index, factor in enumerate(reason.risk_factors):
            if factor not in shared:
                known = ", ".join(sorted(shared)) or "none"
                problems.append(
                    LoadProblem(
                        file, f"risk_factors[{index}]", f"{factor!r} is not a shared question (they are: {known})"
                    )
                )
    return problems
