"""Checks a guideline set before it may be used; a set with any finding must not be put in force."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from nara.shared.events.vocabulary import CareLevel, Profession

from .answer_space import (
    UNANSWERED,
    ValueClass,
    age_segments,
    channel_classes,
    clock,
    conditions_of,
    question_classes,
    reason_age_span,
    sex_classes,
    time_segments,
    unsatisfiable_reason,
)
from .conditions import RuleCondition
from .content_checks import content_findings, cross_cutting_findings
from .findings import Finding, FindingKind
from .guidelines import ContactReason, GuidelineSet, Outcome, Rule
from .loading import CHANGELOG_FILE, GuidelineFiles, GuidelineLoadError, LoadProblem, build_guidelines

MAX_UNCOVERED_EXAMPLES = 3


def check_guideline_files(files: GuidelineFiles) -> tuple[GuidelineSet | None, list[Finding]]:
    """Build and lint a folder's files: the set (None if it cannot be built) and its findings."""
    try:
        guidelines = build_guidelines(files)
    except GuidelineLoadError as error:
        return None, [_schema_finding(problem) for problem in error.problems]
    return guidelines, _changelog_findings(files.changelog, guidelines.version) + lint_guideline_set(guidelines)


def lint_guideline_set(guidelines: GuidelineSet) -> list[Finding]:
    """The findings on a loaded set: references, reachability, coverage, conflicts and consistency."""
    findings: list[Finding] = cross_cutting_findings(guidelines)
    for code, reason in guidelines.reasons.items():
        file = guidelines.reason_files.get(code, code)
        findings += _outcome_findings(reason, guidelines, file)
        findings += content_findings(reason, guidelines, file)
        findings += _reachability_and_coverage(reason, file)
        findings += _conflicts(reason, file)
    return findings


def _schema_finding(problem: LoadProblem) -> Finding:
    kind = {
        "profession": FindingKind.UNKNOWN_PROFESSION,
        "alternatives": FindingKind.UNKNOWN_PROFESSION,
        "care_level": FindingKind.UNKNOWN_CARE_LEVEL,
    }.get(problem.field, FindingKind.SCHEMA_ERROR)
    if kind is FindingKind.UNKNOWN_PROFESSION:
        message = f"{problem.given!r} is not a profession; use one of: {', '.join(p.value for p in Profession)}"
    elif kind is FindingKind.UNKNOWN_CARE_LEVEL:
        message = f"{problem.given!r} is not a care level; use one of: {', '.join(c.value for c in CareLevel)}"
    else:
        message = problem.message
    return Finding(kind, problem.file, problem.path, message)


def _changelog_findings(text: str, version: str) -> list[Finding]:
    heading = re.compile(rf"^#+\s.*(?<![\w.]){re.escape(version)}(?![\w.])", re.MULTILINE)
    if heading.search(text):
        return []
    return [
        Finding(
            FindingKind.CHANGELOG_MISSING_VERSION,
            CHANGELOG_FILE,
            "",
            f"no heading for version {version}; say what changed before it is used",
        )
    ]


def _outcome_findings(reason: ContactReason, guidelines: GuidelineSet, file: str) -> list[Finding]:
    """Questions never asked, unknown sources, red flags that cannot fire or force too little, and
    outcomes that promise the guarantee while giving care that cannot keep it."""
    findings = []
    low, high = reason_age_span(reason)
    for index, question in enumerate(reason.questions):
        if question.age and (question.age.is_empty or question.age.max < low or question.age.min > high):
            findings.append(
                Finding(
                    FindingKind.QUESTION_NEVER_ASKED,
                    file,
                    f"questions[{index}]",
                    f"question {question.id!r} is never asked: its ages {question.age.label()}"
                    " are impossible or outside the reason's",
                )
            )
    outcomes: list[tuple[str, Outcome]] = [(f"red_flags[{i}]", flag) for i, flag in enumerate(reason.red_flags)]
    outcomes += [(f"rules[{i}]", rule) for i, rule in enumerate(reason.rules)]
    for path, outcome in outcomes:
        for source in outcome.sources if outcome in reason.rules else ():  # red flags: content_checks
            if source not in guidelines.sources:
                findings.append(
                    Finding(
                        FindingKind.UNKNOWN_SOURCE,
                        file,
                        f"{path}.sources",
                        f"{outcome.id!r} cites {source!r}, which guidelines.yaml does not list",
                    )
                )
        why_not = _GUARANTEE_CANNOT_APPLY.get(outcome.care_level)
        if why_not and outcome.guarantee_applies:
            findings.append(
                Finding(
                    FindingKind.GUARANTEE_INCONSISTENT,
                    file,
                    f"{path}.guarantee_applies",
                    f"{outcome.id!r} {why_not}; set guarantee_applies: false or send the patient sooner",
                )
            )
    for index, flag in enumerate(reason.red_flags):
        path = f"red_flags[{index}]"
        why = unsatisfiable_reason(reason, flag.when)
        if why:
            findings.append(
                Finding(FindingKind.RED_FLAG_NEVER_FIRES, file, path, f"red flag {flag.id!r} can never fire: {why}")
            )
    return findings


_GUARANTEE_CANNOT_APPLY = {
    CareLevel.SELF_CARE: "resolves the contact with self-care advice, which the care guarantee does not cover",
    CareLevel.PLANNED: "gives planned care, which cannot keep the guarantee's medical assessment within 3 days",
}


@dataclass
class _Walk:
    """The state of one walk through a reason's answer space."""

    dimensions: list[tuple[str, list[ValueClass]]]
    winners: set[str]
    uncovered: list[str]
    uncovered_count: int = 0


def _reachability_and_coverage(reason: ContactReason, file: str) -> list[Finding]:
    """Walk the answer space: which rule decides each case, which never does, and which cases none takes."""
    findings = []
    rules = list(reason.rules_in_order)
    index_of = {rule.id: index for index, rule in enumerate(reason.rules)}
    live = []
    for rule in rules:
        why = unsatisfiable_reason(reason, rule.when)
        if why:
            findings.append(
                Finding(
                    FindingKind.RULE_NEVER_FIRES,
                    file,
                    f"rules[{index_of[rule.id]}]",
                    f"rule {rule.id!r} can never fire: {why}",
                )
            )
        else:
            live.append(rule)
    winners: set[str] = set()
    uncovered: list[str] = []
    count = 0
    conditions = conditions_of(reason)
    referenced = {q for rule in live for q in rule.when.answers}
    for low, high in age_segments(reason):
        at_age = [r for r in live if r.when.age is None or r.when.age.contains(low)]
        dimensions: list[tuple[str, list[ValueClass]]] = [
            ("@channel", [ValueClass(c, label) for c, label in channel_classes(r.when for r in live)]),
            ("@time", [ValueClass(s, f"{clock(s)}–{clock(e)}") for s, e in time_segments(r.when for r in live)]),
            ("@sex", [ValueClass(x, label) for x, label in sex_classes(r.when for r in live)]),
        ]
        for question in reason.compiled.asked:
            if question.id in referenced:
                # A question not asked at this age can only be unanswered.
                classes = (
                    question_classes(question, conditions)
                    if question.applies_to(low)
                    else [ValueClass(UNANSWERED, f"{question.id}=unanswered")]
                )
                dimensions.append((question.id, classes))
        walk = _Walk(dimensions, winners, uncovered)
        _explore(walk, 0, at_age, [f"age {low}–{high}"])
        count += walk.uncovered_count
    for rule in live:
        if rule.id not in winners:
            findings.append(
                Finding(
                    FindingKind.RULE_NEVER_FIRES,
                    file,
                    f"rules[{index_of[rule.id]}]",
                    f"rule {rule.id!r} can never fire: {_shadow_explanation(rule, rules)}",
                )
            )
    if count:
        examples = "; ".join(uncovered)
        more = f" (and {count - len(uncovered)} more)" if count > len(uncovered) else ""
        findings.append(
            Finding(
                FindingKind.UNCOVERED_ANSWERS,
                file,
                "rules",
                f"no rule covers these answer combinations: {examples}{more}; add a default rule without conditions",
            )
        )
    return findings


def _allows(condition: RuleCondition, dimension: str, value: Any) -> bool:
    if dimension == "@sex":
        return condition.sex is None or value == condition.sex
    if dimension == "@channel":
        return condition.channels is None or value in condition.channels
    if dimension == "@time":
        return condition.time_of_day is None or condition.time_of_day.contains(value)
    check = condition.answer_check(dimension)
    if check is None:
        return True
    return value is not UNANSWERED and check(value)


def _constrains(condition: RuleCondition, dimension: str) -> bool:
    if dimension == "@sex":
        return condition.sex is not None
    if dimension == "@channel":
        return condition.channels is not None
    if dimension == "@time":
        return condition.time_of_day is not None
    return dimension in condition.answers


def _explore(walk: _Walk, depth: int, alive: list[Rule], path: list[str]) -> None:
    if not alive:
        walk.uncovered_count += 1
        if len(walk.uncovered) < MAX_UNCOVERED_EXAMPLES:
            walk.uncovered.append(", ".join(path))
        return
    head = alive[0]
    if not any(_constrains(head.when, name) for name, _ in walk.dimensions[depth:]):
        walk.winners.add(head.id)  # the first live rule takes every case left in this branch
        return
    name, classes = walk.dimensions[depth]
    for value_class in classes:
        narrowed = [rule for rule in alive if _allows(rule.when, name, value_class.value)]
        # ("@..." names are facts, never a question id.) A channel, time or sex split that no rule makes would only
        # add noise to the examples.
        label = [] if len(classes) == 1 and name in ("@channel", "@time", "@sex") else [value_class.label]
        _explore(walk, depth + 1, narrowed, path + label)


def _shadow_explanation(rule: Rule, ordered: list[Rule]) -> str:
    earlier = ordered[: ordered.index(rule)]
    for other in earlier:
        if _weaker_or_equal(other.when, rule.when):
            return (
                f"shadowed by rule {other.id!r} (priority {other.priority}), whose condition is equal or"
                " weaker and which is tried first"
            )
    names = ", ".join(repr(other.id) for other in earlier) or "none"
    return f"every case it matches is taken first by higher-priority rules together (tried before it: {names})"


def _weaker_or_equal(general: RuleCondition, specific: RuleCondition) -> bool:
    """True if `general` matches at least everything `specific` matches (checked field by field)."""
    if general.channels is not None and not set(specific.channels or ()) <= set(general.channels):
        return False
    if general.age is not None and (
        specific.age is None or not (general.age.min <= specific.age.min and specific.age.max <= general.age.max)
    ):
        return False
    if general.time_of_day is not None and general.time_of_day != specific.time_of_day:
        return False
    if general.sex is not None and general.sex != specific.sex:
        return False
    for question, spec in general.answers.items():
        if question not in specific.answers:
            return False
        narrower = specific.answers[question]
        if spec != narrower and not _answer_spec_within(narrower, spec):
            return False
    return True


def _answer_spec_within(narrow: Any, wide: Any) -> bool:
    if isinstance(wide, tuple) and isinstance(narrow, str | tuple):
        return set((narrow,) if isinstance(narrow, str) else narrow) <= set(wide)
    if isinstance(wide, str) and isinstance(narrow, tuple):
        return set(narrow) <= {wide}
    if hasattr(wide, "contains") and hasattr(narrow, "contains") and not isinstance(wide, str | tuple):
        low_ok = wide.at_least is None or (narrow.at_least is not None and narrow.at_least >= wide.at_least)
        high_ok = wide.below is None or (narrow.below is not None and narrow.below <= wide.below)
        return low_ok and high_ok
    return False


def _conflicts(reason: ContactReason, file: str) -> list[Finding]:
    """Rules of equal priority whose conditions overlap must agree, or the file order would decide."""
    findings = []
    rules = list(reason.rules)
    for i, first in enumerate(rules):
        for second in rules[i + 1 :]:
            if first.priority != second.priority or first.same_outcome_as(second):
                continue
            overlap = _overlap(reason, first.when, second.when)
            if overlap:
                findings.append(
                    Finding(
                        FindingKind.CONFLICTING_RULES,
                        file,
                        f"rules[{rules.index(second)}]",
                        f"rules {first.id!r} and {second.id!r} have the same priority"
                        f" ({first.priority}) and both match {overlap}, but decide differently",
                    )
                )
    return findings


def _overlap(reason: ContactReason, first: RuleCondition, second: RuleCondition) -> str | None:
    """A description of one case both conditions match, or None if they never both match."""
    if unsatisfiable_reason(reason, first) or unsatisfiable_reason(reason, second):
        return None
    both = [first, second]
    channels = [c for c, _ in channel_classes(both) if all(_allows(x, "@channel", c) for x in both)]
    minutes = [s for s, _ in time_segments(both) if all(_allows(x, "@time", s) for x in both)]
    if not channels or not minutes:
        return None
    if first.sex is not None and second.sex is not None and first.sex != second.sex:
        return None
    for low, _ in age_segments(reason):
        if not all(x.age is None or x.age.contains(low) for x in both):
            continue
        labels = [f"age {low}", f"channel {channels[0].value}", f"time {clock(minutes[0])}"]
        for question_id in sorted(set(first.answers) | set(second.answers)):
            question = reason.question(question_id)
            if question is None:  # the schema checks refuse an unknown question before this is reached
                break
            shared = [
                c
                for c in question_classes(question, both)
                if question.applies_to(low) and all(_allows(x, question_id, c.value) for x in both)
            ]
            if not shared:
                break
            labels.append(shared[0].label)
        else:
            return ", ".join(labels)
    return None
