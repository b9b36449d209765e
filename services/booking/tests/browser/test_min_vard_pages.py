"""Min vård in the browser (issue 17): reception writes a patient's agreement, fixed care contacts and plan on
/personal/schema/min-vard with the keyboard alone, and the patient, logged in on a phone, sees exactly that on
/min-vard with the one next step at the top; a guardian chooses between themselves and their child. axe finds no
serious or critical problem, no page is wider than the phone, and the pages are photographed at 390 and 1280 px
(under NARA_SCREENSHOTS)."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
import pytest
from playwright.async_api import expect

from nara.devstack.browser import focused, press_button, tab_to, type_into
from nara.shared.identity import issue_dev_token

UNIT = "SE2321000115-E00000000011"  # Vårdcentralen Falkenberg
RECEPTION = "SE2321000115-P000000972"
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}
SHOTS = Path(os.environ.get("NARA_SCREENSHOTS", "/tmp/nara-screenshots"))  # look at them before calling a page done


async def book_a_time(booking_url: str, pnr: str) -> None:
    """The patient books a nurse's time at Falkenberg through the API: so they are a patient of the unit."""
    headers = {"Authorization": f"Bearer {issue_dev_token('citizen', pnr)}"}
    async with httpx.AsyncClient(base_url=booking_url, timeout=30) as client:
        slots = await client.get(
            "/api/v1/slots", params={"unit": UNIT, "profession": "nurse", "page_size": 1}, headers=headers
        )
        booked = await client.post(
            "/api/v1/appointments", json={"slot_id": slots.json()["slots"][0]["id"]}, headers=headers
        )
        assert booked.status_code == 201, booked.text


@pytest.fixture(scope="module", autouse=True)
def shots_folder() -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)


async def test_reception_writes_min_vard_with_the_keyboard_and_the_patient_sees_it(
    browser, booking_pages, triage_service, helpers
):
    pnr, child = helpers.new_personnummer(), helpers.born(4 * 365, 977)
    await book_a_time(booking_pages["url"], pnr)
    await helpers.tell_custody(triage_service, pnr, child, "Alva")

    # axe is injected as an inline script, which the pages' Content-Security-Policy rightly forbids.
    staff = await browser.new_context(viewport=PHONE, locale="sv-SE", base_url=booking_pages["url"], bypass_csp=True)
    page = await staff.new_page()
    try:
        await page.goto("/personal/schema/logga-in")
        await type_into(page, "hsa-id", RECEPTION)
        await tab_to(page, lambda f: f["name"] == "roll")
        await page.keyboard.press("ArrowDown")
        assert (await focused(page))["value"] == "reception"
        await tab_to(page, lambda f: f["name"] == "enheter" and f["value"] == UNIT)
        await page.keyboard.press("Space")
        await press_button(page, "Logga in")
        await expect(page.get_by_role("heading", name="Schema för Vårdcentralen Falkenberg")).to_be_visible()

        await tab_to(page, lambda f: f["tag"] == "A" and f["text"] == "Min vård")
        await page.keyboard.press("Enter")
        await expect(page.get_by_role("heading", name="Min vård", exact=True)).to_be_visible()
        await helpers.fits_and_is_accessible(page, "staff: find the patient", PHONE["width"])
        await type_into(page, "patient", pnr)
        await page.keyboard.press("Enter")
        await expect(page.get_by_role("heading", name=f"Patient {pnr}")).to_be_visible()

        await type_into(page, "vard_gor", "Vi följer upp ditt blodtryck var tredje månad.")
        await type_into(page, "patient_gor", "Du mäter blodtrycket hemma en gång i veckan.")
        await press_button(page, "Spara överenskommelsen")
        await expect(page.get_by_text("Överenskommelsen är sparad")).to_be_visible()

        await tab_to(page, lambda f: f["name"] == "kontakter" and f["value"] == "SE2321000115-P000000103")
        await page.keyboard.press("Space")
        await tab_to(page, lambda f: f["name"] == "lakare")
        while (await focused(page))["value"] != "SE2321000115-P000000102":
            await page.keyboard.press("ArrowDown")
        await press_button(page, "Spara vårdkontakterna")
        await expect(page.get_by_text("De fasta vårdkontakterna är sparade")).to_be_visible()

        await type_into(page, "vad-1", "Lämna blodprov")
        await type_into(page, "vem-1", "Sjuksköterska")
        await tab_to(page, lambda f: f["name"] == "nar-1")
        await page.keyboard.press("ArrowDown")  # En vecka
        await type_into(page, "dag-1", "2027-01-13")
        await type_into(page, "vad-2", "Promenera 30 minuter om dagen")
        await tab_to(page, lambda f: f["name"] == "nar-2")
        await page.keyboard.press("ArrowDown")
        await page.keyboard.press("ArrowDown")  # När det passar
        await press_button(page, "Spara planen")
        await expect(page.get_by_text("Planen är sparad")).to_be_visible()
        await helpers.fits_and_is_accessible(page, "staff: the contract", PHONE["width"])
        await page.screenshot(path=str(SHOTS / "min-vard-personal.png"), full_page=True)
        await page.set_viewport_size(DESKTOP)
        await page.screenshot(path=str(SHOTS / "min-vard-personal-1280.png"), full_page=True)
    finally:
        await staff.close()

    patient = await browser.new_context(viewport=PHONE, locale="sv-SE", base_url=booking_pages["url"], bypass_csp=True)
    page = await patient.new_page()
    try:
        await helpers.log_in(page, pnr)
        await page.goto("/min-vard")
        next_step = page.get_by_role("region", name="Ditt nästa steg")
        await expect(next_step).to_contain_text("Din nästa tid är")
        for written in (
            "Vi följer upp ditt blodtryck var tredje månad.",
            "Du mäter blodtrycket hemma en gång i veckan.",
            "Erik Johansson",
            "Maria Svensson",
            "Lämna blodprov",
            "Vecka 2 (11–17 januari)",
            "Promenera 30 minuter om dagen",
            "När det passar dig",
        ):
            await expect(page.get_by_text(written).first).to_be_visible()
        await expect(page.get_by_text("Fast läkarkontakt")).to_be_visible()
        assert await page.get_by_role("radio", name="Mig själv").is_checked(), "a guardian chooses self or child"
        await helpers.fits_and_is_accessible(page, "citizen: Min vård", PHONE["width"])
        await page.screenshot(path=str(SHOTS / "min-vard.png"), full_page=True)

        await page.get_by_role("radio", name="Alva").check()
        await page.get_by_role("button", name="Visa").click()
        await expect(page.get_by_role("heading", name="Min vård för Alva")).to_be_visible()
        await expect(page.get_by_text("Det finns ingen plan än.")).to_be_visible()
        await helpers.fits_and_is_accessible(page, "citizen: the child's Min vård", PHONE["width"])
        await page.screenshot(path=str(SHOTS / "min-vard-barn.png"), full_page=True)

        await page.goto("/min-vard")
        await page.set_viewport_size(DESKTOP)
        await helpers.fits_and_is_accessible(page, "citizen: Min vård on a desktop", DESKTOP["width"])
        await page.screenshot(path=str(SHOTS / "min-vard-1280.png"), full_page=True)
    finally:
        await patient.close()
