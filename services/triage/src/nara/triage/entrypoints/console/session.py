"""Who is logged in to the console, and the CSRF token every form carries.

The login is a staff JWT in an HttpOnly, SameSite=Strict cookie, checked like a bearer token and
forwarded as one to the booking service. A form's CSRF token is an HMAC of that session's token.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response

from nara.shared.identity import Caller, IdentitySettings, identity_settings, request_time
from nara.shared.web import session as kit
from nara.shared.web.session import Form, FormExpired, LoginRequired, return_path, same_token

__all__ = [
    "CurrentStaff",
    "Form",
    "FormExpired",
    "LoginRequired",
    "OptionalStaff",
    "Staff",
    "checked_form",
    "clear_login_cookie",
    "console_key",
    "csrf_token",
    "login_location",
    "read_form",
    "safe_console_path",
    "set_login_cookie",
]

COOKIE = "nara_console"
COOKIE_PATH = "/console"
MAX_FORM_BYTES = 32_768


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
    return kit.process_key(request, "console_key", os.environ.get("TRIAGE_CONSOLE_SECRET"))


def csrf_token(key: bytes, session: str) -> str:
    return kit.csrf_token(key, session, "console-csrf")


def logged_in_staff(request: Request, settings: IdentitySettings, now: datetime) -> Staff | None:
    found = kit.staff_caller(request, COOKIE, settings, now)
    if found is None:
        return None
    caller, token = found
    return Staff(caller, token, csrf_token(console_key(request), token))


async def current_staff(
    request: Request,
    settings: Annotated[IdentitySettings, Depends(identity_settings)],
    now: Annotated[datetime, Depends(request_time)],
) -> Staff:
    staff = logged_in_staff(request, settings, now)
    if staff is None:
        raise LoginRequired(return_path(request))
    request.state.staff = staff  # for the pages shown when something goes wrong later
    return staff


async def optional_staff(
    request: Request,
    settings: Annotated[IdentitySettings, Depends(identity_settings)],
    now: Annotated[datetime, Depends(request_time)],
) -> Staff | None:
    return logged_in_staff(request, settings, now)


CurrentStaff = Annotated[Staff, Depends(current_staff)]
OptionalStaff = Annotated[Staff | None, Depends(optional_staff)]


async def read_form(request: Request) -> Form:
    return await kit.read_form(request, MAX_FORM_BYTES)


async def checked_form(request: Request, staff: Staff) -> Form:
    """The form, if it carries this session's CSRF token; FormExpired otherwise."""
    form = await read_form(request)
    if not same_token(staff.csrf, form.get("csrf")):
        raise FormExpired()
    return form


def set_login_cookie(request: Request, response: Response, token: str) -> None:
    kit.set_cookie(request, response, COOKIE, token, samesite="strict", path=COOKIE_PATH)


def clear_login_cookie(response: Response) -> None:
    response.delete_cookie(COOKIE, path=COOKIE_PATH)


def login_location(back_to: str | None) -> str:
    return kit.login_location(back_to, COOKIE_PATH)


def safe_console_path(candidate: str | None) -> str:
    """Only a path inside the console, never another site (an open redirect)."""
    if candidate and candidate.startswith("/console") and "//" not in candidate and "\\" not in candidate:
        return candidate
    return "/console"
