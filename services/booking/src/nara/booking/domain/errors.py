"""Why a booking action is refused, with a sentence in Swedish a citizen can act on.

The entrypoints decide how a refusal is answered (HTTP status, problem details, a page): see
entrypoints/problems.py."""

from __future__ import annotations


class BookingRefused(Exception):
    """Base: `code` for programs, `message` (Swedish) for people."""

    code = "refused"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(BookingRefused):
    code = "not_found"


class SlotTaken(BookingRefused):
    code = "slot_taken"


class SlotNotBookable(BookingRefused):
    code = "slot_not_bookable"


class NoticeTooShort(BookingRefused):
    code = "notice_too_short"


class NotAllowedOnWeb(BookingRefused):
    code = "not_allowed_on_web"


class TooManyBookings(BookingRefused):
    code = "too_many_bookings"


class InvalidRequest(BookingRefused):
    code = "invalid_request"


class InvalidRows(InvalidRequest):
    """Lines of an imported file that cannot be used, each with its line number and why; nothing was saved.
    The API lists them in the problem's `errors` as {"field": "rad N", "message": why}; the pages as "Rad N: why"."""

    code = "invalid_rows"

    def __init__(self, message: str, rows: list[tuple[int, str]]):
        super().__init__(message)
        self.rows = sorted(rows)

    @property
    def lines(self) -> list[str]:
        return [f"Rad {line}: {why}" for line, why in self.rows]


class ContactNotBookable(BookingRefused):
    code = "contact_not_bookable"


class AppointmentNotActive(BookingRefused):
    code = "appointment_not_active"


class Forbidden(BookingRefused):
    code = "forbidden"
