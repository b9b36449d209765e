"""Signed values for the pages: CSRF tokens, signed cookie payloads, login cookies and form bodies.

A login is a JWT in an HttpOnly cookie, checked like a bearer token. A form's CSRF token is an HMAC
of that session's token, so it needs no storage and dies with the session; tokens are compared in constant time.
These are the primitives under the kit's login (nara.shared.web.login): staff apps use StaffLogin; the citizens'
booking pages build their personnummer login on the same primitives.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import Any, Literal
from urllib.parse import parse_qsl, quote

from fastapi import Request
from fastapi.responses import Response

from nara.shared.identity import Caller, IdentitySettings, TokenError, verify_token


class LoginRequired(Exception):
    """No valid login: the page sends the person to the login page."""

    def __init__(self, back_to: str | None = None):
        super().__init__("login required")
        self.back_to = back_to


class FormExpired(Exception):
    """A form came back without this session's CSRF token."""


def process_key(request: Request, attribute: str, configured: str | None) -> bytes:
    """The app's signing key, kept on app.state: the configured secret, else random per process."""
    state = request.app.state
    key = getattr(state, attribute, None)
    if key is None:
        key = configured.encode() if configured else secrets.token_bytes(32)
        setattr(state, attribute, key)
    return key


def csrf_token(key: bytes, session: str, purpose: str = "csrf") -> str:
    """The CSRF token of one session: an HMAC of it under a purpose."""
    return hmac.new(key, f"{purpose}|".encode() + session.encode(), hashlib.sha256).hexdigest()


def csrf_matches(key: bytes, session: str | None, submitted: str | None, purpose: str = "csrf") -> bool:
    if not session or not submitted:
        return False
    return hmac.compare_digest(csrf_token(key, session, purpose), submitted)


def same_token(expected: str, given: str) -> bool:
    """A constant-time comparison of two tokens (no timing tells how much of a guess matched); empty never does."""
    return bool(expected) and hmac.compare_digest(expected.encode(), given.encode())


def sign(key: bytes, purpose: str, payload: dict[str, Any]) -> str:
    """A JSON payload as 'body.mac', for a cookie the browser must not change."""
    body = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")
    mac = hmac.new(key, f"{purpose}|{body}".encode(), hashlib.sha256).hexdigest()
    return f"{body}.{mac}"


def unsign(key: bytes, purpose: str, value: str | None) -> dict[str, Any] | None:
    """The payload if the signature holds, else None."""
    if not value or "." not in value:
        return None
    body, mac = value.rsplit(".", 1)
    expected = hmac.new(key, f"{purpose}|{body}".encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, mac):
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
    except ValueError:
        return None
    return payload if isinstance(payload, dict) else None


def cookie_caller(
    request: Request,
    cookie: str,
    settings: IdentitySettings,
    now: datetime,
    accepts: Callable[[Caller], bool] = lambda caller: caller.is_staff,
) -> tuple[Caller, str] | None:
    """Who is logged in with the cookie, and their token; None without a valid login of the kind accepted."""
    token = request.cookies.get(cookie)
    if not token:
        return None
    try:
        caller = verify_token(token, settings, now=now)
    except TokenError:
        return None
    if not accepts(caller):
        return None
    return caller, token


def return_path(request: Request) -> str | None:
    """Where to come back to after logging in: this page's address, for a GET only."""
    if request.method != "GET":
        return None
    return request.url.path + (f"?{request.url.query}" if request.url.query else "")


async def form_pairs(request: Request, max_bytes: int) -> list[tuple[str, str]]:
    """An application/x-www-form-urlencoded body as (name, value) pairs; nothing if it is too large."""
    raw = await request.body()
    if len(raw) > max_bytes:
        return []
    return parse_qsl(raw.decode("utf-8", errors="replace"), keep_blank_values=True)


class Form:
    """A form body's fields, values stripped of surrounding space."""

    def __init__(self, pairs: list[tuple[str, str]]):
        self._pairs = pairs

    def get(self, name: str, default: str = "") -> str:
        return next((value.strip() for key, value in self._pairs if key == name), default)

    def all(self, name: str) -> list[str]:
        return [value.strip() for key, value in self._pairs if key == name]

    def with_prefix(self, prefix: str) -> dict[str, str]:
        return {key[len(prefix) :]: value.strip() for key, value in self._pairs if key.startswith(prefix)}


async def read_form(request: Request, max_bytes: int) -> Form:
    return Form(await form_pairs(request, max_bytes))


def set_cookie(
    request: Request,
    response: Response,
    name: str,
    value: str,
    *,
    samesite: Literal["lax", "strict"] = "lax",
    path: str = "/",
) -> None:
    """An HttpOnly cookie, Secure when the page came over https."""
    response.set_cookie(name, value, httponly=True, samesite=samesite, path=path, secure=request.url.scheme == "https")


def login_location(back_to: str | None, home: str = "") -> str:
    """The login page under `home`, with the page to come back to when it is not the start page."""
    login = f"{home}/logga-in"
    return f"{login}?nasta={quote(back_to)}" if back_to and back_to != (home or "/") else login
