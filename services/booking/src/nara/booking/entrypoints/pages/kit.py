"""The citizens' pages on the shared page kit: their site, templates, route class and one way to show a page.

Every logged-in page shows the menu, and "Ditt nästa steg" where next_step.py says it belongs; a page that
cannot go on (no triage, not the child's guardian any more, an expired form) is a short Swedish page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response

from nara.shared.web.pages import PageKit, Site, see_other
from nara.shared.web.routing import PageRoute

from ...adapters.triage_client import TriageRefused, TriageUnavailable
from ..wiring import now_of
from . import swedish
from .next_step import NextStep, step_for_page
from .session import Citizen, Flow, FormExpired, login_location, read_flow, safe_local_path

HERE = Path(__file__).parent
STATIC_DIR = HERE / "static"

SITE = Site(
    name="Nära",
    product="webbtidbok",
    home="/",
    home_link="Till startsidan",
    stylesheets=["/static/booking/nara.css"],
    scripts=["/static/booking/nara.js"],
    main_id="innehall",
)


@dataclass(frozen=True)
class Region:
    """The region the pages serve, for the header (BOOKING_REGION_PUBLIC_NAME, BOOKING_REGION_LOGO_URL)."""

    name: str
    logo_url: str


def region_of(request: Request) -> Region:
    settings = request.app.state.settings
    return Region(settings.region_public_name, settings.region_logo_url)


KIT = PageKit(
    HERE / "templates",
    SITE,
    filters={"appointment_status": swedish.status},
    template_globals={"region_of": region_of},
)

Errors = Sequence[tuple[str | None, str]]


class NotYourChildAnyMore(Exception):
    """The flow is for a child the citizen is no longer guardian of (custody ended, or the child turned 18)."""


class BookingRoute(PageRoute):
    """Pages answer with pages: a missing login redirects, and a failing neighbour is a Swedish sentence, not a 500."""

    kit = KIT
    login_home = ""  # the citizens' login is /logga-in

    def answer(self, request: Request, error: Exception) -> Response | None:
        if isinstance(error, NotYourChildAnyMore):
            return problem_page(
                request,
                "Du kan inte söka vård för barnet här",
                "Vi kan inte se att du är vårdnadshavare för barnet, eller så har barnet fyllt "
                "18 år. Börja om och välj vem besöket gäller.",
                status_code=403,
                action=("/besvar/vem", "Börja om"),
            )
        if isinstance(error, FormExpired):
            return problem_page(
                request,
                "Sidan har gått ut",
                "Formuläret hade gått ut, så inget har ändrats. Gå tillbaka och försök igen.",
                status_code=400,
            )
        if isinstance(error, TriageUnavailable):
            return triage_unavailable_page(request)
        if isinstance(error, TriageRefused):
            if error.status == 401:
                return see_other(login_location(None))
            return problem_page(
                request,
                "Vi kunde inte bedöma ditt ärende",
                "Bedömningstjänsten kunde inte ta emot uppgifterna. Börja om och försök igen, "
                "eller ring 1177 om du behöver råd.",
                status_code=409,
                action=("/besvar", "Börja om"),
            )
        if isinstance(error, RequestValidationError):
            return problem_page(
                request,
                "Sidan finns inte",
                "Adressen stämmer inte. Gå till startsidan och försök igen.",
                status_code=404,
            )
        return super().answer(request, error)


async def show(
    request: Request,
    citizen: Citizen,
    template: str,
    *,
    title: str,
    errors: Errors = (),
    status_code: int = 200,
    flow: Flow | None = None,
    active: str | None = None,
    **context: Any,
) -> HTMLResponse:
    """A logged-in page, with the citizen's next step where it is shown (next_step.py)."""
    flow = read_flow(request, citizen) if flow is None else flow
    step = await step_for_page(request, citizen.pseudonym, flow, now_of(request), template)
    return render(
        request,
        template,
        title=title,
        errors=errors,
        status_code=status_code,
        citizen=citizen,
        active=active,
        next_step=step,
        **context,
    )


def render(
    request: Request,
    template: str,
    *,
    title: str,
    next_step: NextStep | None,
    errors: Errors = (),
    status_code: int = 200,
    citizen: Citizen | None = None,
    active: str | None = None,
    **context: Any,
) -> HTMLResponse:
    """A page in the citizens' layout: the menu when someone is logged in, the next step, the page itself."""
    return KIT.render(
        request,
        template,
        status_code=status_code,
        title=title,
        errors=list(errors),
        citizen=citizen,
        active=active,
        next_step=next_step,
        **context,
    )


def problem_page(
    request: Request,
    title: str,
    sentence: str,
    *,
    status_code: int,
    action: tuple[str, str] | None = None,
    step: str = "Försök igen om en stund.",
) -> HTMLResponse:
    """A page for something that went wrong, readable without anything else working."""
    return render(
        request,
        "problem.html",
        title=title,
        sentence=sentence,
        action=action,
        next_step=NextStep(step),
        citizen=getattr(request.state, "citizen", None),
        status_code=status_code,
    )


def triage_unavailable_page(request: Request) -> HTMLResponse:
    # After a form, "try again" leads back to the page the form was on (only its path: never another site).
    again = request.url.path if request.method == "GET" else urlsplit(request.headers.get("referer", "")).path
    again = safe_local_path(again) if again else "/besvar"
    return problem_page(
        request,
        "Det går inte att göra en bedömning just nu",
        "Tjänsten som bedömer dina besvär svarar inte just nu. Inget av det du har skrivit har skickats. "
        "Försök igen om en stund. Behöver du råd nu, ring 1177.",
        status_code=503,
        action=(again, "Försök igen"),
        step="Försök igen om en stund, eller ring 1177 om du behöver råd nu.",
    )
