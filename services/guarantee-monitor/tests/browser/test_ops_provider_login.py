"""Ops log in to the operations page through the real Keycloak's own login page (issue 16), in Chromium: a
guarantee-monitor process in production mode (NARA_ENVIRONMENT=production and its ops secret) told the issuer and
the staff client (NARA_OIDC_ISSUER, NARA_STAFF_OIDC_CLIENT_*). There the development login and development tokens
are refused."""

from __future__ import annotations

import secrets
import uuid

import httpx
import pytest
from playwright.async_api import expect

from nara.devstack.browser import log_in_at_provider, provider_asks_for_the_password_again
from nara.devstack.testing import IdentityProvider, scratch_schema, service_process
from nara.guarantee_monitor.entrypoints.ops.kit import LOGIN
from nara.shared.identity import IdentitySettings, issue_dev_token
from nara.shared.web.session import csrf_token

DESKTOP = {"width": 1280, "height": 800}
PAGES_SECRET = secrets.token_hex(32)
STAFF_HSA_ID = "SE2321000115-P000000101"


@pytest.fixture(scope="module")
async def ops_with_provider(infrastructure, identity_provider: IdentityProvider, tmp_path_factory):
    async with scratch_schema(infrastructure.database_urls["guarantee-monitor"], prefix="opsidp") as url:
        env = {
            "GUARANTEE_MONITOR_CONSUMER_GROUP": f"ops-idp-{uuid.uuid4().hex[:8]}",
            "NARA_ENVIRONMENT": "production",
            "GUARANTEE_MONITOR_OPS_SECRET": PAGES_SECRET,
            **identity_provider.client_settings("staff"),
        }
        with service_process("guarantee-monitor", infrastructure, url, env, tmp_path_factory.mktemp("logs")) as base:
            yield base


async def test_ops_log_in_at_the_provider_open_the_list_and_log_out_there_too(
    browser, ops_with_provider, identity_provider
):
    context = await browser.new_context(viewport=DESKTOP, locale="sv-SE", base_url=ops_with_provider)
    page = await context.new_page()
    try:
        await page.goto("/ops")
        assert page.url.startswith(identity_provider.issuer), "the page sends a person not logged in to Keycloak"
        await log_in_at_provider(page, "ops")

        await page.wait_for_url(f"{ops_with_provider}/ops")
        await expect(page.get_by_role("heading", level=1)).to_have_text("Vårdgarantin på dina enheter")
        await expect(page.locator(".header-who")).to_contain_text("Olle Drift")
        await expect(page.locator(".header-units")).to_contain_text("Fyllinge")
        listed = await page.request.get("/ops/lista")  # the same login, from the page's own session
        assert listed.status == 200

        await page.get_by_role("button", name="Logga ut").click()
        await page.wait_for_url(f"{ops_with_provider}/ops/logga-in?utloggad=1")
        await expect(page.get_by_role("heading", level=1)).to_have_text("Du är utloggad")

        # Keycloak's session is over too: it asks for the password again
        await provider_asks_for_the_password_again(page, "/ops", identity_provider.issuer)
    finally:
        await context.close()


async def test_in_production_the_development_login_and_development_tokens_are_refused(
    ops_with_provider, identity_provider
):
    provider_token = identity_provider.password_grant("nara-staff", "ops").json()["access_token"]
    units = list(LOGIN.units)[:1]
    dev_token = issue_dev_token("ops", STAFF_HSA_ID, units, settings=IdentitySettings(environment="development"))
    api = f"{ops_with_provider}/api/v1/clocks"

    async with httpx.AsyncClient(timeout=30) as http:
        assert (await http.get(api, headers={"Authorization": f"Bearer {provider_token}"})).status_code == 200
        assert (await http.get(api, headers={"Authorization": f"Bearer {dev_token}"})).status_code == 401

        # The development login's form, filled in as its own page would (a valid CSRF token), gives no session.
        csrf = csrf_token(PAGES_SECRET.encode(), "login", LOGIN.purpose or LOGIN.cookie)
        answer = await http.post(
            f"{ops_with_provider}/ops/logga-in",
            data={"hsa-id": STAFF_HSA_ID, "enheter": units, "csrf": csrf},
        )
        assert answer.status_code == 403
        assert "Utvecklingsinloggningen används inte i drift" in answer.text
        assert LOGIN.cookie not in answer.cookies
