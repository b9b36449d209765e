"""Booking a time on the patient's behalf through the booking service's API, and the result: tid i handen."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from nara.shared.free_text import no_personnummer
from nara.shared.web.fields import SHORT_TEXT, single_line
from nara.shared.web.labels import label
from nara.shared.web.pages import Choice, see_other

from ...adapters.booking_client import BookingClient, BookingRefused
from .common import booking, now_of
from .contact_pages import decided, reason_title, triaged_contact
from .kit import KIT, LOGIN, ConsoleRoute, CurrentStaff, form_page, fragment
from .swedish import parse_time, personnummer_text, slot_label

router = APIRouter(prefix="/console", route_class=ConsoleRoute)
SLOTS_SHOWN = 6
# Booking learns of a triage from Kafka, a moment after it is saved here; wait that long, not more.
DECISION_PROPAGATION_SECONDS = 15
WAIT_FOR_BOOKING_SECONDS = 4.0


async def _free_slots(request: Request, client: BookingClient, contact: dict[str, Any]) -> list[dict[str, Any]]:
    decision = decided(contact)
    recent = (now_of(request) - parse_time(decision["decided_at"])).total_seconds() < DECISION_PROPAGATION_SECONDS
    give_up = time.monotonic() + (WAIT_FOR_BOOKING_SECONDS if recent else 0)
    while True:
        try:
            return await client.free_slots(
                unit=contact["unit"],
                profession=decision["decision"]["profession"],
                contact_id=contact["id"],
                page_size=SLOTS_SHOWN,
            )
        except BookingRefused as refused:
            if refused.code not in ("not_found", "contact_not_bookable") or time.monotonic() > give_up:
                raise
            await asyncio.sleep(0.3)


def _refused_page(request: Request, contact: dict[str, Any], refused: BookingRefused) -> Response:
    if refused.code == "not_found":  # booking has not read the contact from Kafka yet
        return KIT.problem_page(
            request,
            "Bokningen har inte fått beslutet än",
            "Bokningssystemet har inte tagit emot triagebeslutet ännu. Vänta några sekunder och försök igen.",
            status_code=409,
            action=(request.url.path, "Försök igen"),
        )
    return KIT.problem_page(
        request,
        "Det går inte att boka just nu",
        f"Bokningen svarar: {refused.detail}",
        status_code=refused.status,
        action=(f"/console/kontakter/{contact['id']}", "Tillbaka till kontakten"),
    )


def _slot_form(
    request: Request,
    contact: dict[str, Any],
    slots: list[dict[str, Any]],
    values: dict[str, str],
    errors: list[tuple[str | None, str]],
    booked: list[dict[str, Any]],
    status_code: int = 200,
) -> Response:
    """The free times, those within the guarantee first; with a time already booked, another one only on purpose."""
    within = fragment("within_guarantee")
    options = [
        Choice(
            slot["id"],
            slot_label(slot),
            f"{slot['practitioner']['name']}, {slot['time_type']['name']} "
            f"({label(slot['contact_form'], 'contact_form').lower()})",
            within if slot.get("within_guarantee") else "",
        )
        for slot in slots
    ]
    return form_page(
        request,
        "slots.html",
        status_code=status_code,
        title="Boka tid åt patienten",
        errors=errors,
        values=values,
        key=values.get("nyckel") or str(uuid.uuid4()),
        contact=contact,
        profession=label(decided(contact)["decision"]["profession"], "profession").lower(),
        options=options,
        booked=booked,
        times_booked=_times_text(len(booked)),
    )


def _reason_problem(reason: str) -> str | None:
    """The visit's reason goes to booking and out in its events: one line, short, never a personnummer."""
    if len(reason) > SHORT_TEXT:
        return f"Texten är för lång: högst {SHORT_TEXT} tecken."
    try:
        no_personnummer(single_line(reason))
    except ValueError as wrong:
        return str(wrong)
    return None


def _times_text(count: int) -> str:
    return "en tid" if count == 1 else f"{count} tider"


@router.get("/kontakter/{contact_id}/boka")
async def slots_page(request: Request, contact_id: uuid.UUID, staff: CurrentStaff) -> Response:
    contact = await triaged_contact(request, staff, contact_id)
    if contact["status"] != "triaged":
        return KIT.problem_page(
            request,
            "Det går inte att boka",
            "Kontakten är redan bedömd eller avslutad.",
            status_code=409,
            action=(f"/console/kontakter/{contact_id}", "Till kontakten"),
        )
    client = booking(request, staff)
    try:
        booked = await client.future_appointments_of_contact(contact["id"], now_of(request))
        slots = await _free_slots(request, client, contact)
    except BookingRefused as refused:
        return _refused_page(request, contact, refused)
    return _slot_form(request, contact, slots, {"anledning": reason_title(request, contact["reason_code"])}, [], booked)


@router.post("/kontakter/{contact_id}/boka")
async def book(request: Request, contact_id: uuid.UUID, staff: CurrentStaff) -> Response:
    submitted = await LOGIN.checked_form(request, staff)
    contact = await triaged_contact(request, staff, contact_id)
    values = {name: submitted.get(name) for name in ("tid", "anledning", "nyckel", "andra")}
    client = booking(request, staff)
    # Asked again at the moment of booking: a time booked meanwhile (by the patient, or a colleague) counts too.
    try:
        booked = await client.future_appointments_of_contact(contact["id"], now_of(request))
    except BookingRefused as refused:
        return _refused_page(request, contact, refused)
    errors: list[tuple[str | None, str]] = []
    if not values["tid"]:
        errors = [("tid", "Välj en tid att boka.")]
    wrong_reason = _reason_problem(values["anledning"])
    if wrong_reason:
        errors.append(("anledning", wrong_reason))
    if booked and values["andra"] != "ja":
        errors.append(
            (
                "andra",
                f"Patienten har redan {_times_text(len(booked))} för kontakten. Bekräfta att "
                "patienten ska ha en tid till, eller gå tillbaka till kontakten.",
            )
        )
    if not errors:
        try:
            booked_now = await client.book(
                slot_id=values["tid"],
                contact_id=contact["id"],
                patient=personnummer_text(contact["personnummer"]),
                reason=values["anledning"],
                idempotency_key=values["nyckel"] or str(uuid.uuid4()),
            )
            return see_other(f"/console/kontakter/{contact_id}/bokad/{booked_now['id']}")
        except BookingRefused as refused:
            errors = [("tid" if refused.code in ("slot_taken", "slot_not_bookable") else None, refused.detail)]
            values["nyckel"] = ""  # a new attempt is a new request
    try:
        slots = await _free_slots(request, client, contact)
    except BookingRefused as refused:
        return _refused_page(request, contact, refused)
    return _slot_form(request, contact, slots, values, errors, booked, status_code=422)


@router.get("/kontakter/{contact_id}/bokad/{appointment_id}")
async def booked_page(
    request: Request, contact_id: uuid.UUID, appointment_id: uuid.UUID, staff: CurrentStaff
) -> Response:
    try:
        appointment = await booking(request, staff).appointment(str(appointment_id))
    except BookingRefused as refused:
        return KIT.problem_page(
            request,
            "Bokningen finns inte",
            refused.detail,
            status_code=refused.status,
            action=(f"/console/kontakter/{contact_id}", "Till kontakten"),
        )
    if appointment.get("contact_id") != str(contact_id):
        return KIT.problem_page(
            request,
            "Bokningen finns inte",
            "Bokningen hör inte till den här kontakten.",
            status_code=404,
            action=(f"/console/kontakter/{contact_id}", "Till kontakten"),
        )
    start, end = parse_time(appointment["start"]), parse_time(appointment["end"])
    place = f"{appointment['unit']['name']}, {appointment['unit'].get('address') or ''}".rstrip(", ")
    return KIT.render(
        request,
        "booked.html",
        title="Tiden är bokad",
        contact_id=contact_id,
        appointment=appointment,
        place=place,
        minutes=int((end - start).total_seconds() // 60),
    )
