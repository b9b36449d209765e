"""Logging in and out (a development login standing in for BankID), and the start page."""

from __future__ import annotations

import secrets
from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from nara.shared.clock import to_stockholm
from nara.shared.identity import issue_dev_token, settings_from_environment
from nara.shared.personnummer import normalise

from . import swedish
from .common import PageRoute, now_of, show
from .next_step import static_step
from .rendering import Safe, button, fmt, hidden, link_button, page, render, text_input
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

router = APIRouter(route_class=PageRoute, include_in_schema=False)
SESSION_LENGTH = timedelta(hours=8)


@router.get("/")
async def start(request: Request, citizen: CurrentCitizen) -> HTMLResponse:
    """The start page: what the service does, and the way in."""
    body = render(
        "start.html",
        book=link_button("/besvar", "Beskriv dina besvär"),
        mine=link_button("/mina-tider", "Mina tider", secondary=True),
    )
    return await show(request, citizen, title="Boka tid på vårdcentralen", body=body)


@router.get("/logga-in")
async def login_form(request: Request, nasta: str = "/", utloggad: bool = False) -> HTMLResponse:
    nonce = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(24)
    response = _login_page(request, nonce, safe_local_path(nasta), notice="Du är utloggad." if utloggad else "")
    set_cookie(request, response, LOGIN_COOKIE, nonce)
    return response


@router.post("/logga-in")
async def log_in(request: Request):
    form = await form_data(request)
    nonce = request.cookies.get(LOGIN_COOKIE)
    back_to = safe_local_path(form.get("nasta"))
    if not csrf_matches(pages_key(request), f"login|{nonce}" if nonce else None, form.get("csrf")):
        fresh = nonce or secrets.token_urlsafe(24)
        response = _login_page(
            request,
            fresh,
            back_to,
            error=(
                None,
                "Inloggningen hade gått ut. Skriv ditt personnummer igen. Din webbläsare behöver tillåta kakor.",
            ),
        )
        set_cookie(request, response, LOGIN_COOKIE, fresh)
        return response
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
    response = RedirectResponse(back_to, status_code=303)
    set_cookie(request, response, SESSION_COOKIE, token)
    response.delete_cookie(LOGIN_COOKIE, path="/")
    response.delete_cookie(FLOW_COOKIE, path="/")
    return response


@router.post("/logga-ut")
async def log_out(request: Request, citizen: CurrentCitizen) -> RedirectResponse:
    await checked_form(request, citizen)
    response = RedirectResponse("/logga-in?utloggad=true", status_code=303)
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
    field_error = error[1] if error and error[0] == "personnummer" else None
    body = render(
        "login.html",
        notice=fmt('<div class="notice" role="status"><p>$text</p></div>', text=notice) if notice else Safe(""),
        csrf=hidden("csrf", csrf_token(pages_key(request), f"login|{nonce}")),
        nasta=hidden("nasta", back_to),
        field=text_input(
            "personnummer",
            "Personnummer",
            value=value,
            error=field_error,
            inputmode="numeric",
            hint="12 siffror, till exempel 19121212-1212.",
            width="20",
            autocomplete="off",
        ),
        button=button("Logga in"),
    )
    return page(
        title="Logga in",
        body=body,
        errors=[error] if error else [],
        next_step=static_step("Logga in för att boka, omboka eller avboka en tid."),
        status_code=400 if error else 200,
    )
