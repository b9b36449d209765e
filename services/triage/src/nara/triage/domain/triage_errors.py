"""Why a contact cannot be triaged as given; each message says what to change."""

from __future__ import annotations


class TriageInputError(ValueError):
    """The request cannot be triaged as given; the message says what to change."""


class UnknownReasonError(TriageInputError):
    def __init__(self, reason_code: str) -> None:
        self.reason_code = reason_code
        super().__init__(f"unknown contact reason {reason_code!r}; GET /guidelines lists the reasons in force")


class InvalidAnswerError(TriageInputError):
    """One or more answers do not fit the reason's questions; `questions` names them."""

    def __init__(self, reason_code: str, problems: list[tuple[str, str]]) -> None:
        self.questions = tuple(question for question, _ in problems)
        detail = "; ".join(f"question {question!r}: {message}" for question, message in problems)
        super().__init__(f"invalid answers for contact reason {reason_code!r}: {detail}")


class GuidelineGapError(RuntimeError):
    """No rule covered the case: the guideline set has a hole the linter should have caught."""
