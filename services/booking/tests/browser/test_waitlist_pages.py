"""'Vill du ha en tidigare tid?' on a 390 px phone (issue 18): a citizen who booked a time asks for an earlier one
from the time's page, is told what is wrong with a mobile number, and joins with e-mail; the entry is stored once,
axe finds no serious or critical problem, no page is wider than the phone, and the form is photographed at 390 and
1280 px (under NARA_SCREENSHOTS)."""

from __future__ import annotations

import os
from pathlib import Path

import asyncpg
import pytest
from playwright.async_api import expect

from nara.shared.pseudonym import pseudonymiser_from_environment

PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}
SHOTS = Path(os.environ.get("NARA_SCREENSHOTS", "/tmp/nara-screenshots"))  # look at them before calling a page done


@pytest.fixture(scope="module", autouse=True)
def shots_folder() -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)


async def test_a_citizen_asks_for_an_earlier_time_from_their_booked_time_on_a_phone(browser, booking_pages, helpers):
    pnr = helpers.new_personnummer()
    # axe is injected as an inline script, which the pages' Content-Security-Policy rightly forbids.
    context = await browser.new_context(viewport=PHONE, locale="sv-SE", base_url=booking_pages["url"], bypass_csp=True)
    page = await context.new_page()
    try:
        await helpers.log_in(page, pnr)
        await helpers.describe_bookable_problem(page)
        await helpers.choose_unit(page)
        await helpers.pick_slot(page, hours_ahead=26)
        await page.get_by_role("button", name="Fortsätt").click()
        await page.get_by_role("button", name="Bekräfta bokningen").click()
        await expect(page.locator(".success-banner")).to_have_text("Din tid är bokad")

        await page.get_by_role("link", name="Vill du ha en tidigare tid?").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Vill du ha en tidigare tid?")
        await expect(page.get_by_label("Vårdcentralen Falkenberg")).to_be_checked()  # the contact's own unit
        await expect(page.get_by_label("Måndag")).to_be_checked()
        await expect(page.get_by_label("Lördag")).not_to_be_checked()
        await helpers.fits_and_is_accessible(page, "the empty form")

        await page.get_by_label("Sms", exact=True).check()
        await page.get_by_label("Mobilnummer (om du valde sms)").fill("08-123 45")
        await page.get_by_role("button", name="Ställ mig i kö").click()
        await expect(page).to_have_title("Fel: Vill du ha en tidigare tid? – Nära webbtidbok")
        await expect(page.locator(".error-summary")).to_contain_text("Skriv ett mobilnummer")
        await expect(page.get_by_label("Sms", exact=True)).to_be_checked()  # what was chosen stays
        await helpers.fits_and_is_accessible(page, "the form with an error")
        await page.screenshot(path=str(SHOTS / "tidigare-tid-fel.png"), full_page=True)

        await page.get_by_label("Kväll (från 17:00)").uncheck()
        await page.get_by_label("E-post", exact=True).check()
        await page.get_by_label("E-postadress (om du valde e-post)").fill("anna@example.se")
        await page.get_by_role("button", name="Ställ mig i kö").click()
        await expect(page.locator(".success-banner")).to_have_text("Du står i kö till en tidigare tid")
        await expect(page.get_by_role("button", name="Ändra")).to_be_visible()
        await expect(page.get_by_label("Kväll (från 17:00)")).not_to_be_checked()
        await helpers.fits_and_is_accessible(page, "the joined entry")
        await page.screenshot(path=str(SHOTS / "tidigare-tid.png"), full_page=True)
        await page.set_viewport_size(DESKTOP)
        await page.screenshot(path=str(SHOTS / "tidigare-tid-1280.png"), full_page=True)
    finally:
        await context.close()

    connection = await asyncpg.connect(booking_pages["database"])
    try:
        rows = await connection.fetch(
            "SELECT day_parts, reach_by, reach_at, ended_at FROM waitlist_entries WHERE patient = $1",
            pseudonymiser_from_environment().pseudonym(pnr),
        )
    finally:
        await connection.close()
    assert [(list(r["day_parts"]), r["reach_by"], r["reach_at"], r["ended_at"]) for r in rows] == [
        (["afternoon", "morning"], "email", "anna@example.se", None)
    ]
