"""What every operations page shares: the layout, security headers, and the route class that turns
interruptions (no login, an expired form, a bad address) into pages."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException

from nara.shared.web.html import SECURITY_HEADERS, staff_header
from nara.shared.web.problems import TITLES
from nara.shared.web.routing import InterruptibleRoute

from .html import EMPTY, Safe, error_summary, fmt, render
from .session import FormExpired, LoginRequired, Staff, login_location
from .swedish import unit_name

PRODUCT = "Nära drift"


def user_area(staff: Staff | None) -> Safe:
    if staff is None:
        return EMPTY
    units = ", ".join(unit_name(u) for u in staff.units)
    return staff_header(who=staff.caller.subject, role="drift", units=units, logout="/ops/logga-ut", csrf=staff.csrf)


def page(
    *,
    title: str,
    body: Safe,
    staff: Staff | None,
    errors: Sequence[tuple[str, str]] = (),
    status_code: int = 200,
    banner: Safe = EMPTY,
) -> HTMLResponse:
    """A whole page: skip link, header with who is logged in, error summary, then the body."""
    document = render(
        "layout.html",
        title=("Fel: " if errors else "") + f"{title} – {PRODUCT}",
        user=user_area(staff),
        banner=banner,
        error_summary=error_summary(errors),
        body=body,
    )
    return HTMLResponse(document, status_code=status_code, headers=SECURITY_HEADERS)


def problem_page(
    request: Request,
    title: str,
    message: str,
    *,
    status_code: int,
    action: tuple[str, str] = ("/ops", "Till driftsidan"),
) -> HTMLResponse:
    body = fmt(
        '<h1 class="heading-l">$title</h1><p class="body">$message</p>'
        '<p><a class="button button-secondary" href="$href">$text</a></p>',
        title=title,
        message=message,
        href=action[0],
        text=action[1],
    )
    return page(title=title, body=body, staff=getattr(request.state, "staff", None), status_code=status_code)


def see_other(location: str) -> RedirectResponse:
    return RedirectResponse(location, status_code=303, headers={"Cache-Control": "no-store"})


class OpsRoute(InterruptibleRoute):
    """Operations pages answer with pages: a missing login redirects, and a refusal is a Swedish sentence."""

    def answer(self, request: Request, error: Exception) -> Response | None:
        if isinstance(error, LoginRequired):
            return see_other(login_location(error.back_to))
        if isinstance(error, FormExpired):
            return problem_page(
                request,
                "Formuläret har gått ut",
                "Formuläret hörde till en annan inloggning, så inget har ändrats. Ladda om sidan och försök igen.",
                status_code=400,
            )
        if isinstance(error, RequestValidationError):
            return problem_page(
                request,
                "Adressen stämmer inte",
                "Något i adressen går inte att läsa, till exempel ett datum. Gå till driftsidan och försök igen.",
                status_code=400,
            )
        if isinstance(error, HTTPException) and 400 <= error.status_code < 500:  # e.g. another unit's file
            return problem_page(
                request,
                TITLES.get(error.status_code, "Det gick inte"),
                str(error.detail),
                status_code=error.status_code,
            )
        return None
