"""A guideline folder on disk: its YAML files parsed into plain data for the domain to build and lint.

A folder holds `guidelines.yaml` (version, title, sources, shared questions, cross-cutting red flags),
`CHANGELOG.md`, `reasons/*.yaml` with one contact reason per file (or `reasons: [...]` to group a few), and
`sources/*.yaml` with more cited sources.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from ..domain.findings import Finding
from ..domain.guidelines import GuidelineSet
from ..domain.linter import check_guideline_files
from ..domain.loading import (
    CHANGELOG_FILE,
    HEADER_FILE,
    REASONS_FOLDER,
    SOURCES_FOLDER,
    GuidelineFile,
    GuidelineFiles,
    LoadProblem,
    build_guidelines,
)

SHIPPED_GUIDELINES_FOLDER = Path(__file__).resolve().parents[4] / "guidelines"

if TYPE_CHECKING:
    from yaml import SafeLoader as _BaseLoader
else:  # libyaml's parser when installed; PyYAML built without it has no CSafeLoader
    _BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_BaseLoader):
    """A safe loader that refuses repeated keys, which plain YAML would silently overwrite."""


def _construct_mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
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


def _read_yaml(path: Path, relative: str) -> GuidelineFile:
    try:
        text = path.read_text(encoding="utf-8")
        return GuidelineFile(relative, yaml.load(text, Loader=_StrictLoader))  # noqa: S506 -- a SafeLoader, stricter
    except yaml.YAMLError as error:
        return GuidelineFile(relative, None, LoadProblem(relative, "", f"not valid YAML: {error}"))
    except (OSError, UnicodeDecodeError) as error:
        return GuidelineFile(relative, None, LoadProblem(relative, "", f"cannot be read: {error}"))


def _yaml_files(folder: Path, subfolder: str) -> tuple[GuidelineFile, ...]:
    if not (folder / subfolder).is_dir():
        return ()
    return tuple(
        _read_yaml(path, path.relative_to(folder).as_posix()) for path in sorted((folder / subfolder).glob("*.yaml"))
    )


def read_guideline_folder(folder: str | Path) -> GuidelineFiles:
    """Every file of the folder, parsed; what cannot be read is a problem beside the file, for the linter to list."""
    folder = Path(folder)
    if not folder.is_dir():
        return GuidelineFiles.unreadable(LoadProblem(str(folder), "", "no such guideline folder"))
    changelog = folder / CHANGELOG_FILE
    return GuidelineFiles(
        header=_read_yaml(folder / HEADER_FILE, HEADER_FILE),
        reasons=_yaml_files(folder, REASONS_FOLDER),
        sources=_yaml_files(folder, SOURCES_FOLDER),
        changelog=changelog.read_text(encoding="utf-8") if changelog.is_file() else "",
    )


def load_guidelines(folder: str | Path) -> GuidelineSet:
    """Read and validate a guideline folder; raise GuidelineLoadError naming each file and path."""
    return build_guidelines(read_guideline_folder(folder))


def check_guidelines(folder: str | Path) -> tuple[GuidelineSet | None, list[Finding]]:
    """Load and lint a folder: the set (None if it cannot be loaded) and its findings."""
    return check_guideline_files(read_guideline_folder(folder))


def lint_guidelines(folder: str | Path) -> list[Finding]:
    """Every finding for the guideline folder; an empty list means it may be used."""
    return check_guidelines(folder)[1]


def folder_digest(folder: Path) -> str | None:
    """A digest of every file's name and bytes under the folder; None if it cannot be read (the linter says why)."""
    digest = hashlib.sha256()
    try:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(f"{path.relative_to(folder)}\0{path.stat().st_size}\0".encode())
            digest.update(path.read_bytes())
    except OSError:
        return None
    return digest.hexdigest()


class GuidelineFolder:
    """The registry's source of guidelines: a folder, read again on every reload."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def __str__(self) -> str:
        return str(self.folder)

    def digest(self) -> str | None:
        return folder_digest(self.folder)

    def read(self) -> GuidelineFiles:
        return read_guideline_folder(self.folder)
