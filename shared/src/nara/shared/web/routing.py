"""Route classes for server-rendered pages: interruptions raised in a handler become pages, not 500s."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, ClassVar

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from .pages import PageKit, see_other
from .problems import TITLES
from .session import FormExpired, LoginRequired, login_location


class InterruptibleRoute(APIRoute):
    """Subclasses answer an exception with a page (or a redirect), or with None to let it rise."""

    def answer(self, request: Request, error: Exception) -> Response | None:
        return None

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except Exception as error:
                response = self.answer(request, error)
                if response is None:
                    raise
                return response

        return page_handler


class PageRoute(InterruptibleRoute):
    """The kit's page route: no login sends the person to log in, an expired form, an address that cannot be read
    and a refusal (a 4xx) each answer a short Swedish page of the app. An app sets the class attributes in a
    subclass, and extends `answer` for its own interruptions (calling super().answer last)."""

    kit: ClassVar[PageKit]
    login_home: ClassVar[str] = ""  # the login is at {login_home}/logga-in
    bad_address: ClassVar[str] = "Något i adressen går inte att läsa, till exempel ett datum. Försök igen."

    def answer(self, request: Request, error: Exception) -> Response | None:
        if isinstance(error, LoginRequired):
            return see_other(login_location(error.back_to, self.login_home))
        if isinstance(error, FormExpired):
            return self.kit.problem_page(
                request,
                "Formuläret har gått ut",
                "Formuläret hörde till en annan inloggning, så inget har ändrats. Ladda om sidan och försök igen.",
                status_code=400,
            )
        if isinstance(error, RequestValidationError):
            return self.kit.problem_page(request, "Adressen stämmer inte", self.bad_address, status_code=400)
        if isinstance(error, HTTPException) and 400 <= error.status_code < 500:  # e.g. another unit's file
            title = TITLES.get(error.status_code, "Det gick inte")
            return self.kit.problem_page(request, title, str(error.detail), status_code=error.status_code)
        return None
