"""Recording the medical assessment (licensed staff only) and closing a contact, for example with self-care advice."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from nara.shared.clock import STOCKHOLM, to_stockholm
from nara.shared.events.vocabulary import ContactCloseReason
from nara.shared.web.labels import CLOSE_REASONS, CONTACT_FORMS, PROFESSIONS
from nara.shared.web.login import Staff
from nara.shared.web.pages import Choice, choices, see_other

from ...domain.contacts import ContactRefused
from ...domain.refusals import NotPermitted
from ...service import contacts
from ..problems import status_of
from .common import in_transaction, now_of, policy_of
from .contact_pages import latest_triage, open_contact
from .kit import KIT, LOGIN, ConsoleRoute, CurrentStaff, form_page
from .swedish import CLOSE_HINTS
from .views import CLOSE_FIRST

router = APIRouter(prefix="/console", route_class=ConsoleRoute)
DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
CLOCK = re.compile(r"^(\d{1,2})[.:](\d{2})$")


def _finished(request: Request, contact: dict[str, Any]) -> Response | None:
    if contact["status"] in ("assessed", "closed"):
        return KIT.problem_page(
            request,
            "Kontakten är redan klar",
            "Kontakten är redan bedömd eller avslutad.",
            status_code=409,
            action=(f"/console/kontakter/{contact['id']}", "Till kontakten"),
        )
    return None


# --- Medical assessment -----------------------------------------------------------------------------------------


def _assessment_form(
    request: Request,
    staff: Staff,
    contact: dict[str, Any],
    values: dict[str, str],
    errors: list[tuple[str | None, str]],
    status_code: int = 200,
) -> Response:
    """The form for licensed staff; for reception, why they cannot record it and whom to ask."""
    return form_page(
        request,
        "assessment.html",
        status_code=status_code,
        title="Registrera medicinsk bedömning",
        errors=errors,
        values=values,
        contact=contact,
        licensed=staff.role == "clinician",
        professions=choices(PROFESSIONS),
        contact_forms=choices(CONTACT_FORMS),
    )


@router.get("/kontakter/{contact_id}/bedomning")
async def assessment_page(request: Request, contact_id: uuid.UUID, staff: CurrentStaff) -> Response:
    contact = await open_contact(request, staff, contact_id)
    finished = _finished(request, contact)
    if finished:
        return finished
    now = to_stockholm(now_of(request))
    triaged = latest_triage(contact)
    values = {
        "datum": now.date().isoformat(),
        "klockslag": now.strftime("%H:%M"),
        "yrkesgrupp": triaged["decision"]["profession"] if triaged else "",
    }
    return _assessment_form(request, staff, contact, values, [])


def _assessed_at(values: dict[str, str], errors: list[tuple[str | None, str]]) -> datetime | None:
    day = DATE.match(values["datum"])
    clock = CLOCK.match(values["klockslag"])
    try:
        chosen_date = date(*map(int, day.groups())) if day else None
    except ValueError:
        chosen_date = None
    if chosen_date is None:
        errors.append(("datum", "Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2026-11-23."))
    chosen_time = None
    if clock and int(clock[1]) < 24 and int(clock[2]) < 60:
        chosen_time = time(int(clock[1]), int(clock[2]))
    else:
        errors.append(("klockslag", "Skriv klockslaget som TT:MM, till exempel 09:30."))
    if chosen_date and chosen_time:
        return datetime.combine(chosen_date, chosen_time, STOCKHOLM)
    return None


@router.post("/kontakter/{contact_id}/bedomning")
async def record_assessment(request: Request, contact_id: uuid.UUID, staff: CurrentStaff) -> Response:
    submitted = await LOGIN.checked_form(request, staff)
    contact = await open_contact(request, staff, contact_id)
    values = {name: submitted.get(name) for name in ("yrkesgrupp", "kontaktform", "datum", "klockslag")}
    errors: list[tuple[str | None, str]] = []
    if values["yrkesgrupp"] not in PROFESSIONS:
        errors.append(("yrkesgrupp", "Välj vilken yrkesgrupp som gjorde bedömningen."))
    if values["kontaktform"] not in CONTACT_FORMS:
        errors.append(("kontaktform", "Välj hur bedömningen gjordes."))
    assessed_at = _assessed_at(values, errors)
    now = now_of(request)
    if assessed_at and assessed_at == to_stockholm(now).replace(second=0, microsecond=0):
        assessed_at = now  # the form shows whole minutes; "this minute" means now, not its first second
    if assessed_at is not None and not errors:
        try:
            await in_transaction(
                request,
                lambda c: contacts.record_assessment(
                    c,
                    staff.caller,
                    contact_id,
                    assessed_at=assessed_at,
                    profession=values["yrkesgrupp"],
                    contact_form=values["kontaktform"],
                    now=now,
                    policy=policy_of(request),
                ),
            )
            return see_other(f"/console/kontakter/{contact_id}?klart=bedomd")
        except ContactRefused as refused:
            not_permitted = isinstance(refused, NotPermitted) and staff.role != "clinician"
            errors = [("behorighet" if not_permitted else None, refused.message)]
            status = status_of(refused)
    else:
        status = 422
    return _assessment_form(request, staff, contact, values, errors, status_code=status)


# --- Close ------------------------------------------------------------------------------------------------------


def _close_form(
    request: Request,
    contact: dict[str, Any],
    checked: str | None,
    errors: list[tuple[str | None, str]],
    status_code: int = 200,
) -> Response:
    return form_page(
        request,
        "close.html",
        status_code=status_code,
        title="Avsluta kontakten",
        errors=errors,
        contact=contact,
        triaged=latest_triage(contact),
        reasons=[Choice(code, text, CLOSE_HINTS[ContactCloseReason(code)]) for code, text in CLOSE_REASONS.items()],
        checked=checked,
    )


@router.get("/kontakter/{contact_id}/avsluta")
async def close_page(request: Request, contact_id: uuid.UUID, staff: CurrentStaff) -> Response:
    contact = await open_contact(request, staff, contact_id)
    finished = _finished(request, contact)
    if finished:
        return finished
    triaged = latest_triage(contact)
    suggested = CLOSE_FIRST.get(triaged["decision"]["care_level"]) if triaged else None
    return _close_form(request, contact, suggested, [])


@router.post("/kontakter/{contact_id}/avsluta")
async def close(request: Request, contact_id: uuid.UUID, staff: CurrentStaff) -> Response:
    submitted = await LOGIN.checked_form(request, staff)
    contact = await open_contact(request, staff, contact_id)
    reason = submitted.get("skal")
    if reason not in CLOSE_REASONS:
        return _close_form(request, contact, None, [("skal", "Välj varför kontakten avslutas.")], 422)
    try:
        await in_transaction(
            request,
            lambda c: contacts.close(
                c, staff.caller, contact_id, reason=reason, now=now_of(request), policy=policy_of(request)
            ),
        )
    except ContactRefused as refused:
        return _close_form(request, contact, reason, [(None, refused.message)], status_of(refused))
    return see_other(f"/console/kontakter/{contact_id}?klart=avslutad")
