"""Reading a guideline folder: the YAML files, validated into a GuidelineSet, or every problem found.

A folder holds `guidelines.yaml` (version, title, sources, shared questions, cross-cutting red
flags), `CHANGELOG.md`, and `reasons/*.yaml` with one contact reason per file (or `reasons: [...]`
to group a few).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .guidelines import ContactReason, GuidelineHeader, GuidelineSet

SHIPPED_GUIDELINES_FOLDER = Path(__file__).resolve().parents[4] / "guidelines"
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


class GuidelineLoadError(Exception):
    """The guideline files cannot be read as a guideline set; `problems` says where and why."""

    def __init__(self, problems: list[LoadProblem]) -> None:
        self.problems = problems
        lines = [f"{p.file}: {p.path}: {p.message}" if p.path else f"{p.file}: {p.message}" for p in problems]
        super().__init__("the guideline set cannot be loaded:\n" + "\n".join(lines))


class _StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml's parser when installed
    """A safe loader that refuses repeated keys, which plain YAML would silently overwrite."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                "while reading a mapping", node.start_mark, f"found the key {key!r} twice", key_node.start_mark
            )
        seen.add(key)
    return yaml.constructor.SafeConstructor.construct_mapping(loader, node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


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


def _read_yaml(path: Path, relative: str) -> tuple[Any, list[LoadProblem]]:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader), []
    except yaml.YAMLError as error:
        return None, [LoadProblem(relative, "", f"not valid YAML: {error}")]
    except (OSError, UnicodeDecodeError) as error:
        return None, [LoadProblem(relative, "", f"cannot be read: {error}")]


def _load_reasons(folder: Path) -> tuple[list[tuple[str, ContactReason]], list[LoadProblem]]:
    found: list[tuple[str, ContactReason]] = []
    problems: list[LoadProblem] = []
    files = sorted((folder / REASONS_FOLDER).glob("*.yaml")) if (folder / REASONS_FOLDER).is_dir() else []
    if not files:
        problems.append(LoadProblem(f"{REASONS_FOLDER}/", "", "no contact reason files (*.yaml) found"))
    for path in files:
        relative = path.relative_to(folder).as_posix()
        data, read_problems = _read_yaml(path, relative)
        problems += read_problems
        if read_problems:
            continue
        grouped = isinstance(data, dict) and set(data) == {"reasons"} and isinstance(data["reasons"], list)
        for index, item in enumerate(data["reasons"] if grouped else [data]):
            prefix = f"reasons[{index}]." if grouped else ""
            try:
                found.append((relative, ContactReason.model_validate(item)))
            except ValidationError as error:
                problems += _problems_from(error, relative, prefix)
    return found, problems


def load_guidelines(folder: str | Path) -> GuidelineSet:
    """Read and validate a guideline folder; raise GuidelineLoadError naming each file and path."""
    folder = Path(folder)
    if not folder.is_dir():
        raise GuidelineLoadError([LoadProblem(str(folder), "", "no such guideline folder")])
    header_data, problems = _read_yaml(folder / HEADER_FILE, HEADER_FILE)
    if not problems and isinstance(header_data, dict):
        more, source_problems = _more_sources(folder, set(header_data.get("sources") or {}))
        problems += source_problems
        header_data = {**header_data, "sources": {**(header_data.get("sources") or {}), **more}}
    header: GuidelineHeader | None = None
    if not problems:
        try:
            header = GuidelineHeader.model_validate(header_data)
        except ValidationError as error:
            problems += _problems_from(error, HEADER_FILE)
    reasons, reason_problems = _load_reasons(folder)
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


def _more_sources(folder: Path, known: set[str]) -> tuple[dict[str, Any], list[LoadProblem]]:
    found: dict[str, Any] = {}
    problems: list[LoadProblem] = []
    for path in sorted((folder / SOURCES_FOLDER).glob("*.yaml")) if (folder / SOURCES_FOLDER).is_dir() else []:
        relative = path.relative_to(folder).as_posix()
        data, read_problems = _read_yaml(path, relative)
        problems += read_problems
        if read_problems:
            continue
        if not isinstance(data, dict):
            problems.append(LoadProblem(relative, "", "a sources file maps ids to {name, url}"))
            continue
        for source_id, source in data.items():
            if source_id in known or source_id in found:
                problems.append(LoadProblem(relative, str(source_id), f"source {source_id!r} is listed twice"))
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
