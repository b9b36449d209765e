"""A citizen logs in to the booking pages through the real Keycloak's own login page (issue 16), in Chromium:
a booking process in production mode (NARA_ENVIRONMENT=production, its pseudonym key and pages secret) told the
issuer and its client (NARA_OIDC_ISSUER, NARA_CITIZEN_OIDC_CLIENT_ID/_SECRET). There the development login and
development tokens are refused.

No demo data: booking loads it through its own API with development tokens, which production refuses (rightly);
the citizen's page needs none."""

from __future__ import annotations

import secrets
import uuid

import httpx
import pytest
from playwright.async_api import expect

from nara.booking.entrypoints.pages.session import LOGIN_COOKIE, SESSION_COOKIE
from nara.devstack.browser import log_in_at_provider, provider_asks_for_the_password_again
from nara.devstack.processes import free_port
from nara.devstack.testing import IdentityProvider, scratch_schema, service_process
from nara.shared.identity import IdentitySettings, issue_dev_token
from nara.shared.web.session import csrf_token

CITIZEN = "19850709-9805"  # Karin Berg in the realm file
PAGES_SECRET = secrets.token_hex(32)


@pytest.fixture(scope="module")
async def booking_with_provider(infrastructure, identity_provider: IdentityProvider, tmp_path_factory):
    async with scratch_schema(infrastructure.database_urls["booking"], prefix="providerpages") as url:
        env = {
            "NARA_ENVIRONMENT": "production",
            "NARA_PSEUDONYM_KEY": secrets.token_hex(32),
            "BOOKING_PAGES_SECRET": PAGES_SECRET,
            "BOOKING_CONTACTS_CONSUMER_GROUP": f"booking-provider-pages-{uuid.uuid4().hex[:8]}",
            "BOOKING_TRIAGE_URL": f"http://127.0.0.1:{free_port()}",  # this test books nothing
            **identity_provider.client_settings("citizen"),
        }
        with service_process("booking", infrastructure, url, env, tmp_path_factory.mktemp("logs")) as base:
            yield base


async def test_a_citizen_logs_in_at_the_provider_sees_their_times_and_logs_out_there_too(
    browser, booking_with_provider, identity_provider
):
    context = await browser.new_context(locale="sv-SE", base_url=booking_with_provider)
    page = await context.new_page()
    try:
        await page.goto("/mina-tider")
        assert page.url.startswith(identity_provider.issuer), "the pages send a person not logged in to Keycloak"
        await log_in_at_provider(page, CITIZEN)

        await page.wait_for_url(f"{booking_with_provider}/mina-tider")  # back on the page asked for
        await expect(page.locator(".nav-who")).to_contain_text("Karin Berg")
        await expect(page.get_by_role("heading", level=1)).to_have_text("Mina tider")

        await page.get_by_role("button", name="Logga ut").click()
        await page.wait_for_url(f"{booking_with_provider}/logga-in?utloggad=1")
        await expect(page.locator(".notice")).to_contain_text("Du är utloggad")

        # Keycloak's session is over too: it asks for the password again
        await provider_asks_for_the_password_again(page, "/mina-tider", identity_provider.issuer)
    finally:
        await context.close()


async def test_in_production_the_development_login_and_development_tokens_are_refused(
    booking_with_provider, identity_provider
):
    provider_token = identity_provider.password_grant("nara-citizen", CITIZEN).json()["access_token"]
    dev_token = issue_dev_token("citizen", CITIZEN, settings=IdentitySettings(environment="development"))
    mine = f"{booking_with_provider}/api/v1/appointments"

    async with httpx.AsyncClient(timeout=30) as http:
        assert (await http.get(mine, headers={"Authorization": f"Bearer {provider_token}"})).status_code == 200
        assert (await http.get(mine, headers={"Authorization": f"Bearer {dev_token}"})).status_code == 401

        # The development login's form, filled in as its own page would (a valid CSRF token), gives no session.
        nonce = "a-login-attempt"
        http.cookies.set(LOGIN_COOKIE, nonce)
        answer = await http.post(
            f"{booking_with_provider}/logga-in",
            data={
                "personnummer": CITIZEN,
                "nasta": "/mina-tider",
                "csrf": csrf_token(PAGES_SECRET.encode(), f"login|{nonce}"),
            },
        )
        assert "Inloggning för test är avstängd här" in answer.text
        assert SESSION_COOKIE not in answer.cookies
