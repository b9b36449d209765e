"""One app's login through the identity provider: the redirect, the callback, the session, the logout.

The session is kept on the server (the tokens are too large for a cookie, and must not reach the browser's
scripts); the browser holds only its signed, random id in an HttpOnly cookie. A session ends after `idle`
without a page view and `absolute` after the login, whatever happens; the access token is refreshed at the
provider when it runs out, so a logout at the provider ends the session here at the next refresh.
The sessions live in the service's database (nara.shared.web.page_sessions_postgres), which every replica of the
app shares; an app without a database (the kit's test apps) keeps them in memory. The timeouts are settings
(nara.shared.web.page_session_settings).
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Literal

from authlib.common.security import generate_token
from fastapi import Request
from fastapi.responses import HTMLResponse, Response

from nara.shared.identity import Caller, IdentitySettings, TokenError, verify_token

from . import oidc
from .page_session_settings import page_session_timeouts
from .page_sessions import MemorySessions, ProviderSession, SessionStore, SessionTimeouts, is_alive, needs_refresh
from .page_sessions_postgres import PostgresSessions
from .pages import see_other
from .session import same_token, sign, unsign

PENDING_SECONDS = 600  # a login started longer ago than this is not finished

__all__ = ["ProviderLogin", "ProviderSession", "is_alive"]


@dataclass(frozen=True, kw_only=True)
class ProviderLogin:
    """The provider login of an app at `home` ("" for the whole site)."""

    home: str
    cookie: str
    client_prefix: str  # the app's client settings: {prefix}_CLIENT_ID and {prefix}_CLIENT_SECRET
    key: Callable[[Request], bytes]
    accepts: Callable[[Caller], bool]
    samesite: Literal["strict", "lax"] = "strict"
    timeouts: Callable[[], SessionTimeouts] = page_session_timeouts

    @property
    def path(self) -> str:
        return self.home or "/"

    @property
    def pending_cookie(self) -> str:
        return f"{self.cookie}_oidc"

    def client(self, settings: IdentitySettings) -> oidc.Client | None:
        return oidc.client_for(self.client_prefix, settings)

    def callback_uri(self, request: Request) -> str:
        return str(request.base_url).rstrip("/") + f"{self.home}/logga-in/klar"

    def store(self, request: Request) -> SessionStore:
        """The app's database when it has one (every service does), else this process's memory."""
        pool = getattr(request.app.state, "pool", None)
        if pool is not None:
            return PostgresSessions(pool, self.cookie, self.timeouts())
        attribute = f"{self.cookie}_sessions"
        store: MemorySessions | None = getattr(request.app.state, attribute, None)
        if store is None:
            store = MemorySessions(self.timeouts())
            setattr(request.app.state, attribute, store)
        return store

    async def begin(self, request: Request, client: oidc.Client, back_to: str) -> Response:
        """Off to the provider's login page; the attempt's state, nonce and PKCE verifier wait in a cookie."""
        pending = oidc.Pending.new(back_to)
        response = see_other(await oidc.authorization_url(client, self.callback_uri(request), pending))
        # Lax, not Strict: the provider's redirect back is a navigation from another site.
        response.set_cookie(
            self.pending_cookie,
            sign(self.key(request), "oidc-pending", asdict(pending)),
            max_age=PENDING_SECONDS,
            httponly=True,
            samesite="lax",
            path=self.path,
            secure=request.url.scheme == "https",
        )
        return response

    def pending(self, request: Request, state: str | None) -> oidc.Pending:
        """The attempt this callback finishes, if its state is the one sent; LoginFailed otherwise."""
        kept = unsign(self.key(request), "oidc-pending", request.cookies.get(self.pending_cookie))
        if not kept or not state:
            raise oidc.LoginFailed("Inloggningen hade gått ut eller startades inte här. Försök logga in igen.")
        try:
            pending = oidc.Pending(**kept)
        except TypeError:
            raise oidc.LoginFailed("Inloggningen hade gått ut. Försök logga in igen.") from None
        if not same_token(pending.state, state):
            raise oidc.LoginFailed("Inloggningen hör inte till den här webbläsaren. Försök logga in igen.")
        return pending

    async def finish(
        self, request: Request, client: oidc.Client, settings: IdentitySettings, now: datetime
    ) -> Response:
        """The callback: check the state, exchange the code, check the ID token, start the session."""
        if request.query_params.get("error"):
            raise oidc.LoginFailed("Inloggningen avbröts. Försök igen.")
        pending = self.pending(request, request.query_params.get("state"))
        code = request.query_params.get("code") or ""
        tokens = await oidc.exchange_code(client, settings, self.callback_uri(request), code, pending)
        caller = await self._caller(tokens.access_token, settings, now)
        session_id = generate_token(40)
        await self.store(request).add(
            ProviderSession(
                id=session_id,
                caller=caller,
                name=oidc.display_name(tokens.claims),
                access_token=tokens.access_token,
                refresh_token=tokens.refresh_token,
                id_token=tokens.id_token,
                expires_at=tokens.expires_at,
                started=now,
                seen=now,
            )
        )
        response = _go_on(pending.back_to, "Du är inloggad.")
        response.set_cookie(
            self.cookie,
            sign(self.key(request), "oidc-session", {"id": session_id}),
            httponly=True,
            samesite=self.samesite,
            path=self.path,
            secure=request.url.scheme == "https",
        )
        response.delete_cookie(self.pending_cookie, path=self.path)
        return response

    async def current(
        self, request: Request, client: oidc.Client, settings: IdentitySettings, now: datetime
    ) -> ProviderSession | None:
        """The session of this browser, if alive; its access token refreshed when it runs out."""
        kept = unsign(self.key(request), "oidc-session", request.cookies.get(self.cookie))
        if not kept or not isinstance(kept.get("id"), str):
            return None
        store = self.store(request)
        session = await store.read(kept["id"], now)
        if session is None or not needs_refresh(session, now):
            return session

        async def renew(stale: ProviderSession) -> ProviderSession | None:
            if not stale.refresh_token:
                return None
            try:
                access, refresh, expires_at = await oidc.refreshed(client, stale.refresh_token)
                caller = await self._caller(access, settings, now)
            except oidc.LoginFailed:
                return None
            return replace(stale, caller=caller, access_token=access, refresh_token=refresh, expires_at=expires_at)

        return await store.refresh(kept["id"], now, renew)

    async def end(self, request: Request, client: oidc.Client) -> Response:
        """Log out here and at the provider (with the ID token as hint), which sends the browser back here."""
        after = str(request.base_url).rstrip("/") + f"{self.home}/logga-in?utloggad=1"
        kept = unsign(self.key(request), "oidc-session", request.cookies.get(self.cookie))
        session_id = kept.get("id") if kept else None
        session = await self.store(request).remove(session_id) if isinstance(session_id, str) else None
        at_provider = None
        if session is not None:
            at_provider = await oidc.logout_url(client, session.id_token, after)
        # A page that moves on, not a redirect: the pages' CSP (form-action 'self') stops a form's redirect to the
        # provider.
        response = (
            _go_on(at_provider, "Du loggas ut.") if at_provider else see_other(f"{self.home}/logga-in?utloggad=1")
        )
        response.delete_cookie(self.cookie, path=self.path, httponly=True, samesite=self.samesite)
        return response

    async def _caller(self, access_token: str, settings: IdentitySettings, now: datetime) -> Caller:
        """Who the access token names, through the one claim mapping; refused if this app does not take them."""
        try:
            caller = await asyncio.to_thread(verify_token, access_token, settings, now)
        except TokenError as error:
            raise oidc.LoginFailed(str(error)) from None
        if not self.accepts(caller):
            raise oidc.LoginFailed("Du är inloggad men har ingen behörighet till den här sidan.")
        return caller


def _go_on(address: str, sentence: str) -> Response:
    """A page that moves on to `address` at once. After the login, so that a SameSite=Strict cookie set here is
    sent with the next page (a redirect straight from the provider's answer counts as coming from another site)."""
    target = html.escape(address, quote=True)
    body = (
        f'<!doctype html><html lang="sv"><head><meta http-equiv="refresh" content="0;url={target}">'
        f"<title>{html.escape(sentence)}</title></head>"
        f'<body><p>{html.escape(sentence)} <a href="{target}">Fortsätt</a></p></body></html>'
    )
    return HTMLResponse(body, headers={"Cache-Control": "no-store"})
