"""Who is logged in to the operations page, and the CSRF token every form carries.

The login is a staff JWT in an HttpOnly, SameSite=Strict cookie, checked like a bearer token.
A form's CSRF token is an HMAC of that session's token with a key of this process.
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

COOKIE = "nara_ops"
COOKIE_PATH = "/ops"
MAX_FORM_BYTES = 16_384
LOGIN_PURPOSE = "login"  # the login form has no session yet; SameSite=Strict and this fixed-purpose token guard it


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
    csrf: str

    @property
    def units(self) -> tuple[str, ...]:
        return self.caller.units


def ops_key(request: Request) -> bytes:
    """Signs CSRF tokens: GUARANTEE_MONITOR_OPS_SECRET when several processes serve /ops, else random per process."""
    state = request.app.state
    key = getattr(state, "ops_key", None)
    if key is None:
        configured = os.environ.get("GUARANTEE_MONITOR_OPS_SECRET")
        key = configured.encode() if configured else secrets.token_bytes(32)
        state.ops_key = key
    return key


def csrf_token(key: bytes, session: str) -> str:
    return hmac.new(key, b"ops-csrf|" + session.encode(), hashlib.sha256).hexdigest()


def login_csrf(request: Request) -> str:
    return csrf_token(ops_key(request), LOGIN_PURPOSE)


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
    return Staff(caller, csrf_token(ops_key(request), token))


async def optional_staff(request: Request, settings: Annotated[IdentitySettings, Depends(identity_settings)],
                         now: Annotated[datetime, Depends(request_time)]) -> Staff | None:
    staff = logged_in_staff(request, settings, now)
    request.state.staff = staff  # for the pages shown when something goes wrong later
    return staff


async def current_staff(staff: Annotated[Staff | None, Depends(optional_staff)], request: Request) -> Staff:
    if staff is None:
        back_to = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginRequired(back_to if request.method == "GET" else None)
    return staff


CurrentStaff = Annotated[Staff, Depends(current_staff)]
OptionalStaff = Annotated[Staff | None, Depends(optional_staff)]


class Form:
    """An application/x-www-form-urlencoded body (python-multipart is not installed)."""

    def __init__(self, pairs: list[tuple[str, str]]):
        self._pairs = pairs

    def get(self, name: str, default: str = "") -> str:
        return next((value.strip() for key, value in self._pairs if key == name), default)

    def all(self, name: str) -> list[str]:
        return [value.strip() for key, value in self._pairs if key == name]


async def read_form(request: Request) -> Form:
    raw = await request.body()
    if len(raw) > MAX_FORM_BYTES:
        return Form([])
    return Form(parse_qsl(raw.decode("utf-8", errors="replace"), keep_blank_values=True))


def same_token(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode(), given.encode())


def set_login_cookie(request: Request, response: Response, token: str) -> None:
    response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path=COOKIE_PATH,
                        secure=request.url.scheme == "https")


def clear_login_cookie(response: Response) -> None:
    response.delete_cookie(COOKIE, path=COOKIE_PATH, httponly=True, samesite="strict")


def login_location(back_to: str | None) -> str:
    return f"/ops/logga-in?nasta={quote(back_to)}" if back_to and back_to != "/ops" else "/ops/logga-in"


def safe_ops_path(candidate: str | None) -> str:
    """Only a path inside /ops, never another site (an open redirect)."""
    if candidate and (candidate == "/ops" or candidate.startswith(("/ops/", "/ops?"))) and "//" not in candidate \
            and "\\" not in candidate:
        return candidate
    return "/ops"
