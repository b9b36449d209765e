"""Limits on every request before a route sees it: body size, control characters, and JSON that only JSON allows.

A body over the limit answers 413; a NUL or other control character in the path or the query, or a NUL in a
form or JSON body, answers 400; JSON with NaN or Infinity (Python reads them, PostgreSQL and Kafka consumers do
not) answers 422. API paths answer with problem details, pages with a short Swedish page. The per-field rules
live in `fields`; this is the floor under them, so a field somebody forgot still cannot reach the database.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from html import escape as escape_html
from typing import Any
from urllib.parse import unquote_plus

from starlette.responses import HTMLResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .problems import API_PREFIX, problem

DEFAULT_MAX_BODY_BYTES = 256 * 1024
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_NUL_IN_FORM = re.compile(rb"%00|\x00")


class RequestRefused(Exception):
    def __init__(self, status: int, code: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.code, self.detail = status, code, detail


class RequestLimits:
    """ASGI middleware; `larger` gives paths (exact) that take bigger bodies, such as a file import."""

    def __init__(
        self,
        app: ASGIApp,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        larger: Mapping[str, int] | None = None,
        api_prefix: str = API_PREFIX,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.larger = dict(larger or {})
        self.api_prefix = api_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            _check_address(scope)
            body = await self._read_body(scope, receive)
            if body is not None:
                _check_body(scope, body)
        except RequestRefused as refused:
            await self._refuse(scope, refused, send)
            return
        if body is None:
            await self.app(scope, receive, send)
            return
        await self.app(scope, _replay(body, receive), send)

    async def _read_body(self, scope: Scope, receive: Receive) -> bytes | None:
        """The whole body, or None for a request that has none to read (GET, HEAD, and the like)."""
        limit = self.larger.get(scope["path"], self.max_body_bytes)
        declared = _header(scope, b"content-length")
        if declared is not None:
            if not declared.isdigit():
                raise RequestRefused(400, "invalid_request", "Content-Length är inte ett tal.")
            if int(declared) > limit:
                raise _too_large(limit)
        if scope["method"] in ("GET", "HEAD", "OPTIONS", "DELETE") and declared in (None, "0"):
            return None
        chunks, size, more = [], 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise _too_large(limit)
            chunks.append(chunk)
            more = message.get("more_body", False)
        return b"".join(chunks)

    async def _refuse(self, scope: Scope, refused: RequestRefused, send: Send) -> None:
        if scope["path"].startswith(self.api_prefix):
            response: Any = problem(refused.status, refused.detail, refused.code, instance=scope["path"])
        else:
            response = HTMLResponse(
                '<!doctype html><html lang="sv"><meta charset="utf-8"><title>Det gick inte</title>'
                f"<main><h1>Det gick inte</h1><p>{escape_html(refused.detail)}</p>"
                '<p><a href="javascript:history.back()">Gå tillbaka</a></p></main></html>',
                status_code=refused.status,
            )
        await response(scope, _nothing_more, send)


def _too_large(limit: int) -> RequestRefused:
    return RequestRefused(
        413,
        "request_too_large",
        f"Det som skickades är för stort: högst {limit // 1024} kB tas emot. Skicka mindre åt gången.",
    )


def _check_address(scope: Scope) -> None:
    query = scope.get("query_string", b"").decode("latin-1")
    if _CONTROL.search(scope["path"]) or _CONTROL.search(unquote_plus(query)):
        raise RequestRefused(
            400,
            "control_characters",
            "Adressen innehåller kontrolltecken (till exempel NUL) som inte går att använda. "
            "Ta bort dem och försök igen.",
        )


def _check_body(scope: Scope, body: bytes) -> None:
    content_type = (_header(scope, b"content-type") or "").split(";")[0].strip().lower()
    if content_type == "application/x-www-form-urlencoded" and _NUL_IN_FORM.search(body):
        raise RequestRefused(
            400,
            "control_characters",
            "Formuläret innehåller tecknet NUL, som inte går att spara. Ta bort det och försök igen.",
        )
    if content_type == "application/json" or content_type.endswith("+json"):
        try:
            holds_nul = _holds_nul(json.loads(body, parse_constant=_refuse_constant))
        except RequestRefused:
            raise
        except RecursionError:
            raise RequestRefused(400, "invalid_request", "JSON-datat är för djupt nästlat för att läsas.") from None
        except ValueError:
            return  # not JSON at all: the route's own reading says so in its words
        if holds_nul:
            raise RequestRefused(
                400,
                "control_characters",
                "Uppgifterna innehåller tecknet NUL, som inte går att spara. Ta bort det och försök igen.",
            )


def _refuse_constant(name: str) -> float:
    raise RequestRefused(422, "invalid_number", f"{name} är inte ett tal som går att använda. Ange ett vanligt tal.")


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(key) or _holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_nul(item) for item in value)
    return False


def _header(scope: Scope, name: bytes) -> str | None:
    headers: list[tuple[bytes, bytes]] = scope.get("headers", [])
    for key, value in headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


async def _nothing_more() -> Message:
    return {"type": "http.disconnect"}
