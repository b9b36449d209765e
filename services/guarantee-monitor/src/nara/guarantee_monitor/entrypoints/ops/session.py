"""Who is logged in to the operations page, and the CSRF token every form carries.

The login is a staff JWT in an HttpOnly, SameSite=Strict cookie (see nara.shared.web.session).
A form's CSRF token is an HMAC of that session's token with a key of this process.
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
from nara.shared.web.session import Form, FormExpired, LoginRequired, csrf_token, return_path, same_token

__all__ = [
    "CurrentStaff",
    "Form",
    "FormExpired",
    "LoginRequired",
    "OptionalStaff",
    "Staff",
    "clear_login_cookie",
    "csrf_token",
    "login_csrf",
    "login_location",
    "ops_key",
    "read_form",
    "safe_ops_path",
    "same_token",
    "set_login_cookie",
]

COOKIE = "nara_ops"
COOKIE_PATH = "/ops"
MAX_FORM_BYTES = 16_384
CSRF_PURPOSE = "ops-csrf"
LOGIN_PURPOSE = "login"  # the login form has no session yet; SameSite=Strict and this fixed-purpose token guard it


@dataclass(frozen=True)
class Staff:
    caller: Caller
    csrf: str

    @property
    def units(self) -> tuple[str, ...]:
        return self.caller.units


def ops_key(request: Request) -> bytes:
    """Signs CSRF tokens: GUARANTEE_MONITOR_OPS_SECRET when several processes serve /ops, else random per process."""
    return kit.process_key(request, "ops_key", os.environ.get("GUARANTEE_MONITOR_OPS_SECRET"))


def login_csrf(request: Request) -> str:
    return csrf_token(ops_key(request), LOGIN_PURPOSE, CSRF_PURPOSE)


def logged_in_staff(request: Request, settings: IdentitySettings, now: datetime) -> Staff | None:
    found = kit.staff_caller(request, COOKIE, settings, now)
    if found is None:
        return None
    caller, token = found
    return Staff(caller, csrf_token(ops_key(request), token, CSRF_PURPOSE))


async def optional_staff(
    request: Request,
    settings: Annotated[IdentitySettings, Depends(identity_settings)],
    now: Annotated[datetime, Depends(request_time)],
) -> Staff | None:
    staff = logged_in_staff(request, settings, now)
    request.state.staff = staff  # for the pages shown when something goes wrong later
    return staff


async def current_staff(staff: Annotated[Staff | None, Depends(optional_staff)], request: Request) -> Staff:
    if staff is None:
        raise LoginRequired(return_path(request))
    return staff


CurrentStaff = Annotated[Staff, Depends(current_staff)]
OptionalStaff = Annotated[Staff | None, Depends(optional_staff)]


async def read_form(request: Request) -> Form:
    return await kit.read_form(request, MAX_FORM_BYTES)


def set_login_cookie(request: Request, response: Response, token: str) -> None:
    kit.set_cookie(request, response, COOKIE, token, samesite="strict", path=COOKIE_PATH)


def clear_login_cookie(response: Response) -> None:
    response.delete_cookie(COOKIE, path=COOKIE_PATH, httponly=True, samesite="strict")


def login_location(back_to: str | None) -> str:
    return kit.login_location(back_to, COOKIE_PATH)


def safe_ops_path(candidate: str | None) -> str:
    """Only a path inside /ops, never another site (an open redirect)."""
    if (
        candidate
        and (candidate == "/ops" or candidate.startswith(("/ops/", "/ops?")))
        and "//" not in candidate
        and "\\" not in candidate
    ):
        return candidate
    return "/ops"
