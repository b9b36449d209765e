"""The development staff login (it stands in for SITHS) and logging out."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import Response

from nara.shared.identity import InvalidClaims, issue_dev_token

from .common import ConsoleRoute, page, problem_page, see_other
from .html import Choice, button, checkboxes, fmt, hidden, radios, text_input
from .session import (
    OptionalStaff,
    clear_login_cookie,
    console_key,
    csrf_token,
    read_form,
    safe_console_path,
    set_login_cookie,
)
from .swedish import UNITS

router = APIRouter(prefix="/console", route_class=ConsoleRoute)

HSA_ID = re.compile(r"^SE[0-9]{10}-[A-Z0-9]{1,31}$")
LOGIN_ROLES = [
    Choice("reception", "Reception", "Registrerar, triagerar, bokar och avslutar kontakter."),
    Choice("clinician", "Legitimerad personal", "Som reception, och registrerar dessutom medicinska bedömningar."),
]
LOGIN_CSRF = "login"  # the login form has no session yet; SameSite=Strict and this fixed-purpose token guard it


def _login_form(
    request: Request, *, values: dict, errors: dict[str, str], next_path: str, logged_out: bool, status_code: int = 200
) -> Response:
    intro = (
        fmt(
            '<div class="banner banner-success" role="alert" tabindex="-1" data-banner><p class="banner-text">'
            "Du är utloggad.</p></div>"
        )
        if logged_out
        else fmt("")
    )
    body = fmt(
        '$intro<h1 class="heading-l">Logga in på triagekonsolen</h1>'
        '<p class="body">I utvecklingsmiljön väljer du själv vem du är. I drift loggar du in med SITHS-kort.</p>'
        '<form method="post" action="/console/logga-in" novalidate>$csrf$next$hsa$role$units$submit</form>',
        intro=intro,
        csrf=hidden("csrf", csrf_token(console_key(request), LOGIN_CSRF)),
        next=hidden("nasta", next_path),
        hsa=text_input(
            "hsa-id",
            "HSA-id",
            value=values.get("hsa-id", ""),
            error=errors.get("hsa-id"),
            hint="Till exempel SE2321000115-P000000101.",
            width="20",
            spellcheck=False,
        ),
        role=radios("roll", "Roll", LOGIN_ROLES, checked=values.get("roll"), error=errors.get("roll")),
        units=checkboxes(
            "enheter",
            "Enheter du arbetar på",
            [Choice(hsa, name, hsa) for hsa, name in UNITS.items()],
            checked=values.get("enheter", []),
            error=errors.get("enheter"),
            hint="Välj en eller flera.",
        ),
        submit=button("Logga in"),
    )
    ordered = [(f, errors[f]) for f in ("hsa-id", "roll", "enheter") if f in errors]
    return page(request, title="Logga in", body=body, staff=None, errors=ordered, status_code=status_code)


@router.get("/logga-in")
async def login_page(request: Request, nasta: str = "/console", utloggad: str | None = None) -> Response:
    return _login_form(request, values={}, errors={}, next_path=safe_console_path(nasta), logged_out=bool(utloggad))


@router.post("/logga-in")
async def log_in(request: Request) -> Response:
    form = await read_form(request)
    if form.get("csrf") != csrf_token(console_key(request), LOGIN_CSRF):
        return problem_page(
            request,
            "Formuläret har gått ut",
            "Ladda om inloggningssidan och försök igen.",
            status_code=400,
            action=("/console/logga-in", "Till inloggningen"),
        )
    hsa_id = form.get("hsa-id").upper()
    role = form.get("roll")
    units = [u for u in form.all("enheter") if u in UNITS]
    errors = {}
    if not hsa_id:
        errors["hsa-id"] = "Skriv ditt HSA-id, till exempel SE2321000115-P000000101."
    elif not HSA_ID.match(hsa_id):
        errors["hsa-id"] = (
            "HSA-id ska börja med SE, tio siffror och ett bindestreck, till exempel SE2321000115-P000000101."
        )
    if role not in ("reception", "clinician"):
        errors["roll"] = "Välj din roll: reception eller legitimerad personal."
    if not units:
        errors["enheter"] = "Välj minst en enhet du arbetar på."
    next_path = safe_console_path(form.get("nasta"))
    if errors:
        return _login_form(
            request,
            values={"hsa-id": form.get("hsa-id"), "roll": role, "enheter": units},
            errors=errors,
            next_path=next_path,
            logged_out=False,
            status_code=422,
        )
    try:
        token = issue_dev_token(role, hsa_id, units)
    except PermissionError:
        return problem_page(
            request,
            "Inloggningen är avstängd",
            "Utvecklingsinloggningen används inte i drift. Logga in med ditt SITHS-kort.",
            status_code=403,
            action=("/console/logga-in", "Till inloggningen"),
        )
    except InvalidClaims:
        return _login_form(
            request,
            values={"hsa-id": hsa_id, "roll": role, "enheter": units},
            errors={"hsa-id": "Det gick inte att logga in med de uppgifterna. Kontrollera HSA-id."},
            next_path=next_path,
            logged_out=False,
            status_code=422,
        )
    response = see_other(next_path)
    set_login_cookie(request, response, token)
    return response


@router.post("/logga-ut")
async def log_out(request: Request, staff: OptionalStaff) -> Response:
    form = await read_form(request)
    if staff is not None and form.get("csrf") != staff.csrf:
        return problem_page(
            request, "Formuläret har gått ut", "Ladda om sidan och försök logga ut igen.", status_code=400
        )
    response = see_other("/console/logga-in?utloggad=1")
    clear_login_cookie(response)
    return response
