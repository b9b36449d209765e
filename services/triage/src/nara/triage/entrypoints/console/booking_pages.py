"""Booking a time on the patient's behalf through the booking service's API, and the result: tid i handen."""

from __future__ import annotations

import asyncio
import time
import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response

from nara.shared.free_text import no_personnummer
from nara.shared.web.fields import SHORT_TEXT, single_line

from ...adapters.booking_client import BookingClient, BookingRefused
from .common import ConsoleRoute, booking, now_of, page, problem_page, see_other
from .contact_pages import bookings_list, latest_triage, reason_title, triaged_contact
from .html import (
    EMPTY,
    Choice,
    Safe,
    button,
    checkboxes,
    fmt,
    form,
    hidden,
    join,
    link_button,
    radios,
    summary_list,
    text_input,
)
from .session import CurrentStaff, Staff, checked_form
from .swedish import CONTACT_FORMS, PROFESSIONS, label, parse_time, unit_name
from .views import personnummer_text, slot_label

router = APIRouter(prefix="/console", route_class=ConsoleRoute)
SLOTS_SHOWN = 6
# Booking learns of a triage from Kafka, a moment after it is saved here; wait that long, not more.
DECISION_PROPAGATION_SECONDS = 15
WAIT_FOR_BOOKING_SECONDS = 4.0


async def _free_slots(request: Request, client: BookingClient, contact: dict) -> list[dict]:
    decision = latest_triage(contact)
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


def _refused_page(request: Request, contact: dict, refused: BookingRefused) -> Response:
    if refused.code == "not_found":  # booking has not read the contact from Kafka yet
        return problem_page(
            request,
            "Bokningen har inte fått beslutet än",
            "Bokningssystemet har inte tagit emot triagebeslutet ännu. Vänta några sekunder och försök igen.",
            status_code=409,
            action=(request.url.path, "Försök igen"),
        )
    return problem_page(
        request,
        "Det går inte att boka just nu",
        f"Bokningen svarar: {refused.detail}",
        status_code=refused.status,
        action=(f"/console/kontakter/{contact['id']}", "Tillbaka till kontakten"),
    )


def _already_booked(booked: list[dict]) -> Safe:
    """The times the contact already has: another one is booked only on purpose (a confirmation)."""
    if not booked:
        return EMPTY
    return fmt(
        '<div class="inset inset-warning" id="redan-bokad" data-already-booked="$n"><h2 class="heading-s">'
        'Patienten har redan en bokad tid för den här kontakten</h2><ul class="list">$items</ul>'
        '<p class="body">Boka bara en tid till om patienten ska ha två besök. Ska tiden flyttas, omboka den i '
        "stället.</p></div>",
        n=len(booked),
        items=bookings_list(booked),
    )


def _slot_form(
    request: Request,
    staff: Staff,
    contact: dict,
    slots: list[dict],
    values: dict[str, str],
    errors: list[tuple[str | None, str]],
    booked: list[dict],
    status_code: int = 200,
) -> Response:
    decision = latest_triage(contact)["decision"]
    profession = label(PROFESSIONS, decision["profession"]).lower()
    base = f"/console/kontakter/{contact['id']}"
    field_errors = dict(e for e in errors if e[0])
    if not slots:
        chooser = fmt(
            '<div class="inset"><p class="body">Det finns inga lediga tider för $p på $unit de närmaste '
            "två veckorna. Boka i journalsystemet eller kontakta en annan enhet.</p></div>",
            p=profession,
            unit=unit_name(contact["unit"]),
        )
    else:
        options = [
            Choice(
                s["id"],
                slot_label(s),
                f"{s['practitioner']['name']}, {s['time_type']['name']} "
                f"({label(CONTACT_FORMS, s['contact_form']).lower()})",
                fmt('<strong class="tag tag-green">Inom vårdgarantin</strong>')
                if s.get("within_guarantee")
                else fmt(""),
            )
            for s in slots
        ]
        confirm = EMPTY
        if booked:
            confirm = checkboxes(
                "andra",
                fmt("<strong>Bekräfta en tid till</strong>"),
                [Choice("ja", f"Ja, boka en tid till. Patienten har redan {_times_text(len(booked))} för kontakten.")],
                checked=["ja"] if values.get("andra") == "ja" else [],
                error=field_errors.get("andra"),
            )
        chooser = form(
            f"{base}/boka",
            staff.csrf,
            join(
                [
                    hidden("nyckel", values.get("nyckel") or str(uuid.uuid4())),
                    radios(
                        "tid",
                        "Välj tid",
                        options,
                        checked=values.get("tid"),
                        error=field_errors.get("tid"),
                        legend_class="legend-m",
                    ),
                    text_input(
                        "anledning",
                        "Vad gäller besöket?",
                        value=values.get("anledning", ""),
                        error=field_errors.get("anledning"),
                        hint="Syns för den som tar emot patienten. Skriv inte personnummer.",
                    ),
                    confirm,
                    button("Boka en tid till" if booked else "Boka tiden"),
                ]
            ),
        )
    body = fmt(
        '<span class="caption">$who</span><h1 class="heading-l">Boka tid åt patienten</h1>$already'
        '<p class="body">Lediga tider för <strong>$p</strong> på $unit, de inom vårdgarantin först.</p>'
        '$chooser<p><a class="link" href="$base">Tillbaka till kontakten</a></p>',
        who=personnummer_text(contact["personnummer"]),
        already=_already_booked(booked),
        p=profession,
        unit=unit_name(contact["unit"]),
        chooser=chooser,
        base=base,
    )
    return page(request, title="Boka tid åt patienten", body=body, staff=staff, errors=errors, status_code=status_code)


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
        return problem_page(
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
    return _slot_form(
        request, staff, contact, slots, {"anledning": reason_title(request, contact["reason_code"])}, [], booked
    )


@router.post("/kontakter/{contact_id}/boka")
async def book(request: Request, contact_id: uuid.UUID, staff: CurrentStaff) -> Response:
    submitted = await checked_form(request, staff)
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
    return _slot_form(request, staff, contact, slots, values, errors, booked, status_code=422)


@router.get("/kontakter/{contact_id}/bokad/{appointment_id}")
async def booked_page(
    request: Request, contact_id: uuid.UUID, appointment_id: uuid.UUID, staff: CurrentStaff
) -> Response:
    try:
        appointment = await booking(request, staff).appointment(str(appointment_id))
    except BookingRefused as refused:
        return problem_page(
            request,
            "Bokningen finns inte",
            refused.detail,
            status_code=refused.status,
            action=(f"/console/kontakter/{contact_id}", "Till kontakten"),
        )
    if appointment.get("contact_id") != str(contact_id):
        return problem_page(
            request,
            "Bokningen finns inte",
            "Bokningen hör inte till den här kontakten.",
            status_code=404,
            action=(f"/console/kontakter/{contact_id}", "Till kontakten"),
        )
    start, end = parse_time(appointment["start"]), parse_time(appointment["end"])
    when_text = slot_label({"start": appointment["start"], "end": appointment["end"]})
    details = summary_list(
        [
            ("Tid", when_text),
            ("Hos", f"{appointment['practitioner']['name']}, {label(PROFESSIONS, appointment['profession']).lower()}"),
            ("Besöksform", label(CONTACT_FORMS, appointment["contact_form"])),
            ("Plats", f"{appointment['unit']['name']}, {appointment['unit'].get('address') or ''}".rstrip(", ")),
            ("Typ av tid", appointment["time_type"]["name"]),
            ("Längd", f"{int((end - start).total_seconds() // 60)} min"),
        ]
    )
    body = fmt(
        '<div class="panel panel-confirmation"><h1 class="panel-title">Tiden är bokad</h1>'
        '<div class="panel-body">Tid i handen: <strong>$when</strong></div></div>'
        '<p class="body">Berätta tiden för patienten innan samtalet avslutas. Patienten ser tiden under '
        '”Mina tider” i webbtidboken.</p><h2 class="heading-m">Bokningen</h2>$details'
        '<ul class="actions"><li>$back</li><li>$queue</li></ul>',
        when=when_text,
        details=details,
        back=link_button(f"/console/kontakter/{contact_id}", "Tillbaka till kontakten"),
        queue=link_button("/console", "Till kön", kind="secondary"),
    )
    return page(request, title="Tiden är bokad", body=body, staff=staff)
