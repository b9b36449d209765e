"""A staff app's pages log in through the real Keycloak (issue 16): the kit's StaffLogin as an OpenID Connect
relying party, in a small app of its own at /ops (a path the realm's nara-staff client accepts).

The browser's two sides are played by hand: a TestClient for the app, an httpx client (with Keycloak's cookies)
for the provider's own login form. The redirect carries PKCE S256, state and nonce; a state or nonce that does
not fit is refused with a Swedish page; logout ends Keycloak's session too."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
import pytest
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import PlainTextResponse, Response
from fastapi.testclient import TestClient

from nara.devstack.testing import IdentityProvider
from nara.shared.identity import IdentitySettings, identity_settings, request_time
from nara.shared.web import problems
from nara.shared.web.login import Staff, StaffLogin
from nara.shared.web.pages import PageKit, Site
from nara.shared.web.routing import PageRoute
from nara.shared.web.session import sign, unsign

KIT_APP = Path(__file__).parents[2] / "shared" / "tests" / "unit" / "kit_app"
KIT = PageKit(KIT_APP, Site(name="Nära", product="drift", home="/ops"))
LOGIN = StaffLogin(
    home="/ops",
    cookie="nara_ops_test",
    key_variable="NARA_OPS_TEST_SECRET",
    units={"SE2321000115-E00000000011": "Vårdcentralen Falkenberg"},
    roles={"ops": "drift"},
    example_hsa_id="SE2321000115-P000000301",
)
PAGES_KEY = "ops-test-pages-key"


class OpsRoute(PageRoute):
    kit = KIT
    login_home = "/ops"


def make_app(provider: IdentityProvider) -> FastAPI:
    pages = APIRouter(prefix="/ops", route_class=OpsRoute)

    @pages.get("/rapport")
    async def report(request: Request, staff: Annotated[Staff, Depends(LOGIN.current_staff)]) -> Response:
        return PlainTextResponse(f"{staff.name}|{staff.role}|{','.join(staff.units)}|{staff.csrf}|{staff.token}")

    app = FastAPI()
    app.include_router(LOGIN.router(KIT, OpsRoute))
    app.include_router(pages)
    app.dependency_overrides[identity_settings] = lambda: IdentitySettings(oidc_issuer=provider.issuer)
    problems.install(app)
    KIT.install(app)
    return app


@pytest.fixture
def app_browser(identity_provider: IdentityProvider, monkeypatch) -> TestClient:
    monkeypatch.setenv("NARA_STAFF_OIDC_CLIENT_ID", "nara-staff")
    monkeypatch.setenv("NARA_STAFF_OIDC_CLIENT_SECRET", "nara-staff-dev-secret")
    monkeypatch.setenv("NARA_OPS_TEST_SECRET", PAGES_KEY)
    return TestClient(make_app(identity_provider), base_url="http://127.0.0.1", follow_redirects=False)


def to_provider(app_browser: TestClient, page: str = "/ops/rapport") -> str:
    """Open a page while logged out: the app's login, which sends the browser to Keycloak."""
    first = app_browser.get(page)
    assert first.status_code == 303
    login = app_browser.get(first.headers["location"])
    assert login.status_code == 303, login.text
    return login.headers["location"]


def provider_client() -> httpx.Client:
    """A browser at Keycloak. Its cookies are Secure and of version 1: a browser sends them to 127.0.0.1 over
    http, httpx's cookie jar does not, so they are kept by hand (one realm, one path)."""
    kept: dict[str, str] = {}

    def remember(response: httpx.Response) -> None:
        for header in response.headers.get_list("set-cookie"):
            name, _, rest = header.partition("=")
            if "max-age=0" in header.lower():
                kept.pop(name, None)
            else:
                kept[name] = rest.split(";", 1)[0]

    def send(request: httpx.Request) -> None:
        if kept:
            request.headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in kept.items())

    return httpx.Client(timeout=30, event_hooks={"request": [send], "response": [remember]})


def log_in_at_provider(provider_browser: httpx.Client, authorization_url: str, username: str) -> str:
    """Keycloak's own login form, filled in; the address it sends the browser back to."""
    form = provider_browser.get(authorization_url)
    assert form.status_code == 200, form.text
    action = html.unescape(re.search(r'id="kc-form-login"[^>]*action="([^"]+)"', form.text, re.S).group(1))
    answer = provider_browser.post(action, data={"username": username, "password": "nara-dev"})
    assert answer.status_code == 302, answer.text
    return answer.headers["location"]


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def test_the_redirect_carries_pkce_state_and_nonce(app_browser, identity_provider):
    url = to_provider(app_browser)

    query = parse_qs(urlsplit(url).query)
    assert url.startswith(f"{identity_provider.issuer}/protocol/openid-connect/auth?")
    assert query["response_type"] == ["code"]
    assert query["client_id"] == ["nara-staff"]
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["code_challenge"][0]) == 43  # base64url of a SHA-256
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32
    assert query["redirect_uri"] == ["http://127.0.0.1/ops/logga-in/klar"]
    assert "openid" in query["scope"][0].split()


def test_staff_log_in_come_back_to_the_page_and_log_out_at_the_provider_too(app_browser, identity_provider):
    with provider_client() as provider_browser:
        back = log_in_at_provider(provider_browser, to_provider(app_browser), "ops")
        landing = app_browser.get(path_of(back))
        assert landing.status_code == 200, landing.text
        assert 'url=/ops/rapport"' in landing.text

        page = app_browser.get("/ops/rapport")
        assert page.status_code == 200, page.text
        name, role, units, csrf, _ = page.text.split("|")
        assert (name, role) == ("Olle Drift", "ops")
        assert "SE2321000115-E00000000011" in units

        bye = app_browser.post("/ops/logga-ut", data={"csrf": csrf})
        assert bye.status_code == 200  # a page that moves on: the CSP's form-action stops a redirect elsewhere
        logout = html.unescape(re.search(r'content="0;url=([^"]+)"', bye.text).group(1))
        query = parse_qs(urlsplit(logout).query)
        assert logout.startswith(f"{identity_provider.issuer}/protocol/openid-connect/logout?")
        assert query["post_logout_redirect_uri"] == ["http://127.0.0.1/ops/logga-in?utloggad=1"]
        assert query["id_token_hint"]
        assert app_browser.get("/ops/rapport").status_code == 303  # logged out here

        at_provider = provider_browser.get(logout)
        assert at_provider.status_code == 302, at_provider.text
        assert at_provider.headers["location"] == "http://127.0.0.1/ops/logga-in?utloggad=1"
        # Keycloak's session is over: a new login asks for the password again.
        again = provider_browser.get(to_provider(app_browser))
        assert again.status_code == 200 and 'id="kc-form-login"' in again.text


def test_a_state_that_does_not_fit_is_refused(app_browser, identity_provider):
    with provider_client() as provider_browser:
        back = log_in_at_provider(provider_browser, to_provider(app_browser), "ops")
        tampered = re.sub(r"state=[^&]+", "state=not-the-one-sent", path_of(back))

        answer = app_browser.get(tampered)

    assert answer.status_code == 400
    assert "Inloggningen hör inte till den här webbläsaren" in answer.text
    assert app_browser.get("/ops/rapport").status_code == 303


def test_a_nonce_that_does_not_fit_is_refused(app_browser, identity_provider):
    with provider_client() as provider_browser:
        back = log_in_at_provider(provider_browser, to_provider(app_browser), "ops")
        cookie = LOGIN.provider.pending_cookie
        pending = unsign(PAGES_KEY.encode(), "oidc-pending", app_browser.cookies.get(cookie))
        assert pending is not None
        app_browser.cookies.set(
            cookie, sign(PAGES_KEY.encode(), "oidc-pending", {**pending, "nonce": "another-login"}), path="/ops"
        )

        answer = app_browser.get(path_of(back))

    assert answer.status_code == 400
    assert "Inloggningen hör inte till den här webbläsaren" in answer.text


def test_a_callback_without_a_started_login_is_refused(app_browser):
    answer = app_browser.get("/ops/logga-in/klar?code=x&state=y")

    assert answer.status_code == 400
    assert "Inloggningen hade gått ut eller startades inte här" in answer.text


def later(app_browser: TestClient, by: timedelta) -> None:
    """The app's clock moved on (the provider's stays real)."""
    app_browser.app.dependency_overrides[request_time] = lambda: datetime.now(UTC) + by  # type: ignore[attr-defined]


def logged_in_as_ops(app_browser: TestClient, provider_browser: httpx.Client) -> str:
    back = log_in_at_provider(provider_browser, to_provider(app_browser), "ops")
    assert app_browser.get(path_of(back)).status_code == 200
    return app_browser.get("/ops/rapport").text.split("|")[4]


def test_an_access_token_about_to_run_out_is_refreshed_at_the_provider(app_browser):
    with provider_client() as provider_browser:
        first = logged_in_as_ops(app_browser, provider_browser)
        later(app_browser, timedelta(seconds=280))  # Keycloak's access tokens live 300 s in the realm

        page = app_browser.get("/ops/rapport")

    assert page.status_code == 200, page.text
    assert page.text.split("|")[4] != first


def test_a_session_ends_after_the_idle_time(app_browser):
    with provider_client() as provider_browser:
        logged_in_as_ops(app_browser, provider_browser)
        later(app_browser, timedelta(minutes=31))

        assert app_browser.get("/ops/rapport").status_code == 303


def test_a_logout_at_the_provider_ends_the_session_here_at_the_next_refresh(app_browser, identity_provider):
    with provider_client() as provider_browser:
        logged_in_as_ops(app_browser, provider_browser)
        ended = provider_browser.get(f"{identity_provider.issuer}/protocol/openid-connect/logout")
        assert ended.status_code == 200  # Keycloak asks to confirm a logout without id_token_hint
        action = urljoin(str(ended.url), html.unescape(re.search(r'<form[^>]*action="([^"]+)"', ended.text).group(1)))
        fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', ended.text))
        assert provider_browser.post(action, data={**fields, "confirmLogout": "Logga ut"}).status_code in (200, 302)
        later(app_browser, timedelta(seconds=280))

        assert app_browser.get("/ops/rapport").status_code == 303
