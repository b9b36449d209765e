"""The contact's waitlist from the console (/console/kontakter/{id}/vantelista): reception sees whether the patient
waits for an earlier time, what suits them and the times offered, puts them on the waitlist or takes them off.
Booking owns the waitlist: every call goes on the staff member's own token, and booking checks the unit and
access-logs each read and write."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from nara.shared.web.login import Staff
from nara.shared.web.pages import see_other
from nara.shared.web.session import Form

from ...adapters.booking_client import BookingRefused, BookingUnavailable
from ...adapters.waitlist_client import WaitlistClient
from .contact_pages import open_contact
from .kit import LOGIN, ConsoleRoute, CurrentStaff, form_page
from .waitlist_view import (
    CONTACT_FORM_CHOICES,
    DAY_PART_CHOICES,
    REACH_CHOICES,
    WEEKDAY_CHOICES,
    entry_rows,
    masked,
    offer_rows,
    unit_choices,
)

router = APIRouter(prefix="/console", route_class=ConsoleRoute)
Errors = list[tuple[str | None, str]]
DONE = {
    "satt": "Patienten står i kö till en tidigare tid. Blir en tid ledig som passar erbjuds den patienten.",
    "andrad": "Ändringen är sparad.",
    "oforandrad": "Inget var ändrat, så inget sparades.",
    "borttagen": "Patienten står inte längre i kö till en tidigare tid.",
}
UNAVAILABLE = (
    "Det gick inte att nå bokningssystemet, så väntelistan går inte att visa eller ändra just nu. Inget är ändrat. "
    "Försök igen om en stund."
)
# The fields booking's sentences are about, so an error shows beside its field.
REFUSAL_FIELDS = {"mobilnummer": "adress", "e-postadress": "adress", "vårdcentral": "enheter"}


def _client(request: Request, staff: Staff) -> WaitlistClient:
    return WaitlistClient(request.app.state.settings.booking_url, staff.token)


def _path(contact_id: uuid.UUID | str) -> str:
    return f"/console/kontakter/{contact_id}/vantelista"


@router.get("/kontakter/{contact_id}/vantelista")
async def waitlist_page(request: Request, contact_id: uuid.UUID, staff: CurrentStaff, klart: str = "") -> Response:
    contact = await open_contact(request, staff, contact_id)
    try:
        entry = await _client(request, staff).entry(str(contact_id))
    except BookingUnavailable:
        return _page(request, staff, contact, None, unavailable=True, status_code=503)
    except BookingRefused as refused:
        return _page(request, staff, contact, None, refused=refused.detail, status_code=refused.status)
    return _page(request, staff, contact, entry, done=DONE.get(klart, ""))


@router.post("/kontakter/{contact_id}/vantelista")
async def change_waitlist(request: Request, contact_id: uuid.UUID, staff: CurrentStaff) -> Response:
    form = await LOGIN.checked_form(request, staff)
    contact = await open_contact(request, staff, contact_id)
    client = _client(request, staff)
    key = f"console:{form.get('nyckel') or uuid.uuid4()}"
    entry: dict[str, Any] | None = None
    try:
        if form.get("atgard") == "ta-bort":
            await client.leave(str(contact_id), key)
            return see_other(f"{_path(contact_id)}?klart=borttagen")
        entry = await client.entry(str(contact_id))
        body, errors = _join_body(str(contact_id), form, entry)
        if errors:
            return _page(request, staff, contact, entry, typed=form, errors=errors, status_code=422)
        answer = await client.join(body, key)
    except BookingUnavailable:
        return _page(request, staff, contact, entry, typed=form, unavailable=True, status_code=503)
    except BookingRefused as refused:
        field = next((f for word, f in REFUSAL_FIELDS.items() if word in refused.detail.lower()), None)
        errors = [(field, refused.detail)]
        return _page(request, staff, contact, entry, typed=form, errors=errors, status_code=refused.status)
    done = "oforandrad" if not answer.get("changed") else ("andrad" if entry and entry.get("waiting") else "satt")
    return see_other(f"{_path(contact_id)}?klart={done}")


def _join_body(contact_id: str, form: Form, entry: dict[str, Any] | None) -> tuple[dict[str, Any], Errors]:
    """Booking's JoinRequest from the form; what is missing is said here, in the order the form asks it."""
    errors: Errors = []
    units, days, parts, forms = form.all("enheter"), form.all("dagar"), form.all("tider"), form.all("kontaktformer")
    by, address = form.get("nas"), form.get("adress")
    if not units:
        errors.append(("enheter", "Välj minst en vårdcentral."))
    if not days:
        errors.append(("dagar", "Välj minst en dag."))
    if not parts:
        errors.append(("tider", "Välj minst en tid på dagen."))
    if not forms:
        errors.append(("kontaktformer", "Välj minst en kontaktform."))
    if by not in ("sms", "email", "none"):
        errors.append(("nas", "Välj hur patienten vill få veta att en tid blivit ledig."))
    elif by != "none" and not address:
        kept = (entry or {}).get("reach") or {}
        if kept.get("by") == by and kept.get("address"):  # left empty: keep what the patient gave before
            address = kept["address"]
        else:
            what = "ett mobilnummer" if by == "sms" else "en e-postadress"
            errors.append(("adress", f"Skriv {what}, eller välj Inget."))
    if not all(day.isdigit() and 0 <= int(day) <= 6 for day in days):
        errors.append(("dagar", "Välj dagarna i listan."))
    body = {
        "contact_id": contact_id,
        "units": units,
        "weekdays": [int(day) for day in days if day.isdigit()],
        "day_parts": parts,
        "contact_forms": forms,
        "reach": {"by": by, "address": address if by != "none" else None},
    }
    return body, errors


def _page(
    request: Request,
    staff: Staff,
    contact: dict[str, Any],
    entry: dict[str, Any] | None,
    *,
    typed: Form | None = None,
    errors: Errors | None = None,
    done: str = "",
    refused: str = "",
    unavailable: bool = False,
    status_code: int = 200,
) -> Response:
    waiting = bool(entry and entry.get("waiting"))
    stored = entry if waiting and entry else {}
    default_units = [contact["unit"]] if contact["unit"] in staff.units else []
    reach = stored.get("reach") or {"by": "none", "address": None}
    if typed is not None:
        values = {
            "enheter": typed.all("enheter"),
            "dagar": typed.all("dagar"),
            "tider": typed.all("tider"),
            "kontaktformer": typed.all("kontaktformer"),
            "nas": typed.get("nas"),
            "adress": typed.get("adress"),
        }
    else:
        values = {
            "enheter": stored.get("units", default_units),
            "dagar": [str(day) for day in stored.get("weekdays", [0, 1, 2, 3, 4])],
            "tider": stored.get("day_parts", ["morning", "afternoon", "evening"]),
            "kontaktformer": stored.get("contact_forms", ["clinic"]),
            "nas": reach["by"],
            "adress": "",
        }
    return form_page(
        request,
        "waitlist.html",
        title="Väntelista till en tidigare tid",
        errors=errors or [],
        status_code=status_code,
        saved=done,
        contact=contact,
        entry=entry,
        waiting=waiting,
        rows=entry_rows(entry) if entry else [],
        offers=offer_rows(entry) if entry else None,
        refused=refused,
        typed=typed is not None,
        unavailable=UNAVAILABLE if unavailable else "",
        kept_reach=masked(reach["by"], reach.get("address")) if reach["by"] != "none" else "",
        key=str(uuid.uuid4()),
        values=values,
        unit_choices=unit_choices(staff.units, list(stored.get("units", []))),
        weekday_choices=WEEKDAY_CHOICES,
        day_part_choices=DAY_PART_CHOICES,
        contact_form_choices=CONTACT_FORM_CHOICES,
        reach_choices=REACH_CHOICES,
    )
