"""Recording the medical assessment (licensed staff only) and closing a contact, for example with self-care advice."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, time

from fastapi import APIRouter, Request
from fastapi.responses import Response

from nara.shared.clock import STOCKHOLM, to_stockholm

from ...domain.contacts import ContactRefused
from ...domain.refusals import NotPermitted
from ...service import contacts
from ..problems import status_of
from .common import ConsoleRoute, in_transaction, now_of, page, policy_of, problem_page, see_other
from .contact_pages import CLOSE_FIRST, latest_triage, open_contact
from .html import EMPTY, Choice, button, fmt, form, join, link_button, radios, text_input
from .session import CurrentStaff, Staff, checked_form
from .swedish import CLOSE_REASONS, CONTACT_FORMS, PROFESSIONS, ROLES
from .views import personnummer_text

router = APIRouter(prefix="/console", route_class=ConsoleRoute)
DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
CLOCK = re.compile(r"^(\d{1,2})[.:](\d{2})$")


def _finished(request: Request, contact: dict) -> Response | None:
    if contact["status"] in ("assessed", "closed"):
        return problem_page(
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
    contact: dict,
    values: dict[str, str],
    errors: list[tuple[str | None, str]],
    status_code: int = 200,
) -> Response:
    base = f"/console/kontakter/{contact['id']}"
    heading = fmt(
        '<span class="caption">$who</span><h1 class="heading-l">Registrera medicinsk bedömning</h1>',
        who=personnummer_text(contact["personnummer"]),
    )
    if staff.role != "clinician":
        body = fmt(
            '$heading<div class="inset inset-warning" id="behorighet"><p class="body">Du är inloggad med '
            "rollen <strong>$role</strong>. En medicinsk bedömning kan bara registreras av legitimerad personal "
            "(läkare, sjuksköterska, distriktssköterska, fysioterapeut, arbetsterapeut, psykolog, kurator eller "
            'barnmorska) som har gjort bedömningen.</p><p class="body">Be en legitimerad kollega att logga in '
            "med rollen Legitimerad personal och registrera bedömningen.</p></div><p>$back</p>",
            heading=heading,
            role=ROLES.get(staff.role, staff.role),
            back=link_button(base, "Tillbaka till kontakten", kind="secondary"),
        )
        return page(
            request,
            title="Registrera medicinsk bedömning",
            body=body,
            staff=staff,
            errors=errors,
            status_code=status_code,
        )
    field_errors = dict(e for e in errors if e[0])
    content = join(
        [
            radios(
                "yrkesgrupp",
                "Vem gjorde bedömningen?",
                [Choice(k, v) for k, v in PROFESSIONS.items()],
                checked=values.get("yrkesgrupp"),
                error=field_errors.get("yrkesgrupp"),
                legend_class="legend-m",
            ),
            radios(
                "kontaktform",
                "Hur gjordes bedömningen?",
                [Choice(k, v) for k, v in CONTACT_FORMS.items()],
                checked=values.get("kontaktform"),
                error=field_errors.get("kontaktform"),
                legend_class="legend-m",
            ),
            fmt(
                '<fieldset class="fieldset"><legend class="legend legend-m">När gjordes bedömningen?</legend>'
                '<div class="date-time">$date$clock</div></fieldset>',
                date=text_input(
                    "datum",
                    "Datum",
                    value=values.get("datum", ""),
                    error=field_errors.get("datum"),
                    hint="ÅÅÅÅ-MM-DD",
                    width="10",
                    spellcheck=False,
                ),
                clock=text_input(
                    "klockslag",
                    "Klockslag",
                    value=values.get("klockslag", ""),
                    error=field_errors.get("klockslag"),
                    hint="TT.MM",
                    width="5",
                    spellcheck=False,
                ),
            ),
            button("Registrera bedömningen"),
        ]
    )
    body = fmt(
        '$heading<p class="body">Bedömningen stoppar vårdgarantins klocka. Den ska vara gjord av dig och '
        'dokumenterad i journalen.</p>$form<p><a class="link" href="$base">Avbryt</a></p>',
        heading=heading,
        form=form(f"{base}/bedomning", staff.csrf, content),
        base=base,
    )
    return page(
        request, title="Registrera medicinsk bedömning", body=body, staff=staff, errors=errors, status_code=status_code
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
        "klockslag": now.strftime("%H.%M"),
        "yrkesgrupp": triaged["decision"]["profession"] if triaged else "",
    }
    return _assessment_form(request, staff, contact, values, [])


def _assessed_at(values: dict[str, str], errors: list) -> datetime | None:
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
        errors.append(("klockslag", "Skriv klockslaget som TT.MM, till exempel 09.30."))
    if chosen_date and chosen_time:
        return datetime.combine(chosen_date, chosen_time, STOCKHOLM)
    return None


@router.post("/kontakter/{contact_id}/bedomning")
async def record_assessment(request: Request, contact_id: uuid.UUID, staff: CurrentStaff) -> Response:
    submitted = await checked_form(request, staff)
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
    if not errors:
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
    staff: Staff,
    contact: dict,
    checked: str | None,
    errors: list[tuple[str | None, str]],
    status_code: int = 200,
) -> Response:
    base = f"/console/kontakter/{contact['id']}"
    triaged = latest_triage(contact)
    advice = (
        fmt(
            '<h2 class="heading-m">Råd att ge patienten</h2><div class="inset advice"><p class="body">$a</p></div>',
            a=triaged["decision"]["advice"],
        )
        if triaged
        else EMPTY
    )
    field_errors = dict(e for e in errors if e[0])
    content = join(
        [
            radios(
                "skal",
                "Varför avslutas kontakten?",
                [Choice(code, text, hint) for code, (text, hint, _) in CLOSE_REASONS.items()],
                checked=checked,
                error=field_errors.get("skal"),
                legend_class="legend-m",
            ),
            button("Avsluta kontakten", kind="warning"),
        ]
    )
    body = fmt(
        '<span class="caption">$who</span><h1 class="heading-l">Avsluta kontakten</h1>$advice'
        '<p class="body">En kontakt som avslutas med egenvårdsråd omfattas inte av vårdgarantin.</p>'
        '$form<p><a class="link" href="$base">Avbryt</a></p>',
        who=personnummer_text(contact["personnummer"]),
        advice=advice,
        form=form(f"{base}/avsluta", staff.csrf, content),
        base=base,
    )
    return page(request, title="Avsluta kontakten", body=body, staff=staff, errors=errors, status_code=status_code)


@router.get("/kontakter/{contact_id}/avsluta")
async def close_page(request: Request, contact_id: uuid.UUID, staff: CurrentStaff) -> Response:
    contact = await open_contact(request, staff, contact_id)
    finished = _finished(request, contact)
    if finished:
        return finished
    triaged = latest_triage(contact)
    suggested = CLOSE_FIRST.get(triaged["decision"]["care_level"]) if triaged else None
    return _close_form(request, staff, contact, suggested, [])


@router.post("/kontakter/{contact_id}/avsluta")
async def close(request: Request, contact_id: uuid.UUID, staff: CurrentStaff) -> Response:
    submitted = await checked_form(request, staff)
    contact = await open_contact(request, staff, contact_id)
    reason = submitted.get("skal")
    if reason not in CLOSE_REASONS:
        return _close_form(request, staff, contact, None, [("skal", "Välj varför kontakten avslutas.")], 422)
    try:
        await in_transaction(
            request,
            lambda c: contacts.close(
                c, staff.caller, contact_id, reason=reason, now=now_of(request), policy=policy_of(request)
            ),
        )
    except ContactRefused as refused:
        return _close_form(request, staff, contact, reason, [(None, refused.message)], status_of(refused))
    return see_other(f"/console/kontakter/{contact_id}?klart=avslutad")
