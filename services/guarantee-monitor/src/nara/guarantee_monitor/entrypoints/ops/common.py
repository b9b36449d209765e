"""What every operations page shares: the layout, security headers, and the route class that turns
interruptions (no login, an expired form, a bad address) into pages."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute

from .html import EMPTY, Safe, error_summary, fmt, render
from .session import FormExpired, LoginRequired, Staff, login_location
from .swedish import unit_name

PRODUCT = "Nära drift"

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; "
                               "frame-ancestors 'none'",
    "Cache-Control": "no-store",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
}


def user_area(staff: Staff | None) -> Safe:
    if staff is None:
        return EMPTY
    units = ", ".join(unit_name(u) for u in staff.units)
    return fmt('<div class="header-user"><p class="header-who">Inloggad: <strong>$who</strong>, drift<br>'
               '<span class="header-units">$units</span></p><form method="post" action="/ops/logga-ut">'
               '<input type="hidden" name="csrf" value="$csrf"><button type="submit" class="button button-header">'
               'Logga ut</button></form></div>', who=staff.caller.subject, units=units, csrf=staff.csrf)


def page(*, title: str, body: Safe, staff: Staff | None, errors: Sequence[tuple[str, str]] = (),
         status_code: int = 200, banner: Safe = EMPTY) -> HTMLResponse:
    """A whole page: skip link, header with who is logged in, error summary, then the body."""
    document = render("layout.html", title=("Fel: " if errors else "") + f"{title} – {PRODUCT}",
                      user=user_area(staff), banner=banner, error_summary=error_summary(errors), body=body)
    return HTMLResponse(document, status_code=status_code, headers=SECURITY_HEADERS)


def problem_page(request: Request, title: str, message: str, *, status_code: int,
                 action: tuple[str, str] = ("/ops", "Till driftsidan")) -> HTMLResponse:
    body = fmt('<h1 class="heading-l">$title</h1><p class="body">$message</p>'
               '<p><a class="button button-secondary" href="$href">$text</a></p>',
               title=title, message=message, href=action[0], text=action[1])
    return page(title=title, body=body, staff=getattr(request.state, "staff", None), status_code=status_code)


def see_other(location: str) -> RedirectResponse:
    return RedirectResponse(location, status_code=303, headers={"Cache-Control": "no-store"})


class OpsRoute(APIRoute):
    """Operations pages answer with pages: a missing login redirects, and a refusal is a Swedish sentence."""

    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except LoginRequired as missing:
                return see_other(login_location(missing.back_to))
            except FormExpired:
                return problem_page(request, "Formuläret har gått ut",
                                    "Formuläret hörde till en annan inloggning, så inget har ändrats. "
                                    "Ladda om sidan och försök igen.", status_code=400)
            except RequestValidationError:
                return problem_page(request, "Adressen stämmer inte",
                                    "Något i adressen går inte att läsa, till exempel ett datum. "
                                    "Gå till driftsidan och försök igen.", status_code=400)

        return page_handler
