"""Checks of what people read: the RETTS colour beside each care level, advice that agrees with its
level and leaves "where to turn" to the engine, child wording, and the cross-cutting red flags."""

from __future__ import annotations

import re
from collections.abc import Iterable

from nara.shared.events.vocabulary import CareLevel, Urgency

from .answer_space import reason_age_span
from .findings import Finding, FindingKind
from .guidelines import ContactReason, GuidelineSet, Outcome, RedFlag
from .patient import GUARDIAN_ANSWERS_BELOW_AGE, PatientFacts, Respondent
from .questions import SECOND_PERSON, AnyQuestion, ChoiceQuestion

HEADER = "guidelines.yaml"
CARE_LEVEL_ORDER = list(CareLevel)  # most urgent first
WEAKEST_RED_FLAG_CARE_LEVEL = CareLevel.SAME_DAY

# The guideline README's convention: which care levels each RETTS colour may stand beside.
LEVELS_OF_COLOUR = {
    Urgency.RED: {CareLevel.CALL_112},
    Urgency.ORANGE: {CareLevel.EMERGENCY_NOW, CareLevel.WITHIN_HOURS},
    Urgency.YELLOW: {CareLevel.WITHIN_HOURS, CareLevel.SAME_DAY},
    Urgency.GREEN: {CareLevel.SAME_DAY, CareLevel.WITHIN_3_DAYS},
    Urgency.BLUE: {CareLevel.PLANNED, CareLevel.SELF_CARE},
}

_RING_112 = re.compile(r"\bring\s+112\b", re.IGNORECASE)
_EMERGENCY_PLACE = re.compile(r"\b(akutmottagning\w*|akuten|barnakut\w*|närakut\w*|jourmottagning\w*)\b", re.IGNORECASE)
_GO_YOURSELF = re.compile(r"\b(åk|ta dig|sök|gå|kör)\b", re.IGNORECASE)
_BOOK = re.compile(r"\bboka\b", re.IGNORECASE)
# "Ring 112 om ...", "vid ...", or a clause first ("Blir det svårare att andas, ring 112."): a safety net.
_CONDITIONAL = re.compile(r"\b(om|vid|ifall|innan|inte)\b|,\s*(ring|sök|åk)\b", re.IGNORECASE)


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]


def advice_problems(outcome: Outcome) -> list[tuple[FindingKind, str]]:
    """Where the advice says something its care level does not, or names 1177 (the engine routes per channel)."""
    problems: list[tuple[FindingKind, str]] = []
    level = outcome.care_level
    if re.search(r"\b1177\b", outcome.advice):
        problems.append(
            (
                FindingKind.ADVICE_NAMES_1177,
                f"{outcome.id!r}'s advice names 1177; leave where to turn to the engine, which never sends a"
                " 1177 caller back to 1177 and knows when the unit is closed",
            )
        )
    for sentence in _sentences(outcome.advice):
        conditional = bool(_CONDITIONAL.search(sentence))
        if level is not CareLevel.CALL_112 and _RING_112.search(sentence) and not conditional:
            problems.append(
                (
                    FindingKind.ADVICE_DISAGREES_WITH_LEVEL,
                    f"{outcome.id!r} is {level} but its advice says ”{sentence}”; a presentation that"
                    " needs an ambulance is call_112, otherwise say when to ring 112 (”Ring 112 om …”)",
                )
            )
        if (
            level is CareLevel.CALL_112
            and _EMERGENCY_PLACE.search(sentence)
            and _GO_YOURSELF.search(sentence)
            and not conditional
        ):
            problems.append(
                (
                    FindingKind.ADVICE_DISAGREES_WITH_LEVEL,
                    f"{outcome.id!r} is call_112 but its advice sends the patient on their own:"
                    f" ”{sentence}”; an ambulance is needed, so say what to do while waiting",
                )
            )
        if (
            CARE_LEVEL_ORDER.index(level) >= CARE_LEVEL_ORDER.index(CareLevel.WITHIN_HOURS)
            and _EMERGENCY_PLACE.search(sentence)
            and not conditional
            and not re.search(r"jourmottagning|närakut", sentence, re.IGNORECASE)
        ):
            problems.append(
                (
                    FindingKind.ADVICE_DISAGREES_WITH_LEVEL,
                    f"{outcome.id!r} is {level} but its advice sends the patient to emergency care:"
                    f" ”{sentence}”; raise the level, or make it a condition (”Sök akut om …”)",
                )
            )
        if (
            CARE_LEVEL_ORDER.index(level) <= CARE_LEVEL_ORDER.index(CareLevel.WITHIN_HOURS)
            and _BOOK.search(sentence)
            and not conditional
        ):
            problems.append(
                (
                    FindingKind.ADVICE_DISAGREES_WITH_LEVEL,
                    f"{outcome.id!r} is {level}, which cannot wait for a booked time, but its advice says ”{sentence}”",
                )
            )
    return problems


def _outcome_findings(outcome: Outcome, file: str, path: str, guidelines: GuidelineSet) -> list[Finding]:
    findings = [Finding(kind, file, f"{path}.advice", message) for kind, message in advice_problems(outcome)]
    if outcome.care_level not in LEVELS_OF_COLOUR[outcome.urgency]:
        allowed = ", ".join(sorted(LEVELS_OF_COLOUR[outcome.urgency]))
        findings.append(
            Finding(
                FindingKind.COLOUR_LEVEL_MISMATCH,
                file,
                f"{path}.urgency",
                f"{outcome.id!r} pairs the RETTS colour {outcome.urgency} with {outcome.care_level};"
                f" {outcome.urgency} goes with {allowed}",
            )
        )
    if isinstance(outcome, RedFlag):
        findings += _red_flag_level_findings(outcome, file, path, guidelines)
    return findings


def _red_flag_level_findings(flag: RedFlag, file: str, path: str, guidelines: GuidelineSet) -> list[Finding]:
    findings = []
    if CARE_LEVEL_ORDER.index(flag.care_level) > CARE_LEVEL_ORDER.index(WEAKEST_RED_FLAG_CARE_LEVEL):
        return [
            Finding(
                FindingKind.RED_FLAG_TOO_WEAK,
                file,
                f"{path}.care_level",
                f"red flag {flag.id!r} allows {flag.care_level}; a red flag must force"
                f" {WEAKEST_RED_FLAG_CARE_LEVEL} or more urgent care",
            )
        ]
    unanswered = guidelines.unanswered_level(flag)
    if CARE_LEVEL_ORDER.index(unanswered.care_level) > CARE_LEVEL_ORDER.index(
        WEAKEST_RED_FLAG_CARE_LEVEL
    ) or CARE_LEVEL_ORDER.index(unanswered.care_level) < CARE_LEVEL_ORDER.index(flag.care_level):
        findings.append(
            Finding(
                FindingKind.UNANSWERED_LEVEL_WRONG,
                file,
                f"{path}.if_unanswered",
                f"while a question of red flag {flag.id!r} is unanswered it gives"
                f" {unanswered.care_level}; that must lie between {WEAKEST_RED_FLAG_CARE_LEVEL} and"
                f" the flag's own {flag.care_level}",
            )
        )
    if unanswered.care_level not in LEVELS_OF_COLOUR[unanswered.urgency]:
        findings.append(
            Finding(
                FindingKind.COLOUR_LEVEL_MISMATCH,
                file,
                f"{path}.if_unanswered",
                f"{flag.id!r} pairs {unanswered.urgency} with {unanswered.care_level} when unanswered",
            )
        )
    for source in flag.sources:
        if source not in guidelines.sources:
            findings.append(
                Finding(
                    FindingKind.UNKNOWN_SOURCE,
                    file,
                    f"{path}.sources",
                    f"{flag.id!r} cites {source!r}, which guidelines.yaml does not list",
                )
            )
    return findings


def _wording_findings(questions: Iterable[tuple[str, AnyQuestion]], low: int, high: int, file: str) -> list[Finding]:
    """A guardian answering for a young child reads no question worded to the patient ("Har du ...")."""
    findings = []
    for path, question in questions:
        youngest = max(low, question.age.min if question.age else 0)
        oldest = min(high, question.age.max if question.age else high, GUARDIAN_ANSWERS_BELOW_AGE - 1)
        if youngest > oldest:
            continue
        guardian = PatientFacts(youngest, respondent=Respondent.GUARDIAN)
        texts = [question.text_for(guardian)]
        if isinstance(question, ChoiceQuestion):
            texts += [option.text_for(guardian) for option in question.options]
        for text in texts:
            if SECOND_PERSON.search(text):
                findings.append(
                    Finding(
                        FindingKind.ADULT_WORDING_FOR_CHILD,
                        file,
                        path,
                        f"question {question.id!r} is asked about children aged {youngest}–{oldest},"
                        f" whose guardian would read ”{text}”; add text_child"
                        " (”Har barnet …”)",
                    )
                )
                break
    return findings


def _asked_if_findings(questions: Iterable[tuple[str, AnyQuestion]], known: set[str], file: str) -> list[Finding]:
    return [
        Finding(
            FindingKind.UNKNOWN_QUESTION,
            file,
            f"{path}.asked_if",
            f"question {question.id!r} is asked only after {other!r}, which is not a question here",
        )
        for path, question in questions
        for other in (*(question.asked_if or {}), *question.asked_with)
        if other not in known
    ]


def content_findings(reason: ContactReason, guidelines: GuidelineSet, file: str) -> list[Finding]:
    """The reason's own outcomes and questions, read as a patient or guardian would read them."""
    findings: list[Finding] = []
    for index, flag in enumerate(reason.red_flags):
        findings += _outcome_findings(flag, file, f"red_flags[{index}]", guidelines)
    for index, rule in enumerate(reason.rules):
        findings += _outcome_findings(rule, file, f"rules[{index}]", guidelines)
    own = [(f"questions[{i}]", q) for i, q in enumerate(reason.questions)]
    low, high = reason_age_span(reason)
    findings += _wording_findings(own, low, high, file)
    findings += _asked_if_findings(own, set(reason.compiled.questions), file)
    return findings


def cross_cutting_findings(guidelines: GuidelineSet) -> list[Finding]:
    """The shared questions and the red flags that hold for every reason."""
    shared = [(f"shared_questions[{i}]", q) for i, q in enumerate(guidelines.shared_questions)]
    known = {q.id for _, q in shared}
    findings = _wording_findings(shared, 0, 130, HEADER) + _asked_if_findings(shared, known, HEADER)
    reason_ids = {o.id for r in guidelines.reasons.values() for o in (*r.red_flags, *r.rules)}
    seen: set[str] = set()
    for index, flag in enumerate(guidelines.red_flags):
        path = f"red_flags[{index}]"
        findings += _outcome_findings(flag, HEADER, path, guidelines)
        if flag.id in seen or flag.id in reason_ids:
            findings.append(Finding(FindingKind.SCHEMA_ERROR, HEADER, f"{path}.id", f"id {flag.id!r} is used twice"))
        seen.add(flag.id)
        unknown = [q for q in flag.when.answers if q not in known]
        if unknown:
            findings.append(
                Finding(
                    FindingKind.RED_FLAG_NEVER_FIRES,
                    HEADER,
                    path,
                    f"cross-cutting red flag {flag.id!r} asks {', '.join(map(repr, unknown))}, which"
                    " are not shared questions; a flag that holds for every reason may only use those",
                )
            )
    return findings
