"""A citizen logs in to the booking pages through the real Keycloak's own login page (issue 16), in Chromium:
a booking process told the issuer and its client (NARA_OIDC_ISSUER, NARA_CITIZEN_OIDC_CLIENT_ID/_SECRET)."""

from __future__ import annotations

import uuid

import pytest
from playwright.async_api import expect

from nara.devstack.processes import free_port
from nara.devstack.testing import IdentityProvider, scratch_schema, service_process

CITIZEN = "19850709-9805"  # Karin Berg in the realm file


@pytest.fixture(scope="module")
async def booking_with_provider(infrastructure, identity_provider: IdentityProvider, tmp_path_factory):
    async with scratch_schema(infrastructure.database_urls["booking"], prefix="providerpages") as url:
        env = {
            "BOOKING_LOAD_DEMO_DATA": "true",
            "BOOKING_CONTACTS_CONSUMER_GROUP": f"booking-provider-pages-{uuid.uuid4().hex[:8]}",
            "BOOKING_TRIAGE_URL": f"http://127.0.0.1:{free_port()}",  # this test books nothing
            "NARA_OIDC_ISSUER": identity_provider.issuer,
            "NARA_CITIZEN_OIDC_CLIENT_ID": "nara-citizen",
            "NARA_CITIZEN_OIDC_CLIENT_SECRET": "nara-citizen-dev-secret",
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
        await page.locator("#username").fill(CITIZEN)
        await page.locator("#password").fill("nara-dev")
        await page.locator("#kc-login").click()

        await page.wait_for_url(f"{booking_with_provider}/mina-tider")  # back on the page asked for
        await expect(page.locator(".nav-who")).to_contain_text("Karin Berg")
        await expect(page.get_by_role("heading", level=1)).to_have_text("Mina tider")

        await page.get_by_role("button", name="Logga ut").click()
        await page.wait_for_url(f"{booking_with_provider}/logga-in?utloggad=1")
        await expect(page.locator(".notice")).to_contain_text("Du är utloggad")

        await page.goto("/mina-tider")  # Keycloak's session is over too: it asks for the password again
        assert page.url.startswith(identity_provider.issuer)
        await expect(page.locator("#password")).to_be_visible()
    finally:
        await context.close()
