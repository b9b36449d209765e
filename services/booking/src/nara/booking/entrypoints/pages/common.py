"""What every page route shares: the route class that turns interruptions into pages, the layout with
navigation and next step, and running a use case in a transaction."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from nara.shared.web.fields import no_control_characters, no_personnummer
from nara.shared.web.routing import InterruptibleRoute

from ...adapters.triage_client import TriageClient, TriageRefused, TriageUnavailable
from ...domain.errors import BookingRefused
from ...service.unit_of_work import UnitOfWork
from ..transactions import Outcome, Result, run_once
from ..wiring import unit_of_work
from .next_step import next_step, static_step
from .rendering import Safe, fmt, link_button, page, render
from .session import Citizen, FormExpired, LoginRequired, login_location, read_flow, safe_local_path


class NotYourChildAnyMore(Exception):
    """The flow is for a child the citizen is no longer guardian of (custody ended, or the child turned 18)."""


class PageRoute(InterruptibleRoute):
    """Pages answer with pages: a missing login redirects, and a failing neighbour is a Swedish sentence, not a 500."""

    def answer(self, request: Request, error: Exception) -> Response | None:
        if isinstance(error, LoginRequired):
            return RedirectResponse(login_location(error.back_to), status_code=303)
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
                return RedirectResponse(login_location(None), status_code=303)
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
        return None


def free_text_error(text: str, max_length: int) -> str | None:
    """What is wrong with text a person typed, in Swedish, for beside its field; None when it may be kept."""
    if len(text) > max_length:
        return f"Skriv högst {max_length} tecken. Nu är det {len(text)}."
    for rule in (no_control_characters, no_personnummer):
        try:
            rule(text)
        except ValueError as wrong:
            return str(wrong)
    return None


def triage(request: Request) -> TriageClient:
    return TriageClient(request.app.state.settings.triage_url)


def now_of(request: Request) -> datetime:
    return request.app.state.clock.now()


def navigation(citizen: Citizen | None, active: str | None = None) -> Safe:
    if citizen is None:
        return Safe("")
    current = Safe(' aria-current="page"')
    return render(
        "navigation.html",
        csrf=citizen.csrf,
        book_current=current if active == "book" else Safe(""),
        mine_current=current if active == "mine" else Safe(""),
    )


async def show(
    request: Request,
    citizen: Citizen,
    *,
    title: str,
    body: Safe,
    errors: Sequence[tuple[str | None, str]] = (),
    status_code: int = 200,
    flow: dict | None = None,
    active: str | None = None,
    banner: Safe = Safe(""),
) -> HTMLResponse:
    """A logged-in page, with the citizen's next step worked out from their bookings and flow."""
    flow = read_flow(request, citizen) if flow is None else flow
    step = await next_step(request, citizen.pseudonym, flow, now_of(request))
    return page(
        title=title,
        body=body,
        next_step=step,
        navigation=navigation(citizen, active),
        errors=errors,
        banner=banner,
        status_code=status_code,
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
    citizen = getattr(request.state, "citizen", None)
    body = fmt(
        '<h1 class="heading-l">$title</h1><p class="body">$sentence</p>$action',
        title=title,
        sentence=sentence,
        action=link_button(*action) if action else Safe(""),
    )
    return page(
        title=title, body=body, next_step=static_step(step), navigation=navigation(citizen), status_code=status_code
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


async def attempt(
    request: Request, action: Callable[[UnitOfWork], Awaitable[Any]]
) -> tuple[Any, BookingRefused | None]:
    """Run a use case in one unit of work; a refusal rolls it back and is returned, not raised."""
    try:
        async with unit_of_work(request) as uow:
            return await action(uow), None
    except BookingRefused as refused:
        return None, refused


async def attempt_once(
    request: Request,
    citizen: Citizen,
    key: str,
    description: dict[str, Any],
    action: Callable[[UnitOfWork], Awaitable[Result]],
    render: Callable[[Result], Any],
) -> Outcome[Result]:
    """Like the API: a repeated submit with the same key gets the first answer, so a double click books once.
    `render` is what the record keeps for a repeat (the API's shape of the result)."""
    return await run_once(
        unit_of_work(request),
        action,
        render,
        caller=citizen.pseudonym,
        idempotency_key=f"web:{key}",
        request=description,
        now=now_of(request),
    )
