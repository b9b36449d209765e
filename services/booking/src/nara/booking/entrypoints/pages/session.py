"""Who is logged in on the pages, the CSRF tokens of their forms, and the booking flow's signed state.

The login is the citizen's JWT in an HttpOnly, SameSite=Lax cookie, checked like a bearer token.
Every form that changes something carries an HMAC of that session in a hidden field.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated
from urllib.parse import parse_qsl, quote

from fastapi import Depends, Request
from fastapi.responses import Response

from nara.shared.identity import IdentitySettings, TokenError, identity_settings, request_time, verify_token

from ...service.actors import Actor

SESSION_COOKIE = "nara_session"
FLOW_COOKIE = "nara_flow"
LOGIN_COOKIE = "nara_login"
MAX_FORM_BYTES = 16_384


class LoginRequired(Exception):
    """No valid citizen login: the page sends the person to the login page."""

    def __init__(self, back_to: str | None = None):
        super().__init__("login required")
        self.back_to = back_to


class FormExpired(Exception):
    """A form came back without the CSRF token of this session."""


@dataclass(frozen=True)
class Citizen:
    personnummer: str
    pseudonym: str
    token: str  # the citizen's own JWT, forwarded to the triage service
    csrf: str

    @property
    def actor(self) -> Actor:
        return Actor("patient", self.pseudonym)


def pages_key(request: Request) -> bytes:
    """The key that signs CSRF tokens and the flow cookie: BOOKING_PAGES_SECRET, else random per process."""
    state = request.app.state
    key = getattr(state, "pages_key", None)
    if key is None:
        configured = getattr(state.settings, "pages_secret", None)
        key = configured.get_secret_value().encode() if configured else secrets.token_bytes(32)
        state.pages_key = key
    return key


def csrf_token(key: bytes, session: str) -> str:
    """The CSRF token of one session: an HMAC of it, so it needs no storage and dies with the session."""
    return hmac.new(key, b"csrf|" + session.encode(), hashlib.sha256).hexdigest()


def csrf_matches(key: bytes, session: str | None, submitted: str | None) -> bool:
    if not session or not submitted:
        return False
    return hmac.compare_digest(csrf_token(key, session), submitted)


def sign(key: bytes, purpose: str, payload: dict) -> str:
    body = base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")
    mac = hmac.new(key, f"{purpose}|{body}".encode(), hashlib.sha256).hexdigest()
    return f"{body}.{mac}"


def unsign(key: bytes, purpose: str, value: str | None) -> dict | None:
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


async def current_citizen(request: Request, settings: Annotated[IdentitySettings, Depends(identity_settings)],
                          now: Annotated[datetime, Depends(request_time)]) -> Citizen:
    token = request.cookies.get(SESSION_COOKIE)
    back_to = request.url.path if request.method == "GET" else None
    if not token:
        raise LoginRequired(back_to)
    try:
        caller = verify_token(token, settings, now=now)
    except TokenError:
        raise LoginRequired(back_to) from None
    if not caller.is_citizen:
        raise LoginRequired(back_to)
    pseudonym = request.app.state.pseudonymiser.pseudonym(caller.subject)
    citizen = Citizen(caller.subject, pseudonym, token, csrf_token(pages_key(request), token))
    request.state.citizen = citizen  # for the pages shown when something goes wrong later
    return citizen


CurrentCitizen = Annotated[Citizen, Depends(current_citizen)]


async def form_data(request: Request) -> dict[str, str]:
    """An application/x-www-form-urlencoded body, first value of each field."""
    raw = await request.body()
    if len(raw) > MAX_FORM_BYTES:
        return {}
    fields: dict[str, str] = {}
    for name, value in parse_qsl(raw.decode("utf-8", errors="replace"), keep_blank_values=True):
        fields.setdefault(name, value)
    return fields


async def checked_form(request: Request, citizen: Citizen) -> dict[str, str]:
    """The form, if it carries this session's CSRF token; FormExpired otherwise."""
    form = await form_data(request)
    if not csrf_matches(pages_key(request), citizen.token, form.get("csrf")):
        raise FormExpired()
    return form


def set_cookie(request: Request, response: Response, name: str, value: str) -> None:
    response.set_cookie(name, value, httponly=True, samesite="lax", path="/",
                        secure=request.url.scheme == "https")


def read_flow(request: Request, citizen: Citizen) -> dict:
    """This citizen's booking flow so far: reason, answers, decision, unit, contact and hold."""
    flow = unsign(pages_key(request), "flow", request.cookies.get(FLOW_COOKIE))
    if not flow or flow.get("who") != citizen.pseudonym:
        return {}
    return flow


def write_flow(request: Request, response: Response, citizen: Citizen, flow: dict) -> None:
    set_cookie(request, response, FLOW_COOKIE, sign(pages_key(request), "flow", {**flow, "who": citizen.pseudonym}))


def clear_flow(response: Response) -> None:
    response.delete_cookie(FLOW_COOKIE, path="/")


def login_location(back_to: str | None) -> str:
    return f"/logga-in?nasta={quote(back_to)}" if back_to and back_to != "/" else "/logga-in"


def safe_local_path(candidate: str | None) -> str:
    """Only a path on this site, never another site (an open redirect)."""
    if candidate and candidate.startswith("/") and not candidate.startswith("//") and "\\" not in candidate:
        return candidate
    return "/"
