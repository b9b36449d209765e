"""Who is logged in to the console, and the CSRF token every form carries.

The login is a staff JWT in an HttpOnly, SameSite=Strict cookie, checked like a bearer token and
forwarded as one to the booking service. A form's CSRF token is an HMAC of that session's token.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated
from urllib.parse import parse_qsl, quote

from fastapi import Depends, Request
from fastapi.responses import Response

from nara.shared.identity import Caller, IdentitySettings, TokenError, identity_settings, request_time, verify_token

COOKIE = "nara_console"
COOKIE_PATH = "/console"
MAX_FORM_BYTES = 32_768


class LoginRequired(Exception):
    """No valid staff login: the page sends the person to the login page."""

    def __init__(self, back_to: str | None = None):
        super().__init__("login required")
        self.back_to = back_to


class FormExpired(Exception):
    """A form came back without this session's CSRF token."""


@dataclass(frozen=True)
class Staff:
    caller: Caller
    token: str  # the staff member's JWT, forwarded to the booking service
    csrf: str

    @property
    def units(self) -> tuple[str, ...]:
        return self.caller.units

    @property
    def role(self) -> str:
        return str(self.caller.role)


def console_key(request: Request) -> bytes:
    """Signs CSRF tokens: TRIAGE_CONSOLE_SECRET when several processes serve the console, else random per process."""
    state = request.app.state
    key = getattr(state, "console_key", None)
    if key is None:
        configured = os.environ.get("TRIAGE_CONSOLE_SECRET")
        key = configured.encode() if configured else secrets.token_bytes(32)
        state.console_key = key
    return key


def csrf_token(key: bytes, session: str) -> str:
    return hmac.new(key, b"console-csrf|" + session.encode(), hashlib.sha256).hexdigest()


def logged_in_staff(request: Request, settings: IdentitySettings, now: datetime) -> Staff | None:
    token = request.cookies.get(COOKIE)
    if not token:
        return None
    try:
        caller = verify_token(token, settings, now=now)
    except TokenError:
        return None
    if not caller.is_staff:
        return None
    return Staff(caller, token, csrf_token(console_key(request), token))


async def current_staff(request: Request, settings: Annotated[IdentitySettings, Depends(identity_settings)],
                        now: Annotated[datetime, Depends(request_time)]) -> Staff:
    staff = logged_in_staff(request, settings, now)
    if staff is None:
        back_to = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(back_to if request.method == "GET" else None)
    request.state.staff = staff  # for the pages shown when something goes wrong later
    return staff


async def optional_staff(request: Request, settings: Annotated[IdentitySettings, Depends(identity_settings)],
                         now: Annotated[datetime, Depends(request_time)]) -> Staff | None:
    return logged_in_staff(request, settings, now)


CurrentStaff = Annotated[Staff, Depends(current_staff)]
OptionalStaff = Annotated[Staff | None, Depends(optional_staff)]


class Form:
    """An application/x-www-form-urlencoded body."""

    def __init__(self, pairs: list[tuple[str, str]]):
        self._pairs = pairs

    def get(self, name: str, default: str = "") -> str:
        return next((value.strip() for key, value in self._pairs if key == name), default)

    def all(self, name: str) -> list[str]:
        return [value.strip() for key, value in self._pairs if key == name]

    def with_prefix(self, prefix: str) -> dict[str, str]:
        return {key[len(prefix):]: value.strip() for key, value in self._pairs if key.startswith(prefix)}


async def read_form(request: Request) -> Form:
    raw = await request.body()
    if len(raw) > MAX_FORM_BYTES:
        return Form([])
    return Form(parse_qsl(raw.decode("utf-8", errors="replace"), keep_blank_values=True))


async def checked_form(request: Request, staff: Staff) -> Form:
    """The form, if it carries this session's CSRF token; FormExpired otherwise."""
    form = await read_form(request)
    if not hmac.compare_digest(staff.csrf.encode(), form.get("csrf").encode()):
        raise FormExpired()
    return form


def set_login_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path=COOKIE_PATH,
                        secure=request.url.scheme == "https")


def clear_login_cookie(response: Response) -> None:
    response.delete_cookie(COOKIE, path=COOKIE_PATH)


def login_location(back_to: str | None) -> str:
    return f"/console/logga-in?nasta={quote(back_to)}" if back_to and back_to != "/console" else "/console/logga-in"


def safe_console_path(candidate: str | None) -> str:
    """Only a path inside the console, never another site (an open redirect)."""
    if candidate and candidate.startswith("/console") and "//" not in candidate and "\\" not in candidate:
        return candidate
    return "/console"
