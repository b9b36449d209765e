"""Reception logs in to the console through the real Keycloak's own login page (issue 16), in Chromium: a triage
process in production mode (NARA_ENVIRONMENT=production, its pseudonym key and console secret) told the issuer
and the staff client (NARA_OIDC_ISSUER, NARA_STAFF_OIDC_CLIENT_ID/_SECRET). There the development login and
development tokens are refused."""

from __future__ import annotations

import secrets

import httpx
import pytest
from playwright.async_api import expect

from nara.devstack.browser import log_in_at_provider, provider_asks_for_the_password_again
from nara.devstack.processes import free_port
from nara.devstack.testing import IdentityProvider, scratch_schema, service_process
from nara.shared.identity import IdentitySettings, issue_dev_token
from nara.shared.web.session import csrf_token
from nara.triage.entrypoints.console.kit import LOGIN

DESKTOP = {"width": 1280, "height": 800}
PAGES_SECRET = secrets.token_hex(32)
STAFF_HSA_ID = "SE2321000115-P000000101"


@pytest.fixture(scope="module")
async def console_with_provider(infrastructure, identity_provider: IdentityProvider, tmp_path_factory):
    async with scratch_schema(infrastructure.database_urls["triage"], prefix="consoleidp") as url:
        env = {
            "TRIAGE_BOOKING_URL": f"http://127.0.0.1:{free_port()}",  # this test books nothing
            "TRIAGE_GUARANTEE_MONITOR_URL": f"http://127.0.0.1:{free_port()}",
            "NARA_ENVIRONMENT": "production",
            "NARA_PSEUDONYM_KEY": secrets.token_hex(32),
            "TRIAGE_CONSOLE_SECRET": PAGES_SECRET,
            **identity_provider.client_settings("staff"),
        }
        with service_process("triage", infrastructure, url, env, tmp_path_factory.mktemp("logs")) as base:
            yield base


async def test_reception_logs_in_at_the_provider_opens_a_new_contact_and_logs_out_there_too(
    browser, console_with_provider, identity_provider
):
    context = await browser.new_context(viewport=DESKTOP, locale="sv-SE", base_url=console_with_provider)
    page = await context.new_page()
    try:
        await page.goto("/console")
        assert page.url.startswith(identity_provider.issuer), "the console sends a person not logged in to Keycloak"
        await log_in_at_provider(page, "reception")

        await page.wait_for_url(f"{console_with_provider}/console")
        await expect(page.locator(".header-who")).to_contain_text("Anna Reception")
        await expect(page.locator(".header-units")).to_contain_text("Falkenberg")
        await page.get_by_role("link", name="Ny kontakt").click()
        await page.wait_for_url(f"{console_with_provider}/console/kontakter/ny")
        await expect(page.get_by_label("Personnummer")).to_be_visible()

        await page.get_by_role("button", name="Logga ut").click()
        await page.wait_for_url(f"{console_with_provider}/console/logga-in?utloggad=1")
        await expect(page.get_by_role("heading", level=1)).to_have_text("Du är utloggad")

        # Keycloak's session is over too: it asks for the password again
        await provider_asks_for_the_password_again(page, "/console", identity_provider.issuer)
    finally:
        await context.close()


async def test_in_production_the_development_login_and_development_tokens_are_refused(
    console_with_provider, identity_provider
):
    provider_token = identity_provider.password_grant("nara-staff", "reception").json()["access_token"]
    units = list(LOGIN.units)[:1]
    dev_token = issue_dev_token("reception", STAFF_HSA_ID, units, settings=IdentitySettings(environment="development"))
    api = f"{console_with_provider}/api/v1/guidelines"

    async with httpx.AsyncClient(timeout=30) as http:
        assert (await http.get(api, headers={"Authorization": f"Bearer {provider_token}"})).status_code == 200
        assert (await http.get(api, headers={"Authorization": f"Bearer {dev_token}"})).status_code == 401

        # The development login's form, filled in as its own page would (a valid CSRF token), gives no session.
        csrf = csrf_token(PAGES_SECRET.encode(), "login", LOGIN.purpose or LOGIN.cookie)
        answer = await http.post(
            f"{console_with_provider}/console/logga-in",
            data={"hsa-id": STAFF_HSA_ID, "roll": "reception", "enheter": units, "csrf": csrf},
        )
        assert answer.status_code == 403
        assert "Utvecklingsinloggningen används inte i drift" in answer.text
        assert LOGIN.cookie not in answer.cookies
