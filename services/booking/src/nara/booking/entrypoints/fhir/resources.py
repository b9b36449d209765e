"""Booking's records as HL7 FHIR R4 resources (JSON): Slot, Schedule, Appointment, Bundle, OperationOutcome.

Plain dicts, checked against fhir.resources (R4B, wire-compatible with R4 for these resources) in the tests."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from nara.shared.clock import to_stockholm

from ...domain.appointment import AppointmentStatus, Hold
from ...domain.reference import booking_reference
from ...domain.unit_setup import Practitioner
from ...service.records import AppointmentRecord, CareUnit, FreeSlot

FHIR_JSON = "application/fhir+json"
HSA_ID = "urn:oid:1.2.752.29.4.19"
PERSONNUMMER = "http://electronichealth.se/identifier/personnummer"
TIME_TYPE = "urn:nara:booking:time-type"  # the unit's time types (tidstyper), e.g. SSK_BESOK
CONTACT = "urn:nara:triage:contact"  # a triaged contact (vårdkontakt): what opens the hidden time types
PROFESSION = "urn:nara:booking:profession"  # doctor, nurse, ... as in booking's events
BOOKING_REFERENCE = "urn:nara:booking:reference"  # what the citizen reads out on the phone
PARTICIPATION = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"

# Nära's statuses in FHIR's Appointment.status: a rebooked time ended, as a cancelled one did.
APPOINTMENT_STATUS = {
    AppointmentStatus.BOOKED: "booked",
    AppointmentStatus.REBOOKED: "cancelled",
    AppointmentStatus.CANCELLED: "cancelled",
    AppointmentStatus.COMPLETED: "fulfilled",
    AppointmentStatus.NO_SHOW: "noshow",
}


def instant(moment: datetime) -> str:
    """FHIR's instant: with seconds and a zone (UTC, as stored)."""
    return moment.isoformat(timespec="seconds")


def hsa(value: str) -> dict[str, str]:
    return {"system": HSA_ID, "value": value}


def _time_type(code: str, name: str) -> list[dict[str, Any]]:
    return [{"coding": [{"system": TIME_TYPE, "code": code, "display": name}], "text": name}]


def schedule_id(unit: str, practitioner: str | None = None) -> str:
    """A care unit's Schedule is named by its HSA-id, a practitioner's there by `<unit>.<practitioner>` (FHIR ids
    allow letters, digits, '-' and '.'; an HSA-id has no '.')."""
    return f"{unit}.{practitioner}" if practitioner else unit


def schedule_parts(schedule: str) -> tuple[str, str | None]:
    """The unit and practitioner (None: the whole unit) a Schedule id names."""
    unit, _, practitioner = schedule.partition(".")
    return unit, practitioner or None


def schedule_resource(unit: CareUnit) -> dict[str, Any]:
    return {
        "resourceType": "Schedule",
        "id": schedule_id(unit.hsa_id),
        "identifier": [hsa(unit.hsa_id)],
        "active": True,
        "actor": [{"type": "Location", "identifier": hsa(unit.hsa_id), "display": unit.name}],
        "comment": f"Bokningsbara tider på {unit.name}, {unit.address}",
    }


def practitioner_schedule_resource(practitioner: Practitioner, unit: CareUnit, active: bool) -> dict[str, Any]:
    """A practitioner's times at a unit: the Schedule each of their Slots belongs to."""
    return {
        "resourceType": "Schedule",
        "id": schedule_id(unit.hsa_id, practitioner.hsa_id),
        "identifier": [hsa(practitioner.hsa_id)],
        "active": active,
        "serviceCategory": [{"coding": [{"system": PROFESSION, "code": str(practitioner.profession)}]}],
        "actor": [
            {"type": "Practitioner", "identifier": hsa(practitioner.hsa_id), "display": practitioner.name},
            {"type": "Location", "identifier": hsa(unit.hsa_id), "display": unit.name},
        ],
        "comment": f"Bokningsbara tider hos {practitioner.name} på {unit.name}",
    }


def slot_resource(slot: FreeSlot) -> dict[str, Any]:
    return {
        "resourceType": "Slot",
        "id": str(slot.id),
        "serviceType": _time_type(slot.time_type, slot.time_type_name),
        "schedule": {"reference": f"Schedule/{schedule_id(slot.unit, slot.practitioner)}"},
        "status": "free",
        "start": instant(slot.start_at),
        "end": instant(slot.end_at),
        "comment": f"Hos {slot.practitioner_name}",
    }


def _participants(unit: str, unit_name: str | None, practitioner: str, practitioner_name: str) -> list[dict[str, Any]]:
    location: dict[str, Any] = {"type": "Location", "identifier": hsa(unit)}
    if unit_name:
        location["display"] = unit_name
    return [
        {
            "actor": {"type": "Practitioner", "identifier": hsa(practitioner), "display": practitioner_name},
            "required": "required",
            "status": "accepted",
        },
        {"actor": location, "required": "required", "status": "accepted"},
        # The patient is the caller (or the child they named): no personnummer is written back.
        {
            "type": [{"coding": [{"system": PARTICIPATION, "code": "SBJ", "display": "subject"}]}],
            "actor": {"type": "Patient", "display": "Patienten"},
            "required": "required",
            "status": "accepted",
        },
    ]


def based_on(contact_id: str) -> list[dict[str, Any]]:
    """The triaged contact a time is booked for, as the request (ServiceRequest) the Appointment fulfils."""
    return [{"type": "ServiceRequest", "identifier": {"system": CONTACT, "value": contact_id}}]


def proposed_appointment(slot: FreeSlot, contact_id: str | None = None) -> dict[str, Any]:
    """A free slot offered by $find: an Appointment that is only proposed, naming its slot (and the contact it was
    found for, so that $hold and $book get it back)."""
    return {
        "resourceType": "Appointment",
        **({"basedOn": based_on(contact_id)} if contact_id else {}),
        "status": "proposed",
        "serviceType": _time_type(slot.time_type, slot.time_type_name),
        "start": instant(slot.start_at),
        "end": instant(slot.end_at),
        "slot": [{"reference": f"Slot/{slot.id}"}],
        "participant": _participants(slot.unit, None, slot.practitioner, slot.practitioner_name),
    }


def held_appointment(held: Hold, times: tuple[datetime, datetime] | None) -> dict[str, Any]:
    """A held slot ($hold): pending until $book, lapsing at `expires_at` (told in the comment)."""
    resource: dict[str, Any] = {
        "resourceType": "Appointment",
        "id": str(held.id),
        "status": "pending",
        "slot": [{"reference": f"Slot/{held.slot_id}"}],
        "comment": f"Tiden hålls till {to_stockholm(held.expires_at):%H:%M}. Boka den innan dess.",
        "participant": [
            {
                "type": [{"coding": [{"system": PARTICIPATION, "code": "SBJ", "display": "subject"}]}],
                "actor": {"type": "Patient", "display": "Patienten"},
                "status": "tentative",
            }
        ],
    }
    if times is not None:
        resource |= {"start": instant(times[0]), "end": instant(times[1])}
    return resource


def appointment_resource(record: AppointmentRecord) -> dict[str, Any]:
    resource: dict[str, Any] = {
        "resourceType": "Appointment",
        "id": str(record.id),
        "identifier": [{"system": BOOKING_REFERENCE, "value": booking_reference(record.id)}],
        "status": APPOINTMENT_STATUS[record.status],
        "serviceType": _time_type(record.time_type, record.time_type_name),
        "start": instant(record.start_at),
        "end": instant(record.end_at),
        "created": instant(record.created_at),
        "slot": [{"reference": f"Slot/{record.slot_id}"}],
        "participant": _participants(record.unit, record.unit_name, record.practitioner, record.practitioner_name),
    }
    if record.reason:
        resource["description"] = record.reason
    if record.contact_id:
        resource["basedOn"] = based_on(record.contact_id)
    if record.end_reason and record.status in (AppointmentStatus.CANCELLED, AppointmentStatus.REBOOKED):
        resource["cancelationReason"] = {"text": record.end_reason}
    return resource


def bundle(resources: list[dict[str, Any]], base: str, *, kind: str = "searchset") -> dict[str, Any]:
    entries = []
    for resource in resources:
        entry: dict[str, Any] = {"resource": resource, "search": {"mode": "match"}}
        if "id" in resource:
            entry["fullUrl"] = f"{base}/{resource['resourceType']}/{resource['id']}"
        entries.append(entry)
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid4()),
        "type": kind,
        "total": len(resources),
        "entry": entries,
    }


# HTTP status → the OperationOutcome issue code a FHIR client branches on.
ISSUE_CODE = {400: "invalid", 401: "login", 403: "forbidden", 404: "not-found", 409: "conflict", 422: "invalid"}


def operation_outcome(status: int, diagnostics: str, code: str | None = None) -> dict[str, Any]:
    issue: dict[str, Any] = {
        "severity": "error",
        "code": ISSUE_CODE.get(status, "exception" if status >= 500 else "processing"),
        "diagnostics": diagnostics,
    }
    if code:
        issue["details"] = {"coding": [{"system": "urn:nara:problem", "code": code}], "text": diagnostics}
    return {"resourceType": "OperationOutcome", "issue": [issue]}
