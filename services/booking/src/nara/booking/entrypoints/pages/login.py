"""Logging in and out (a development login standing in for BankID), and the start page."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable
from datetime import datetime, timedelta

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from nara.shared.clock import to_stockholm
from nara.shared.identity import (
    IdentitySettings,
    identity_settings,
    issue_dev_token,
    request_time,
    settings_from_environment,
)
from nara.shared.personnummer import normalise
from nara.shared.web import oidc
from nara.shared.web.pages import see_other

from ..wiring import now_of
from . import swedish
from .kit import BookingRoute, render, show
from .next_step import NextStep
from .session import (
    FLOW_COOKIE,
    LOGIN_COOKIE,
    PROVIDER_LOGIN,
    SESSION_COOKIE,
    CurrentCitizen,
    checked_form,
    csrf_matches,
    csrf_token,
    form_data,
    pages_key,
    safe_local_path,
    set_cookie,
)

router = APIRouter(route_class=BookingRoute, include_in_schema=False)
SESSION_LENGTH = timedelta(hours=8)


@router.get("/")
async def start(request: Request, citizen: CurrentCitizen) -> HTMLResponse:
    """The start page: what the service does, and the way in."""
    return await show(request, citizen, "start.html", title="Boka tid på vårdcentralen")


@router.get("/logga-in")
async def login_form(
    request: Request,
    settings: IdentitySettings = Depends(identity_settings),
    nasta: str = "/",
    utloggad: bool = False,
) -> Response:
    client = PROVIDER_LOGIN.client(settings)
    if client is not None:
        if utloggad:  # a page of our own, so logging out does not lead straight back into a login
            return _provider_page(request, notice="Du är utloggad.")
        return await _provider_step(request, PROVIDER_LOGIN.begin(request, client, safe_local_path(nasta)))
    nonce = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(24)
    response = _login_page(request, nonce, safe_local_path(nasta), notice="Du är utloggad." if utloggad else "")
    set_cookie(request, response, LOGIN_COOKIE, nonce)
    return response


@router.get("/logga-in/klar")
async def provider_answer(
    request: Request,
    settings: IdentitySettings = Depends(identity_settings),
    now: datetime = Depends(request_time),
) -> Response:
    """Where the identity provider sends the citizen back after logging in."""
    client = PROVIDER_LOGIN.client(settings)
    if client is None:
        return see_other("/logga-in")
    return await _provider_step(request, PROVIDER_LOGIN.finish(request, client, settings, now))


@router.post("/logga-in")
async def log_in(request: Request) -> Response:
    form = await form_data(request)
    nonce = request.cookies.get(LOGIN_COOKIE)
    back_to = safe_local_path(form.get("nasta"))
    if nonce is None or not csrf_matches(pages_key(request), f"login|{nonce}", form.get("csrf")):
        fresh = nonce or secrets.token_urlsafe(24)
        refusal = _login_page(
            request,
            fresh,
            back_to,
            error=(
                None,
                "Inloggningen hade gått ut. Skriv ditt personnummer igen. Din webbläsare behöver tillåta kakor.",
            ),
        )
        set_cookie(request, refusal, LOGIN_COOKIE, fresh)
        return refusal
    raw = form.get("personnummer", "")
    today = to_stockholm(now_of(request)).date()
    problem = swedish.personnummer_problem(raw, today)
    if problem:
        return _login_page(request, nonce, back_to, value=raw, error=("personnummer", problem))
    try:
        token = issue_dev_token(
            "citizen", normalise(raw, today), ttl=SESSION_LENGTH, settings=settings_from_environment()
        )
    except PermissionError:
        return _login_page(
            request,
            nonce,
            back_to,
            value=raw,
            error=(None, "Inloggning för test är avstängd här. Logga in med BankID."),
        )
    response = see_other(back_to)
    set_cookie(request, response, SESSION_COOKIE, token)
    response.delete_cookie(LOGIN_COOKIE, path="/")
    response.delete_cookie(FLOW_COOKIE, path="/")
    return response


@router.post("/logga-ut")
async def log_out(
    request: Request, citizen: CurrentCitizen, settings: IdentitySettings = Depends(identity_settings)
) -> Response:
    await checked_form(request, citizen)
    client = PROVIDER_LOGIN.client(settings)
    if client is not None:  # ends the provider's session too, which sends the citizen back to /logga-in
        response = await PROVIDER_LOGIN.end(request, client)
        response.delete_cookie(FLOW_COOKIE, path="/")
        return response
    response = see_other("/logga-in?utloggad=true")
    for name in (SESSION_COOKIE, FLOW_COOKIE):
        response.delete_cookie(name, path="/")
    return response


async def _provider_step(request: Request, step: Awaitable[Response]) -> Response:
    """A step of the provider's login, or the login page saying in Swedish why it did not go through."""
    try:
        return await step
    except oidc.LoginFailed as failure:
        return _provider_page(request, error=failure.sentence)


def _provider_page(request: Request, *, notice: str = "", error: str = "") -> HTMLResponse:
    return render(
        request,
        "login.html",
        title="Logga in",
        errors=[(None, error)] if error else [],
        next_step=NextStep("Logga in för att boka, omboka eller avboka en tid."),
        status_code=400 if error else 200,
        notice=notice,
        provider=True,
    )


def _login_page(
    request: Request,
    nonce: str,
    back_to: str,
    *,
    value: str = "",
    notice: str = "",
    error: tuple[str | None, str] | None = None,
) -> HTMLResponse:
    return render(
        request,
        "login.html",
        title="Logga in",
        errors=[error] if error else [],
        next_step=NextStep("Logga in för att boka, omboka eller avboka en tid."),
        status_code=400 if error else 200,
        notice=notice,
        csrf=csrf_token(pages_key(request), f"login|{nonce}"),
        next_path=back_to,
        value=value,
        field_error=error[1] if error and error[0] == "personnummer" else None,
    )
