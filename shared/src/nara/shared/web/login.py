"""Who is logged in to a page, and the development staff login (it stands in for SITHS): one implementation.

The login is a JWT in an HttpOnly cookie (SameSite=Strict for staff) under the app's path, checked like a bearer
token.
A form's CSRF token is an HMAC of that session's token under the app's key, so it needs no storage and dies with
the session; tokens are compared in constant time. The login form itself has no session yet: SameSite=Strict and a
fixed-purpose token guard it. The app gives its roles, units, paths and its own login.html; the kit does the rest.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from fastapi.routing import APIRoute

from nara.shared.identity import (
    Caller,
    IdentitySettings,
    InvalidClaims,
    identity_settings,
    issue_dev_token,
    request_time,
)
from nara.shared.identity.settings import read_identity_settings

from . import oidc
from .oidc_login import ProviderLogin
from .page_session_settings import require_signing_key
from .pages import Choice, PageKit, choices, see_other
from .session import (
    Form,
    FormExpired,
    LoginRequired,
    cookie_caller,
    csrf_token,
    process_key,
    read_form,
    return_path,
    same_token,
)
from .session import login_location as login_path

log = logging.getLogger(__name__)
HSA_ID = re.compile(r"^SE[0-9]{10}-[A-Z0-9]{1,31}$")
LOGIN_SESSION = "login"  # the login form's fixed "session", before there is one


@dataclass(frozen=True)
class LoggedIn:
    """The person logged in: who (the token's caller), their token, and the CSRF token of their forms."""

    caller: Caller
    token: str  # forwarded as a bearer token when a page calls another service for them
    csrf: str
    name: str = ""  # from the provider's ID token; the development login has none

    @property
    def units(self) -> tuple[str, ...]:
        return self.caller.units

    @property
    def role(self) -> str:
        return str(self.caller.role)


Staff = LoggedIn  # as staff pages name it


def is_staff(caller: Caller) -> bool:
    return caller.is_staff


@dataclass(frozen=True, kw_only=True)
class LoginSession:
    """Who is logged in to one app, and their forms' CSRF tokens: a JWT in an HttpOnly cookie under `home`.

    Staff apps use StaffLogin below, which adds the login form. A citizen app sets cookie, home="" (the whole
    site), samesite="lax" and accepts=lambda caller: caller.is_citizen, and keeps its own login form."""

    home: str  # the app's start page and cookie path, e.g. "/ops" ("" for the whole site); login at {home}/logga-in
    cookie: str  # e.g. "nara_ops"
    # The setting (environment, or a file in NARA_SETTINGS_DIR) holding the key that signs the login cookie and the
    # CSRF tokens: required in production with the provider, where several replicas serve the app.
    key_variable: str
    samesite: Literal["strict", "lax"] = "strict"
    accepts: Callable[[Caller], bool] = is_staff
    max_form_bytes: int = 16_384
    purpose: str = ""  # the CSRF tokens' purpose; by default the cookie's name
    # With NARA_OIDC_ISSUER and {client_prefix}_CLIENT_ID set, the login goes through the identity provider.
    client_prefix: str = "NARA_STAFF_OIDC"

    @property
    def provider(self) -> ProviderLogin:
        return ProviderLogin(
            home=self.home,
            cookie=self.cookie,
            client_prefix=self.client_prefix,
            key=self.key,
            accepts=self.accepts,
            samesite=self.samesite,
        )

    @property
    def start(self) -> str:
        return self.home or "/"

    def key(self, request: Request) -> bytes:
        return process_key(request, f"{self.cookie}_key", oidc.setting(self.key_variable))

    def require_signing_key(self) -> None:
        """In production with the identity provider, the key must be set: see page_session_settings."""
        if oidc.setting(self.key_variable) is None:  # the identity settings are read only when it matters
            require_signing_key(self.key_variable, read_identity_settings())

    def csrf_for(self, request: Request, session: str) -> str:
        return csrf_token(self.key(request), session, self.purpose or self.cookie)

    def logged_in(self, request: Request, settings: IdentitySettings, now: datetime) -> LoggedIn | None:
        found = cookie_caller(request, self.cookie, settings, now, self.accepts)
        if found is None:
            return None
        caller, token = found
        return LoggedIn(caller, token, self.csrf_for(request, token))

    async def optional_staff(
        self,
        request: Request,
        settings: Annotated[IdentitySettings, Depends(identity_settings)],
        now: Annotated[datetime, Depends(request_time)],
    ) -> LoggedIn | None:
        """A dependency: the person logged in, or None."""
        person = await self._provider_person(request, settings, now)
        if person is None and self.provider.client(settings) is None:
            person = self.logged_in(request, settings, now)
        request.state.staff = person  # the layout's header, and pages shown when something goes wrong later
        return person

    async def _provider_person(self, request: Request, settings: IdentitySettings, now: datetime) -> LoggedIn | None:
        client = self.provider.client(settings)
        if client is None:
            return None
        session = await self.provider.current(request, client, settings, now)
        if session is None:
            return None
        return LoggedIn(session.caller, session.access_token, self.csrf_for(request, session.id), session.name)

    async def current_staff(
        self,
        request: Request,
        settings: Annotated[IdentitySettings, Depends(identity_settings)],
        now: Annotated[datetime, Depends(request_time)],
    ) -> LoggedIn:
        """A dependency: the person logged in; without a login the page route sends them to log in."""
        person = await self.optional_staff(request, settings, now)
        if person is None:
            raise LoginRequired(return_path(request))
        return person

    async def read_form(self, request: Request) -> Form:
        return await read_form(request, self.max_form_bytes)

    async def checked_form(self, request: Request, person: LoggedIn) -> Form:
        """The form, if it carries this session's CSRF token; FormExpired (a Swedish page) otherwise."""
        form = await self.read_form(request)
        if not same_token(person.csrf, form.get("csrf")):
            raise FormExpired()
        return form

    def set_login_cookie(self, request: Request, response: Response, token: str) -> None:
        response.set_cookie(
            self.cookie,
            token,
            httponly=True,
            samesite=self.samesite,
            path=self.start,
            secure=request.url.scheme == "https",
        )

    def clear_login_cookie(self, response: Response) -> None:
        response.delete_cookie(self.cookie, path=self.start, httponly=True, samesite=self.samesite)

    def login_location(self, back_to: str | None) -> str:
        return login_path(back_to, self.home)

    def safe_path(self, candidate: str | None) -> str:
        """Only a path inside the app, never another site (an open redirect)."""
        if (
            candidate
            and (candidate == self.start or candidate.startswith((f"{self.home}/", f"{self.home}?")))
            and "//" not in candidate
            and "\\" not in candidate
        ):
            return candidate
        return self.start


@dataclass(frozen=True, kw_only=True)
class StaffLogin(LoginSession):
    """One staff app's development login: who may log in, and how its login page words the errors."""

    units: Mapping[str, str]  # HSA-id -> name, the units one can choose
    # Where the units come from when they change while running (booking's care units, added through its pages);
    # `units` is then only the fallback while the source cannot answer.
    unit_source: Callable[[Request], Awaitable[Mapping[str, str]]] | None = None
    roles: Mapping[str, str]  # role -> Swedish label; with one role the login asks none
    example_hsa_id: str
    units_error: str = "Välj minst en enhet."
    role_error: str = "Välj din roll."
    template: str = "login.html"  # the app's own login page: see the package docstring for its context

    def router(self, kit: PageKit, route_class: type[APIRoute]) -> APIRouter:
        """GET and POST {home}/logga-in and POST {home}/logga-ut, on the app's page route class.

        Built as the app is put together, so a production app without its signing key stops before it serves."""
        self.require_signing_key()
        router = APIRouter(prefix=self.home, route_class=route_class, include_in_schema=False)

        @router.get("/logga-in")
        async def login_page(
            request: Request,
            settings: IdentitySettings = Depends(identity_settings),
            nasta: str | None = None,
            utloggad: str | None = None,
        ) -> Response:
            next_path = self.safe_path(nasta)
            client = self.provider.client(settings)
            if client is not None:
                if utloggad:
                    sentence = "Du har loggat ut från Nära och från inloggningstjänsten."
                    return kit.problem_page(
                        request, "Du är utloggad", sentence, status_code=200, action=(self.start, "Logga in igen")
                    )
                return await self._provider_call(kit, request, self.provider.begin(request, client, next_path))
            units = await self.current_units(request)
            return self._login_form(
                kit, request, units, values={}, errors={}, next_path=next_path, logged_out=bool(utloggad)
            )

        @router.get("/logga-in/klar")
        async def provider_answer(
            request: Request,
            settings: IdentitySettings = Depends(identity_settings),
            now: datetime = Depends(request_time),
        ) -> Response:
            client = self.provider.client(settings)
            if client is None:
                return see_other(f"{self.home}/logga-in")
            return await self._provider_call(kit, request, self.provider.finish(request, client, settings, now))

        @router.post("/logga-in")
        async def log_in(request: Request) -> Response:
            return await self._log_in(kit, request)

        @router.post("/logga-ut")
        # A default, not Annotated: the annotations are strings, and a local alias cannot be resolved from them.
        async def log_out(
            request: Request,
            staff: Staff | None = Depends(self.optional_staff),
            settings: IdentitySettings = Depends(identity_settings),
        ) -> Response:
            form = await self.read_form(request)
            if staff is not None and not same_token(staff.csrf, form.get("csrf")):
                return kit.problem_page(
                    request, "Formuläret har gått ut", "Ladda om sidan och försök logga ut igen.", status_code=400
                )
            client = self.provider.client(settings)
            if client is not None:
                return await self.provider.end(request, client)
            response = see_other(f"{self.home}/logga-in?utloggad=1")
            self.clear_login_cookie(response)
            return response

        return router

    async def _provider_call(self, kit: PageKit, request: Request, step: Awaitable[Response]) -> Response:
        """A step of the provider's login, or a Swedish page saying why it did not go through."""
        try:
            return await step
        except oidc.LoginFailed as failure:
            return self._refused(kit, request, "Inloggningen gick inte igenom", failure.sentence, 400)

    async def current_units(self, request: Request) -> Mapping[str, str]:
        """The units one may choose now: the source's, or `units` while it cannot answer (the login still works)."""
        if self.unit_source is None:
            return self.units
        try:
            return await self.unit_source(request)
        except Exception as failure:  # whatever the source is (a database), a login page rather than a 500
            log.warning("the login's units could not be read; showing the fixed list", extra={"failure": str(failure)})
            return self.units

    async def _log_in(self, kit: PageKit, request: Request) -> Response:
        form = await self.read_form(request)
        known_units = await self.current_units(request)
        if not same_token(self.csrf_for(request, LOGIN_SESSION), form.get("csrf")):
            return self._refused(
                kit, request, "Formuläret har gått ut", "Ladda om inloggningssidan och försök igen.", 400
            )
        hsa_id = form.get("hsa-id").upper()
        role = next(iter(self.roles)) if len(self.roles) == 1 else form.get("roll")
        units = [unit for unit in known_units if unit in form.all("enheter")]
        errors = self._errors(hsa_id, role, units)
        next_path = self.safe_path(form.get("nasta"))
        values = {"hsa-id": form.get("hsa-id"), "roll": role, "enheter": units}
        if errors:
            return self._login_form(
                kit, request, known_units, values=values, errors=errors, next_path=next_path, status_code=422
            )
        try:
            token = issue_dev_token(role, hsa_id, units)
        except PermissionError:
            sentence = "Utvecklingsinloggningen används inte i drift. Logga in med ditt SITHS-kort."
            return self._refused(kit, request, "Inloggningen är avstängd", sentence, 403)
        except InvalidClaims:
            errors = {"hsa-id": "Det gick inte att logga in med de uppgifterna. Kontrollera HSA-id."}
            return self._login_form(
                kit,
                request,
                known_units,
                values={**values, "hsa-id": hsa_id},
                errors=errors,
                next_path=next_path,
                status_code=422,
            )
        response = see_other(next_path)
        self.set_login_cookie(request, response, token)
        return response

    def _errors(self, hsa_id: str, role: str, units: list[str]) -> dict[str, str]:
        """What is wrong with the login form's fields, by field, in Swedish."""
        errors = {}
        if not hsa_id:
            errors["hsa-id"] = f"Skriv ditt HSA-id, till exempel {self.example_hsa_id}."
        elif not HSA_ID.match(hsa_id):
            errors["hsa-id"] = (
                f"HSA-id ska börja med SE, tio siffror och ett bindestreck, till exempel {self.example_hsa_id}."
            )
        if role not in self.roles:
            errors["roll"] = self.role_error
        if not units:
            errors["enheter"] = self.units_error
        return errors

    def _refused(self, kit: PageKit, request: Request, title: str, sentence: str, status_code: int) -> Response:
        """A page saying why the login did not go through, with the way back to it."""
        action = (f"{self.home}/logga-in", "Till inloggningen")
        return kit.problem_page(request, title, sentence, status_code=status_code, action=action)

    def _login_form(
        self,
        kit: PageKit,
        request: Request,
        units: Mapping[str, str],
        *,
        values: Mapping[str, Any],
        errors: Mapping[str, str],
        next_path: str,
        logged_out: bool = False,
        status_code: int = 200,
    ) -> Response:
        order = ("hsa-id", "roll", "enheter")
        return kit.render(
            request,
            self.template,
            status_code=status_code,
            title="Logga in",
            staff=None,
            errors=[(name, errors[name]) for name in order if name in errors],
            field_errors=errors,
            values={"hsa-id": "", "roll": None, "enheter": [], **values},
            csrf=self.csrf_for(request, LOGIN_SESSION),
            next_path=next_path,
            logged_out=logged_out,
            action=f"{self.home}/logga-in",
            roles=choices(self.roles) if len(self.roles) > 1 else [],
            units=[Choice(hsa_id, name, hsa_id) for hsa_id, name in units.items()],  # the HSA-id under each name
        )
