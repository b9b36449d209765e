"""Why a booking action is refused, with a sentence in Swedish a citizen can act on."""

from __future__ import annotations


class BookingRefused(Exception):
    """Base: `code` for programs, `message` (Swedish) for people, `status` for HTTP."""

    status = 409
    code = "refused"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(BookingRefused):
    status, code = 404, "not_found"


class SlotTaken(BookingRefused):
    status, code = 409, "slot_taken"


class SlotNotBookable(BookingRefused):
    status, code = 409, "slot_not_bookable"


class NoticeTooShort(BookingRefused):
    status, code = 409, "notice_too_short"


class NotAllowedOnWeb(BookingRefused):
    status, code = 403, "not_allowed_on_web"


class TooManyBookings(BookingRefused):
    status, code = 409, "too_many_bookings"


class InvalidRequest(BookingRefused):
    status, code = 422, "invalid_request"


class ContactNotBookable(BookingRefused):
    status, code = 409, "contact_not_bookable"


class AppointmentNotActive(BookingRefused):
    status, code = 409, "appointment_not_active"


class Forbidden(BookingRefused):
    status, code = 403, "forbidden"
