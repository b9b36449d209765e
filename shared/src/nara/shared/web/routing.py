"""A route class for server-rendered pages: interruptions raised in a handler become pages, not 500s."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Request
from fastapi.responses import Response
from fastapi.routing import APIRoute


class InterruptibleRoute(APIRoute):
    """Subclasses answer an exception with a page (or a redirect), or with None to let it rise."""

    def answer(self, request: Request, error: Exception) -> Response | None:
        return None

    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
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
