"""The triage API's refusals in the one error shape of Nära (nara.shared.web.problems, RFC 9457).

Only what is triage's own lives here: which HTTP status each kind of refusal (domain/refusals.py) answers, a
refusal as problem details (its `code` kept so clients keep working), and the statuses each kind of path
answers, for its OpenAPI `responses`.
"""

from __future__ import annotations

from typing import Any

from nara.shared.web.problems import answer, problem, problem_body, problem_responses

from ..domain.refusals import ContactRefused, InvalidRequest, NotFound, NotPermitted, TooLarge, WrongState

__all__ = [
    "CHANGE",
    "READ",
    "answer",
    "problem",
    "problem_body",
    "problem_responses",
    "refusal_body",
    "status_of",
]

# Every /api path answers 401 without a valid token and 422 for a request it cannot use (400 and 413 are the
# app's own, for every path). A change of a contact may also be forbidden, find no contact, or come too late.
READ = (401, 422)
CHANGE = (401, 403, 404, 409, 422)

STATUS_OF_REFUSAL: dict[type[ContactRefused], int] = {
    NotPermitted: 403,
    NotFound: 404,
    WrongState: 409,
    TooLarge: 413,
    InvalidRequest: 422,
}


def status_of(refused: ContactRefused) -> int:
    """The HTTP status of a use case's refusal (a page shows it with the same status as the API answers)."""
    return next((status for kind, status in STATUS_OF_REFUSAL.items() if isinstance(refused, kind)), 422)


def refusal_body(refused: ContactRefused, instance: str | None = None) -> dict[str, Any]:
    return problem_body(status_of(refused), refused.message, refused.code, refused.errors, instance)
