"""Who is logged in on the pages, the CSRF tokens of their forms, and the booking flow's signed state.

The login is the citizen's JWT in an HttpOnly, SameSite=Lax cookie, checked like a bearer token; with the
identity provider configured (NARA_OIDC_ISSUER and NARA_CITIZEN_OIDC_CLIENT_ID), the cookie names a
server-side session of the kit's OpenID Connect login (nara.shared.web.oidc_login) instead.
Every form that changes something carries an HMAC of that session in a hidden field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import Response

from nara.shared.identity import (
    Caller,
    IdentitySettings,
    TokenError,
    identity_settings,
    request_time,
    verify_token,
)
from nara.shared.web import session as kit
from nara.shared.web.oidc import setting
from nara.shared.web.oidc_login import ProviderLogin
from nara.shared.web.session import (
    FormExpired,
    LoginRequired,
    csrf_matches,
    csrf_token,
    form_pairs,
    same_token,
    sign,
    unsign,
)

from ...service.requester import Requester

__all__ = [
    "FLOW_COOKIE",
    "LOGIN_COOKIE",
    "PROVIDER_LOGIN",
    "SESSION_COOKIE",
    "Citizen",
    "CurrentCitizen",
    "Flow",
    "FormExpired",
    "LoginRequired",
    "checked_form",
    "clear_flow",
    "csrf_matches",
    "csrf_token",
    "form_data",
    "login_location",
    "pages_key",
    "read_flow",
    "safe_local_path",
    "set_cookie",
    "sign",
    "unsign",
    "write_flow",
]

SESSION_COOKIE = "nara_session"
FLOW_COOKIE = "nara_flow"
LOGIN_COOKIE = "nara_login"
MAX_FORM_BYTES = 16_384

Flow = dict[str, Any]  # the booking flow so far, as JSON in a signed cookie


@dataclass(frozen=True)
class Citizen:
    personnummer: str
    pseudonym: str
    token: str  # the citizen's own JWT, forwarded to the triage service
    csrf: str
    name: str = ""  # from the provider's ID token, for the header; the development login has none

    @property
    def actor(self) -> Requester:
        return Requester.patient(self.pseudonym)


def pages_key(request: Request) -> bytes:
    """The key that signs CSRF tokens and the flow cookie: BOOKING_PAGES_SECRET, else random per process.
    Read as the staff pages read it (the environment, or a file in NARA_SETTINGS_DIR), so both logins agree."""
    configured = getattr(request.app.state.settings, "pages_secret", None)
    secret = configured.get_secret_value() if configured else setting("BOOKING_PAGES_SECRET")
    return kit.process_key(request, "pages_key", secret)


def is_citizen(caller: Caller) -> bool:
    return caller.is_citizen


PROVIDER_LOGIN = ProviderLogin(
    home="",
    cookie=SESSION_COOKIE,
    client_prefix="NARA_CITIZEN_OIDC",
    key=pages_key,
    accepts=is_citizen,
    samesite="lax",
)


async def current_citizen(
    request: Request,
    settings: Annotated[IdentitySettings, Depends(identity_settings)],
    now: Annotated[datetime, Depends(request_time)],
) -> Citizen:
    back_to = request.url.path if request.method == "GET" else None
    client = PROVIDER_LOGIN.client(settings)
    if client is not None:
        session = await PROVIDER_LOGIN.current(request, client, settings, now)
        if session is None:
            raise LoginRequired(back_to)
        subject = session.caller.subject
        pseudonym = request.app.state.pseudonymiser.pseudonym(subject)
        csrf = csrf_token(pages_key(request), session.id)
        citizen = Citizen(subject, pseudonym, session.access_token, csrf, session.name)
        request.state.citizen = citizen
        return citizen
    token = request.cookies.get(SESSION_COOKIE)
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
    fields: dict[str, str] = {}
    for name, value in await form_pairs(request, MAX_FORM_BYTES):
        fields.setdefault(name, value)
    return fields


async def checked_form(request: Request, citizen: Citizen) -> dict[str, str]:
    """The form, if it carries this session's CSRF token; FormExpired otherwise."""
    form = await form_data(request)
    if not same_token(citizen.csrf, form.get("csrf", "")):
        raise FormExpired()
    return form


def set_cookie(request: Request, response: Response, name: str, value: str) -> None:
    kit.set_cookie(request, response, name, value)


def read_flow(request: Request, citizen: Citizen) -> Flow:
    """This citizen's booking flow so far: reason, answers, decision, unit, contact and hold."""
    flow = unsign(pages_key(request), "flow", request.cookies.get(FLOW_COOKIE))
    if not flow or flow.get("who") != citizen.pseudonym:
        return {}
    return flow


def write_flow(request: Request, response: Response, citizen: Citizen, flow: Flow) -> None:
    set_cookie(request, response, FLOW_COOKIE, sign(pages_key(request), "flow", {**flow, "who": citizen.pseudonym}))


def clear_flow(response: Response) -> None:
    response.delete_cookie(FLOW_COOKIE, path="/")


def login_location(back_to: str | None) -> str:
    return kit.login_location(back_to)


def safe_local_path(candidate: str | None) -> str:
    """Only a path on this site, never another site (an open redirect)."""
    if candidate and candidate.startswith("/") and not candidate.startswith("//") and "\\" not in candidate:
        return candidate
    return "/"
