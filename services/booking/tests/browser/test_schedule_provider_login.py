"""A scheduler logs in to the clinic's schedule pages (/personal/schema) through the real Keycloak's own login page
(issue 16), in Chromium: the booking process's staff pages use the staff client (NARA_STAFF_OIDC_CLIENT_ID/_SECRET)
beside the citizens' one, each with its own cookie."""

from __future__ import annotations

import uuid

import pytest
from booking_support import UNIT_FALKENBERG
from playwright.async_api import expect

from nara.devstack.browser import log_in_at_provider, provider_asks_for_the_password_again
from nara.devstack.processes import free_port
from nara.devstack.testing import IdentityProvider, scratch_schema, service_process

DESKTOP = {"width": 1280, "height": 800}
NEW_PRACTITIONER = ("SE2321000115-P000000977", "Vera Provider")


@pytest.fixture(scope="module")
async def schedule_with_provider(infrastructure, identity_provider: IdentityProvider, tmp_path_factory):
    async with scratch_schema(infrastructure.database_urls["booking"], prefix="scheduleidp") as url:
        env = {
            "BOOKING_LOAD_DEMO_DATA": "true",
            "BOOKING_CONTACTS_CONSUMER_GROUP": f"booking-schedule-idp-{uuid.uuid4().hex[:8]}",
            "BOOKING_TRIAGE_URL": f"http://127.0.0.1:{free_port()}",  # this test shows no patients
            **identity_provider.client_settings("staff", "citizen"),
        }
        with service_process("booking", infrastructure, url, env, tmp_path_factory.mktemp("logs")) as base:
            yield base


async def test_a_scheduler_logs_in_at_the_provider_adds_a_practitioner_and_logs_out_there_too(
    browser, schedule_with_provider, identity_provider
):
    context = await browser.new_context(viewport=DESKTOP, locale="sv-SE", base_url=schedule_with_provider)
    page = await context.new_page()
    wanted = f"/personal/schema/behandlare?enhet={UNIT_FALKENBERG}"
    try:
        await page.goto(wanted)
        assert page.url.startswith(identity_provider.issuer), "the schedule sends a person not logged in to Keycloak"
        await log_in_at_provider(page, "scheduler")

        await page.wait_for_url(f"{schedule_with_provider}{wanted}")  # back on the page asked for
        await expect(page.locator(".header-who")).to_contain_text("Sara Schema")
        await expect(page.locator(".header-units")).to_contain_text("Falkenberg")
        await page.get_by_role("button", name="Lägg till behandlare").click()
        await page.get_by_label("HSA-id").fill(NEW_PRACTITIONER[0])
        await page.get_by_label("Namn").fill(NEW_PRACTITIONER[1])
        await page.get_by_label("Yrke").select_option(label="Sjuksköterska")
        await page.get_by_role("button", name="Lägg till behandlaren").click()
        await expect(page.locator("main")).to_contain_text(NEW_PRACTITIONER[1])

        await page.get_by_role("button", name="Logga ut").click()
        await page.wait_for_url(f"{schedule_with_provider}/personal/schema/logga-in?utloggad=1")

        # Keycloak's session is over too: it asks for the password again
        await provider_asks_for_the_password_again(page, wanted, identity_provider.issuer)
    finally:
        await context.close()


async def test_reception_at_the_provider_reads_the_schedule_but_may_not_change_it(
    browser, schedule_with_provider, identity_provider
):
    context = await browser.new_context(viewport=DESKTOP, locale="sv-SE", base_url=schedule_with_provider)
    page = await context.new_page()
    try:
        await page.goto(f"/personal/schema/behandlare?enhet={UNIT_FALKENBERG}")
        await log_in_at_provider(page, "reception")

        await expect(page.locator(".header-who")).to_contain_text("Anna Reception")
        await expect(page.get_by_role("heading", level=1)).to_be_visible()
        await expect(page.get_by_role("button", name="Lägg till behandlare")).to_have_count(0)
    finally:
        await context.close()
