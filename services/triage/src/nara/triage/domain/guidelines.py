"""The guideline set as data: its schema, and the loader that reads and validates the YAML files.

A folder holds `guidelines.yaml` (version, title, cited sources), `CHANGELOG.md`, and
`reasons/*.yaml` with one contact reason per file (or `reasons: [...]` to group a few).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import Field, PrivateAttr, ValidationError, model_validator

from nara.shared.events.vocabulary import CareLevel, Profession, Urgency

from .conditions import AgeRange, FrozenModel, Matcher, RedFlagCondition, RuleCondition

SHIPPED_GUIDELINES_FOLDER = Path(__file__).resolve().parents[4] / "guidelines"
HEADER_FILE = "guidelines.yaml"
CHANGELOG_FILE = "CHANGELOG.md"
REASONS_FOLDER = "reasons"

_CODE = r"^[a-z][a-z0-9_]*$"
_DOTTED_ID = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$"


class Source(FrozenModel):
    """A public clinical source that red flags and rules cite by id."""

    name: str = Field(min_length=1)
    url: str = Field(pattern=r"^https://\S+$")


class Option(FrozenModel):
    value: str = Field(pattern=_CODE)
    text: str = Field(min_length=1)


class _QuestionBase(FrozenModel):
    id: str = Field(pattern=_CODE)
    text: str = Field(min_length=1)
    age: AgeRange | None = None

    def applies_to(self, age: int) -> bool:
        """Whether the question is asked at this age."""
        return self.age is None or self.age.contains(age)


class YesNoQuestion(_QuestionBase):
    kind: Literal["yes_no"]


class ChoiceQuestion(_QuestionBase):
    kind: Literal["choice"]
    options: tuple[Option, ...] = Field(min_length=2)

    @model_validator(mode="after")
    def _unique_values(self) -> ChoiceQuestion:
        values = [option.value for option in self.options]
        if len(set(values)) != len(values):
            raise ValueError(f"option values repeat: {values}")
        return self

    @property
    def values(self) -> tuple[str, ...]:
        return tuple(option.value for option in self.options)


class NumberQuestion(_QuestionBase):
    kind: Literal["number"]
    unit: str = Field(min_length=1)
    min: float
    max: float
    integer: bool = False

    @model_validator(mode="after")
    def _range(self) -> NumberQuestion:
        if self.min >= self.max:
            raise ValueError(f"min ({self.min:g}) must be below max ({self.max:g})")
        return self


Question = Annotated[YesNoQuestion | ChoiceQuestion | NumberQuestion, Field(discriminator="kind")]


class Outcome(FrozenModel):
    """What a red flag or a rule decides, and the text a person reads about why."""

    id: str = Field(pattern=_DOTTED_ID)
    text: str = Field(min_length=1)
    urgency: Urgency
    care_level: CareLevel
    profession: Profession
    alternatives: tuple[Profession, ...] = ()
    guarantee_applies: bool
    advice: str = Field(min_length=1)
    sources: tuple[str, ...] = ()  # ids from guidelines.yaml; required for red flags

    @model_validator(mode="after")
    def _alternatives_differ(self) -> Outcome:
        if self.profession in self.alternatives or len(set(self.alternatives)) != len(self.alternatives):
            raise ValueError("alternatives must be distinct and must not repeat the profession")
        return self

    def same_outcome_as(self, other: Outcome) -> bool:
        """Whether both send the patient the same way with the same advice."""
        fields = ("urgency", "care_level", "profession", "alternatives", "guarantee_applies", "advice")
        return all(getattr(self, name) == getattr(other, name) for name in fields)


class RedFlag(Outcome):
    """A sign that forces at least this urgency and care level, whatever the rules say."""

    when: RedFlagCondition
    sources: tuple[str, ...] = Field(min_length=1)


class Rule(Outcome):
    """Maps a condition to an outcome; the highest priority that matches decides."""

    priority: int = Field(ge=0)
    when: RuleCondition = Field(default_factory=RuleCondition)


@dataclass(frozen=True, slots=True)
class CompiledReason:
    """A reason ready for the engine: plain lookups and compiled matchers, built once at load time."""

    questions: dict[str, YesNoQuestion | ChoiceQuestion | NumberQuestion]
    red_flags: tuple[tuple[RedFlag, Matcher], ...]
    rules: tuple[tuple[Rule, Matcher], ...]  # highest priority first


class ContactReason(FrozenModel):
    """One contact reason: its words, its questions, its red flags and its rules."""

    code: str = Field(pattern=_CODE)
    title: str = Field(min_length=1)
    synonyms: tuple[str, ...] = Field(min_length=1)
    age: AgeRange | None = None
    questions: tuple[Question, ...] = ()
    red_flags: tuple[RedFlag, ...] = ()
    rules: tuple[Rule, ...] = Field(min_length=1)

    _compiled: CompiledReason = PrivateAttr()

    @model_validator(mode="after")
    def _unique_ids(self) -> ContactReason:
        for what, ids in (("question", [q.id for q in self.questions]),
                          ("red flag and rule", [o.id for o in (*self.red_flags, *self.rules)])):
            repeated = sorted({i for i in ids if ids.count(i) > 1})
            if repeated:
                raise ValueError(f"{what} ids repeat: {', '.join(repeated)}")
        return self

    def model_post_init(self, _context: Any) -> None:
        # Stable sort: at equal priority the file order decides (the linter flags such ties that disagree).
        ordered = sorted(self.rules, key=lambda rule: -rule.priority)
        self._compiled = CompiledReason(
            questions={question.id: question for question in self.questions},
            red_flags=tuple((flag, flag.when.matcher) for flag in self.red_flags),
            rules=tuple((rule, rule.when.matcher) for rule in ordered),
        )

    @property
    def compiled(self) -> CompiledReason:
        return self._compiled

    def question(self, question_id: str) -> YesNoQuestion | ChoiceQuestion | NumberQuestion | None:
        return self._compiled.questions.get(question_id)

    @property
    def rules_in_order(self) -> tuple[Rule, ...]:
        """The rules from highest priority down: the first that matches decides."""
        return tuple(rule for rule, _ in self._compiled.rules)

    def applies_to(self, age: int) -> bool:
        return self.age is None or self.age.contains(age)


class GuidelineHeader(FrozenModel):
    """The top-level file: the version in force, a title and the catalogue of cited sources."""

    version: str = Field(pattern=r"^[0-9]{4}\.[0-9]{1,2}\.[0-9]+$")
    title: str = Field(min_length=1)
    sources: dict[str, Source] = Field(min_length=1)


class GuidelineSet(GuidelineHeader):
    """A whole, validated guideline set of one version."""

    reasons: dict[str, ContactReason]
    reason_files: dict[str, str] = Field(description="Contact reason code to its file, for findings.")

    def reason(self, code: str) -> ContactReason | None:
        return self.reasons.get(code)

    @property
    def red_flag_count(self) -> int:
        return sum(len(reason.red_flags) for reason in self.reasons.values())

    @property
    def rule_count(self) -> int:
        return sum(len(reason.rules) for reason in self.reasons.values())


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
                "while reading a mapping", node.start_mark, f"found the key {key!r} twice", key_node.start_mark)
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
    item_errors = {tuple(d["loc"][:i]) for d in details for i in range(1, len(d["loc"])) if isinstance(d["loc"][i], int)}
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
    header: GuidelineHeader | None = None
    if not problems:
        try:
            header = GuidelineHeader.model_validate(header_data)
        except ValidationError as error:
            problems += _problems_from(error, HEADER_FILE)
    reasons, reason_problems = _load_reasons(folder)
    problems += reason_problems
    problems += _repeated_ids(reasons)
    if problems or header is None:
        raise GuidelineLoadError(problems)
    return GuidelineSet(
        **header.model_dump(),
        reasons={reason.code: reason for _, reason in reasons},
        reason_files={reason.code: file for file, reason in reasons},
    )


def _repeated_ids(reasons: list[tuple[str, ContactReason]]) -> list[LoadProblem]:
    """Reason codes and rule ids must be unique across the set: a decision names them alone."""
    problems = []
    seen_codes: dict[str, str] = {}
    seen_ids: dict[str, str] = {}
    for file, reason in reasons:
        if reason.code in seen_codes:
            problems.append(LoadProblem(file, "code", f"contact reason {reason.code!r} is also in {seen_codes[reason.code]}"))
        seen_codes.setdefault(reason.code, file)
        for outcome in (*reason.red_flags, *reason.rules):
            if outcome.id in seen_ids and seen_ids[outcome.id] != file:
                problems.append(LoadProblem(file, "", f"id {outcome.id!r} is also used in {seen_ids[outcome.id]}"))
            seen_ids.setdefault(outcome.id, file)
    return problems
