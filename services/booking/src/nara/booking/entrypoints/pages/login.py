"""Logging in and out (a development login standing in for BankID), and the start page."""

from __future__ import annotations

import secrets
from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from nara.shared.clock import to_stockholm
from nara.shared.identity import issue_dev_token, settings_from_environment
from nara.shared.personnummer import normalise
from nara.shared.web.pages import see_other

from ..wiring import now_of
from . import swedish
from .kit import BookingRoute, render, show
from .next_step import NextStep
from .session import (
    FLOW_COOKIE,
    LOGIN_COOKIE,
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
async def login_form(request: Request, nasta: str = "/", utloggad: bool = False) -> HTMLResponse:
    nonce = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(24)
    response = _login_page(request, nonce, safe_local_path(nasta), notice="Du är utloggad." if utloggad else "")
    set_cookie(request, response, LOGIN_COOKIE, nonce)
    return response


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
async def log_out(request: Request, citizen: CurrentCitizen) -> Response:
    await checked_form(request, citizen)
    response = see_other("/logga-in?utloggad=true")
    for name in (SESSION_COOKIE, FLOW_COOKIE):
        response.delete_cookie(name, path="/")
    return response


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
