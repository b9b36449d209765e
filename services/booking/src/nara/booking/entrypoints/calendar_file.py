"""An appointment as an iCalendar file (RFC 5545), for the citizen's calendar: Swedish words, UTC times, and nothing
that says who the patient is."""

from __future__ import annotations

from datetime import datetime

from fastapi.responses import Response
from icalendar import Calendar, Event

from nara.shared.web.labels import label

from ..domain.reference import booking_reference
from ..service.records import AppointmentRecord, CareUnit

CALENDAR_TYPE = "text/calendar"
PRODUCT = "-//Nära//webbtidbok//SV"
UID_DOMAIN = "booking.nara.se"
STATUSES = {"booked": "CONFIRMED", "cancelled": "CANCELLED", "rebooked": "CANCELLED"}


def _contact_form(code: str) -> str:
    return label(code, "contact_form_for_citizens", missing="")


def summary(record: AppointmentRecord) -> str:
    return f"{record.time_type_name} hos {record.practitioner_name}, {record.unit_name}"


def location(record: AppointmentRecord) -> str:
    if record.contact_form == "clinic":
        return f"{record.unit_name}, {record.unit_address}"
    return f"{_contact_form(record.contact_form)} ({record.unit_name})"


def description(record: AppointmentRecord, unit: CareUnit | None) -> str:
    lines = [
        f"Bokningsnummer: {booking_reference(record.id)}",
        f"{_contact_form(record.contact_form)} hos {record.practitioner_name}, "
        f"{label(record.profession, 'profession', missing='').lower()}.",
    ]
    if unit is not None and unit.phone:
        lines.append(f"Kan du inte komma? Avboka under Mina tider, eller ring {unit.name} på {unit.phone}.")
    return "\n".join(lines)


def appointment_calendar(record: AppointmentRecord, unit: CareUnit | None, now: datetime) -> bytes:
    """One VEVENT whose UID stays the same for the appointment, so importing it again updates, never duplicates."""
    calendar = Calendar()
    calendar.add("prodid", PRODUCT)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    event = Event()
    event.add("uid", f"{record.id}@{UID_DOMAIN}")
    event.add("dtstamp", now)
    event.add("dtstart", record.start_at)
    event.add("dtend", record.end_at)
    event.add("summary", summary(record))
    event.add("location", location(record))
    event.add("description", description(record, unit))
    event.add("status", STATUSES.get(record.status.value, "CONFIRMED"))
    calendar.add_component(event)
    ical: bytes = calendar.to_ical()
    return ical


def file_name(record: AppointmentRecord) -> str:
    return f"vardtid-{booking_reference(record.id).lower()}.ics"


def calendar_response(record: AppointmentRecord, unit: CareUnit | None, now: datetime) -> Response:
    return Response(
        appointment_calendar(record, unit, now),
        media_type=f"{CALENDAR_TYPE}; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{file_name(record)}"',
            "Cache-Control": "private, no-store",
        },
    )
