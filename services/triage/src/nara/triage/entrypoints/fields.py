"""The triage API's own field types, on top of nara.shared.web.fields: every string a request carries has a form
and a limit before a use case sees it, and none that reaches an event may carry a personnummer."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, StrictBool, StringConstraints

from nara.shared.free_text import no_personnummer as _no_personnummer
from nara.shared.web.fields import HSA_ID_PATTERN, LONG_TEXT, SHORT_TEXT, Code, no_control_characters, single_line

from ..domain.listing import ListingProblem, checked_unit
from ..domain.questions import CODE_PATTERN as QUESTION_ID_PATTERN
from ..domain.refusals import InvalidRequest


def _unit(value: Any) -> Any:
    """A unit's HSA-id in any case, upper case out; the Swedish reason when it is none (or holds a personnummer)."""
    if not isinstance(value, str):
        return value  # the str type says so
    try:
        return checked_unit(single_line(value))
    except ListingProblem as problem:
        raise ValueError(str(problem)) from None


UnitId = Annotated[str, StringConstraints(pattern=HSA_ID_PATTERN, max_length=44), BeforeValidator(_unit)]
"""An HSA-id of a care unit, as the events carry it."""

PersonnummerInput = Annotated[str, StringConstraints(max_length=20), AfterValidator(single_line)]
"""A personnummer or samordningsnummer as typed (ÅÅÅÅMMDD-NNNN and its variants); the use case checks it."""

ChildName = Annotated[
    str, StringConstraints(max_length=100), AfterValidator(single_line), AfterValidator(_no_personnummer)
]

SearchText = Annotated[
    str, StringConstraints(max_length=SHORT_TEXT), AfterValidator(single_line), AfterValidator(_no_personnummer)
]

QuestionId = Annotated[str, StringConstraints(pattern=QUESTION_ID_PATTERN, max_length=80)]
# An answer is yes/no, a number in the question's unit, or an option's code; the engine checks which.
AnswerValue = (
    StrictBool
    | Annotated[int, Field(ge=-1_000_000, le=1_000_000)]
    | Annotated[float, Field(ge=-1_000_000, le=1_000_000, allow_inf_nan=False)]
    | Annotated[str, StringConstraints(max_length=80)]
    | None
)
Answers = Annotated[dict[QuestionId, AnswerValue], Field(max_length=200)]


def check_override_reason(reason: str) -> None:
    """An override reason typed in a form: short and plain, as the API's LongText has it (the use case refuses a
    personnummer in it, whoever sends it)."""
    reason = reason.strip()
    if len(reason) > LONG_TEXT:
        raise InvalidRequest(
            f"Motiveringen är för lång: högst {LONG_TEXT} tecken. Skriv det viktigaste.", "invalid_override_reason"
        )
    try:
        no_control_characters(reason)
    except ValueError as wrong:
        raise InvalidRequest(str(wrong), "invalid_override_reason") from None


__all__ = ["AnswerValue", "Answers", "ChildName", "Code", "PersonnummerInput", "QuestionId", "SearchText", "UnitId"]
