"""What every console page shares: the layout, the route class that turns interruptions into pages,
and running a use case in one transaction."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from nara.shared.care_guarantee import CareGuaranteePolicy
from nara.shared.web.html import SECURITY_HEADERS, staff_header
from nara.shared.web.routing import InterruptibleRoute

from ...adapters.booking_client import BookingClient, BookingRefused, BookingUnavailable
from ...adapters.monitor_client import Clock, MonitorClient, MonitorUnavailable
from ...domain.contacts import ContactRefused
from ...domain.engine import GuidelineGapError
from ...service.unit_of_work import UnitOfWork
from ..problems import status_of
from ..transactions import units_of
from .html import EMPTY, Safe, error_summary, fmt, join, link_button, render
from .session import FormExpired, LoginRequired, Staff, login_location
from .swedish import ROLES, unit_name

log = logging.getLogger(__name__)
PRODUCT = "Nära triagekonsol"

# Fixed messages shown after an action (?klart=...), so no text from the address reaches the page.
DONE = {
    "registrerad": "Kontakten är registrerad. Ställ frågorna nedan.",
    "triagerad": "Kontakten är triagerad. Beslutet och skälen står nedan.",
    "avvikelse": "Avvikelsen är sparad med din motivering.",
    "bedomd": "Den medicinska bedömningen är registrerad. Vårdgarantins klocka har stannat.",
    "avslutad": "Kontakten är avslutad.",
    "listning": "Listningen är sparad i listningsregistret.",
}


def navigation(staff: Staff | None, active: str | None) -> Safe:
    if staff is None:
        return EMPTY
    links = [("ko", "/console", "Kö"), ("ny", "/console/kontakter/ny", "Ny kontakt")]
    items = join(
        fmt(
            '<li class="nav-item"><a class="nav-link" href="$href"$current>$text</a></li>',
            href=href,
            text=text,
            current=Safe(' aria-current="page"') if key == active else EMPTY,
        )
        for key, href, text in links
    )
    return fmt(
        '<nav class="nav" aria-label="Konsolen"><div class="width-container"><ul class="nav-list">$items'
        "</ul></div></nav>",
        items=items,
    )


def user_area(staff: Staff | None) -> Safe:
    if staff is None:
        return EMPTY
    units = ", ".join(unit_name(u) for u in staff.units)
    return staff_header(
        who=staff.caller.subject,
        role=ROLES.get(staff.role, staff.role),
        units=units,
        logout="/console/logga-ut",
        csrf=staff.csrf,
    )


def page(
    request: Request,
    *,
    title: str,
    body: Safe,
    staff: Staff | None,
    active: str | None = None,
    errors: Sequence[tuple[str | None, str]] = (),
    status_code: int = 200,
    done: str | None = None,
) -> HTMLResponse:
    """A whole page: skip link, header with who is logged in, navigation, error summary, then the body."""
    banner = EMPTY
    if done in DONE:
        banner = fmt(
            '<div class="banner banner-success" role="alert" aria-labelledby="banner-title" tabindex="-1" '
            'data-banner><h2 class="banner-title" id="banner-title">Klart</h2>'
            '<p class="banner-text">$text</p></div>',
            text=DONE[done],
        )
    document = render(
        "layout.html",
        title=("Fel: " if errors else "") + f"{title} – {PRODUCT}",
        navigation=navigation(staff, active),
        user=user_area(staff),
        banner=banner,
        error_summary=error_summary(errors),
        body=body,
    )
    return HTMLResponse(document, status_code=status_code, headers=SECURITY_HEADERS)


def problem_page(
    request: Request, title: str, message: str, *, status_code: int, action: tuple[str, str] | None = None
) -> HTMLResponse:
    staff = getattr(request.state, "staff", None)
    back = action or ("/console", "Till kön")
    body = fmt(
        '<h1 class="heading-l">$title</h1><p class="body">$message</p><p>$button</p>',
        title=title,
        message=message,
        button=link_button(back[0], back[1], kind="secondary"),
    )
    return page(request, title=title, body=body, staff=staff, status_code=status_code)


def booking_unavailable_page(request: Request) -> HTMLResponse:
    return problem_page(
        request,
        "Bokningen svarar inte just nu",
        "Det gick inte att nå bokningssystemet, så ingen tid är bokad. Kontakten och triagebeslutet är sparade. "
        "Försök igen om en stund, eller boka tiden i journalsystemet.",
        status_code=503,
        action=(request.url.path, "Försök igen"),
    )


class ConsoleRoute(InterruptibleRoute):
    """Console pages answer with pages: a missing login redirects, and a refusal is a Swedish sentence, not a 500."""

    def answer(self, request: Request, error: Exception) -> Response | None:
        if isinstance(error, LoginRequired):
            return RedirectResponse(login_location(error.back_to), status_code=303)
        if isinstance(error, FormExpired):
            return problem_page(
                request,
                "Formuläret har gått ut",
                "Formuläret hörde till en annan inloggning, så inget har ändrats. "
                "Gå tillbaka, ladda om sidan och försök igen.",
                status_code=400,
            )
        if isinstance(error, BookingUnavailable):
            log.warning("booking service unavailable", extra={"failure": str(error)})
            return booking_unavailable_page(request)
        if isinstance(error, ContactRefused):
            return problem_page(request, "Det gick inte", error.message, status_code=status_of(error))
        if isinstance(error, GuidelineGapError):
            log.exception("guidelines do not cover a case")
            return problem_page(
                request,
                "Riktlinjerna täcker inte svaren",
                "Ingen regel i riktlinjerna passar de här svaren. Bedöm patienten enligt "
                "rutin och meddela den som ansvarar för riktlinjerna.",
                status_code=409,
            )
        if isinstance(error, RequestValidationError):
            return problem_page(
                request, "Sidan finns inte", "Adressen stämmer inte. Gå till kön och försök igen.", status_code=404
            )
        return None


async def in_transaction(request: Request, action: Callable[[UnitOfWork], Awaitable[Any]]) -> Any:
    """Run one use case in its own unit of work; a ContactRefused rolls it back and propagates."""
    async with units_of(request).start() as uow:
        return await action(uow)


def now_of(request: Request) -> datetime:
    return request.app.state.clock.now()


def policy_of(request: Request) -> CareGuaranteePolicy:
    """The one care guarantee policy (national and regional deadlines) every service asks."""
    return request.app.state.policy


def booking(request: Request, staff: Staff) -> BookingClient:
    return BookingClient(request.app.state.settings.booking_url, staff.token)


async def future_bookings(request: Request, staff: Staff, contact: dict) -> list[dict] | None:
    """The contact's booked times still ahead, from booking; None when booking does not answer."""
    try:
        return await booking(request, staff).future_appointments_of_contact(contact["id"], now_of(request))
    except (BookingUnavailable, BookingRefused) as failure:
        log.warning("could not read the contact's bookings", extra={"failure": str(failure)})
        return None


def monitor(request: Request, staff: Staff) -> MonitorClient:
    settings = request.app.state.settings
    return MonitorClient(settings.guarantee_monitor_url, staff.token, settings.guarantee_monitor_timeout_seconds)


async def monitor_clocks(request: Request, staff: Staff, units: Sequence[str]) -> dict[str, Clock] | None:
    """The monitor's clocks at these units by contact id, or None when the monitor does not answer."""
    client = monitor(request, staff)
    try:
        found = await asyncio.gather(*(client.clocks_at(unit) for unit in units))
    except MonitorUnavailable as failure:
        log.warning(
            "guarantee monitor unavailable; the console shows its own computation", extra={"failure": str(failure)}
        )
        return None
    return {contact_id: clock for clocks in found for contact_id, clock in clocks.items()}


async def monitor_clock(request: Request, staff: Staff, contact_id: str) -> tuple[Clock | None, bool]:
    """(the contact's clock or None, whether the monitor answered)."""
    try:
        return await monitor(request, staff).clock(contact_id), True
    except MonitorUnavailable as failure:
        log.warning(
            "guarantee monitor unavailable; the console shows its own computation", extra={"failure": str(failure)}
        )
        return None, False


MONITOR_SILENT = (
    "Vårdgarantins övervakning svarar inte just nu. Tiderna här är triagens egen beräkning med "
    "samma regler, och bokade tider syns inte. Sidan visar övervakningens klockor igen när den svarar."
)


def monitor_note(answered: bool) -> Safe:
    """A visible note when the monitor did not answer (the times are triage's own)."""
    if answered:
        return EMPTY
    return fmt(
        '<div class="inset inset-warning" data-monitor="silent"><p class="body">$text</p></div>', text=MONITOR_SILENT
    )


def see_other(location: str) -> RedirectResponse:
    return RedirectResponse(location, status_code=303)
