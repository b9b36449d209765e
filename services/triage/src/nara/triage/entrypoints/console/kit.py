"""The console's pages on the shared page kit: its site, templates, staff login and the route class that turns
interruptions (a refusal, booking not answering, a gap in the guidelines) into Swedish pages."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup

from nara.shared.web.login import Staff, StaffLogin
from nara.shared.web.pages import Choice, PageKit, Site
from nara.shared.web.routing import PageRoute
from nara.shared.web.swedish import UNITS

from ...adapters.booking_client import BookingUnavailable
from ...domain.contacts import ContactRefused
from ...domain.engine import GuidelineGapError
from ..problems import status_of
from .swedish import DONE, ROLES, parse_time, personnummer_text, slot_label

log = logging.getLogger(__name__)
HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"

SITE = Site(
    name="Nära",
    product="triagekonsol",
    home="/console",
    home_link="Till kön",
    stylesheets=["/console/kit/staff.css"],
    scripts=["/console/static/console.js"],
    html_class="no-js",
)
# The login's roles and units with a line under each (the kit's login gives only their names).
ROLE_HINTS = {
    "reception": "Registrerar, triagerar, bokar och avslutar kontakter.",
    "clinician": "Som reception, och registrerar dessutom medicinska bedömningar.",
}
LOGIN_ROLES = [Choice(role, ROLES[role], hint) for role, hint in ROLE_HINTS.items()]

KIT = PageKit(
    HERE / "templates",
    SITE,
    filters={"moment": parse_time, "personnummer": personnummer_text, "slot": slot_label},
    template_globals={
        "Choice": Choice,
        "ROLES": ROLES,
        "DONE": DONE,
        "LOGIN_ROLES": LOGIN_ROLES,
    },
)


def fragment(macro: str, *args: object) -> Markup:
    """One of parts.html's macros rendered on its own, for markup a page's Python hands on (a free time's tag)
    and for tests of what a queue row, a meter or a decision shows."""
    parts = KIT.templates.env.get_template("parts.html").module
    rendered: Markup = getattr(parts, macro)(*args)  # a macro of an autoescaping environment answers Markup
    return rendered


LOGIN = StaffLogin(
    home="/console",
    cookie="nara_console",
    purpose="console-csrf",
    key_variable="TRIAGE_CONSOLE_SECRET",
    units=UNITS,
    roles={role: ROLES[role] for role in ROLE_HINTS},
    example_hsa_id="SE2321000115-P000000101",
    units_error="Välj minst en enhet du arbetar på.",
    role_error="Välj din roll: reception eller legitimerad personal.",
    max_form_bytes=32_768,
)

CurrentStaff = Annotated[Staff, Depends(LOGIN.current_staff)]


def form_page(
    request: Request,
    template: str,
    *,
    title: str,
    errors: list[tuple[str | None, str]],
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """A page with a form: each error in the summary, and those of a field beside it (field_errors)."""
    return KIT.render(
        request,
        template,
        status_code=status_code,
        title=title,
        errors=errors,
        **context,
    )


def booking_unavailable_page(request: Request) -> HTMLResponse:
    return KIT.problem_page(
        request,
        "Bokningen svarar inte just nu",
        "Det gick inte att nå bokningssystemet, så ingen tid är bokad. Kontakten och triagebeslutet är sparade. "
        "Försök igen om en stund, eller boka tiden i journalsystemet.",
        status_code=503,
        action=(request.url.path, "Försök igen"),
    )


class ConsoleRoute(PageRoute):
    """Console pages answer with pages: a missing login redirects, and a refusal is a Swedish sentence, not a 500."""

    kit = KIT
    login_home = "/console"

    def answer(self, request: Request, error: Exception) -> Response | None:
        if isinstance(error, BookingUnavailable):
            log.warning("booking service unavailable", extra={"failure": str(error)})
            return booking_unavailable_page(request)
        if isinstance(error, ContactRefused):
            return KIT.problem_page(request, "Det gick inte", error.message, status_code=status_of(error))
        if isinstance(error, GuidelineGapError):
            log.exception("guidelines do not cover a case")
            return KIT.problem_page(
                request,
                "Riktlinjerna täcker inte svaren",
                "Ingen regel i riktlinjerna passar de här svaren. Bedöm patienten enligt "
                "rutin och meddela den som ansvarar för riktlinjerna.",
                status_code=409,
            )
        if isinstance(error, RequestValidationError):  # a contact id that is no id: no such page
            return KIT.problem_page(
                request, "Sidan finns inte", "Adressen stämmer inte. Gå till kön och försök igen.", status_code=404
            )
        return super().answer(request, error)
