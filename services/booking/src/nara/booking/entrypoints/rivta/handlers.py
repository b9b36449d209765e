"""Which function answers which interaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from lxml import etree

from . import catalogue, interactions
from .interactions import Call

Handler = Callable[[Call], Awaitable[etree._Element]]

HANDLERS: dict[str, Handler] = {
    "GetAllHealthcareFacilities": interactions.get_all_healthcare_facilities,
    "GetAllTimeTypes": interactions.get_all_time_types,
    "GetAllCareTypes": catalogue.get_all_care_types,
    "GetAllPerformers": catalogue.get_all_performers,
    "GetAvailableDates": catalogue.get_available_dates,
    "GetAvailableTimeslots": interactions.get_available_timeslots,
    "MakeBooking": interactions.make_booking,
    "UpdateBooking": interactions.update_booking,
    "CancelBooking": interactions.cancel_booking,
    "GetBookingDetails": interactions.get_booking_details,
    "GetSubjectOfCareSchedule": interactions.get_subject_of_care_schedule,
}
