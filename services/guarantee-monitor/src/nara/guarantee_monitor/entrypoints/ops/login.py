"""The development login for operations staff (it stands in for SITHS), and logging out."""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from fastapi.responses import Response

from nara.shared.identity import InvalidClaims, issue_dev_token

from .common import OpsRoute, page, problem_page, see_other
from .html import EMPTY, button, checkboxes, fmt, hidden, text_input
from .session import (
    OptionalStaff,
    clear_login_cookie,
    login_csrf,
    read_form,
    safe_ops_path,
    same_token,
    set_login_cookie,
)
from .swedish import UNITS

router = APIRouter(prefix="/ops", route_class=OpsRoute)

HSA_ID = re.compile(r"^SE[0-9]{10}-[A-Z0-9]{1,31}$")
EXAMPLE = "SE2321000115-P000000701"


def _login_form(
    request: Request, *, values: dict, errors: dict[str, str], next_path: str, logged_out: bool, status_code: int = 200
) -> Response:
    banner = (
        fmt(
            '<div class="banner" role="status" tabindex="-1" data-banner><p class="banner-text">'
            "Du är utloggad.</p></div>"
        )
        if logged_out
        else EMPTY
    )
    body = fmt(
        '<h1 class="heading-l">Logga in på driftsidan</h1>'
        '<p class="body">Driftsidan visar vårdgarantins läge på dina enheter: kontakter i risk, passerade gränser '
        "och hur stor andel som bedöms i tid. I utvecklingsmiljön väljer du själv vem du är. I drift loggar du in "
        "med SITHS-kort.</p>"
        '<form method="post" action="/ops/logga-in" novalidate>$csrf$next$hsa$units$submit</form>',
        csrf=hidden("csrf", login_csrf(request)),
        next=hidden("nasta", next_path),
        hsa=text_input(
            "hsa-id",
            "HSA-id",
            value=values.get("hsa-id", ""),
            error=errors.get("hsa-id"),
            hint=f"Till exempel {EXAMPLE}.",
        ),
        units=checkboxes(
            "enheter",
            "Enheter du följer",
            list(UNITS.items()),
            checked=values.get("enheter", []),
            error=errors.get("enheter"),
            hint="Välj en eller flera.",
        ),
        submit=button("Logga in"),
    )
    ordered = [(field, errors[field]) for field in ("hsa-id", "enheter") if field in errors]
    return page(title="Logga in", body=body, staff=None, errors=ordered, status_code=status_code, banner=banner)


@router.get("/logga-in")
async def login_page(request: Request, nasta: str = "/ops", utloggad: str | None = None) -> Response:
    return _login_form(request, values={}, errors={}, next_path=safe_ops_path(nasta), logged_out=bool(utloggad))


@router.post("/logga-in")
async def log_in(request: Request) -> Response:
    form = await read_form(request)
    if not same_token(login_csrf(request), form.get("csrf")):
        return problem_page(
            request,
            "Formuläret har gått ut",
            "Ladda om inloggningssidan och försök igen.",
            status_code=400,
            action=("/ops/logga-in", "Till inloggningen"),
        )
    hsa_id = form.get("hsa-id").upper()
    units = [unit for unit in UNITS if unit in form.all("enheter")]
    errors = {}
    if not hsa_id:
        errors["hsa-id"] = f"Skriv ditt HSA-id, till exempel {EXAMPLE}."
    elif not HSA_ID.match(hsa_id):
        errors["hsa-id"] = f"HSA-id ska börja med SE, tio siffror och ett bindestreck, till exempel {EXAMPLE}."
    if not units:
        errors["enheter"] = "Välj minst en enhet du följer."
    next_path = safe_ops_path(form.get("nasta"))
    if errors:
        return _login_form(
            request,
            values={"hsa-id": form.get("hsa-id"), "enheter": units},
            errors=errors,
            next_path=next_path,
            logged_out=False,
            status_code=422,
        )
    try:
        token = issue_dev_token("ops", hsa_id, units)
    except PermissionError:
        return problem_page(
            request,
            "Inloggningen är avstängd",
            "Utvecklingsinloggningen används inte i drift. Logga in med ditt SITHS-kort.",
            status_code=403,
            action=("/ops/logga-in", "Till inloggningen"),
        )
    except InvalidClaims:
        return _login_form(
            request,
            values={"hsa-id": hsa_id, "enheter": units},
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
    if staff is not None and not same_token(staff.csrf, form.get("csrf")):
        return problem_page(
            request, "Formuläret har gått ut", "Ladda om sidan och försök logga ut igen.", status_code=400
        )
    response = see_other("/ops/logga-in?utloggad=1")
    clear_login_cookie(response)
    return response
