"""'Påminnelser' on a 390 px phone (issue 18): straight after booking, a citizen follows the confirmation's link,
reads that no reminders come until they choose, is told what is wrong with an empty address, and chooses e-mail;
the choice is stored once, axe finds no serious or critical problem, no page is wider than the phone, and the page
is photographed at 390 and 1280 px (under NARA_SCREENSHOTS)."""

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


async def test_a_citizen_chooses_email_reminders_after_booking_on_a_phone(browser, booking_pages, helpers):
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

        await page.get_by_role("link", name="Vill du få en påminnelse före tiden?").click()
        await expect(page.get_by_role("heading", level=1)).to_have_text("Påminnelser om dina tider")
        await expect(page.get_by_text("Just nu får du inga påminnelser, eftersom inget val är gjort.")).to_be_visible()
        await helpers.fits_and_is_accessible(page, "the empty form")

        await page.get_by_label("E-post", exact=True).check()
        await page.get_by_role("button", name="Spara").click()
        await expect(page).to_have_title("Fel: Påminnelser – Nära webbtidbok")
        await expect(page.locator(".error-summary")).to_contain_text("Skriv en e-postadress")
        await expect(page.get_by_label("E-post", exact=True)).to_be_checked()  # what was chosen stays
        await helpers.fits_and_is_accessible(page, "the form with an error")
        await page.screenshot(path=str(SHOTS / "paminnelser-fel.png"), full_page=True)

        await page.get_by_label("E-postadress (om du valde e-post)").fill("anna@example.se")
        await page.get_by_role("button", name="Spara").click()
        await expect(page.locator(".success-banner")).to_have_text("Ditt val är sparat")
        await expect(page.get_by_text("Just nu kommer påminnelserna med e-post till anna@example.se.")).to_be_visible()
        await helpers.fits_and_is_accessible(page, "the saved choice")
        await page.screenshot(path=str(SHOTS / "paminnelser.png"), full_page=True)
        await page.set_viewport_size(DESKTOP)
        await page.screenshot(path=str(SHOTS / "paminnelser-1280.png"), full_page=True)

        await page.set_viewport_size(PHONE)
        await page.get_by_role("link", name="Mina tider").last.click()
        await expect(page.get_by_role("link", name="Vill du få en påminnelse före dina tider?")).to_be_visible()
    finally:
        await context.close()

    connection = await asyncpg.connect(booking_pages["database"])
    try:
        rows = await connection.fetch(
            "SELECT reach_by, reach_at FROM reminder_preferences WHERE patient = $1",
            pseudonymiser_from_environment().pseudonym(pnr),
        )
    finally:
        await connection.close()
    assert [(r["reach_by"], r["reach_at"]) for r in rows] == [("email", "anna@example.se")]
