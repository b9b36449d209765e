"""How a refusal is answered over HTTP: its status, and RFC 9457 problem details with the refusal's `code`."""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse

from nara.shared.web.problems import answer, problem_body

from ..domain.errors import (
    AppointmentNotActive,
    BookingRefused,
    ContactNotBookable,
    Forbidden,
    InvalidRequest,
    InvalidRows,
    NotAllowedOnWeb,
    NotFound,
    NoticeTooShort,
    SlotNotBookable,
    SlotTaken,
    TooManyBookings,
)

STATUS_OF_REFUSAL: dict[type[BookingRefused], int] = {
    NotFound: 404,
    Forbidden: 403,
    NotAllowedOnWeb: 403,
    InvalidRequest: 422,
    SlotTaken: 409,
    SlotNotBookable: 409,
    NoticeTooShort: 409,
    TooManyBookings: 409,
    ContactNotBookable: 409,
    AppointmentNotActive: 409,
}
CONFLICT = 409  # any other refusal: the request clashes with what is booked


def status_of(refused: BookingRefused) -> int:
    for kind in type(refused).__mro__:
        if kind in STATUS_OF_REFUSAL:
            return STATUS_OF_REFUSAL[kind]
    return CONFLICT


def refusal_body(refused: BookingRefused) -> dict[str, Any]:
    """The problem details; an import's bad lines are listed in `errors`, one per line ("rad N")."""
    rows = refused.rows if isinstance(refused, InvalidRows) else []
    errors = [{"field": f"rad {line}", "message": why} for line, why in rows]
    return problem_body(status_of(refused), refused.message, refused.code, errors)


def refusal(refused: BookingRefused) -> JSONResponse:
    return answer(status_of(refused), refusal_body(refused))
