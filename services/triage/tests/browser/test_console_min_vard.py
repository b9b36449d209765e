"""Min vård from the console (issue 17): reception opens a contact, follows "Patientens Min vård" and writes the
patient's agreement, fixed care contacts and plan with the keyboard alone; the console writes them in the real
booking service on the receptionist's token, and the patient, logged in to booking's pages on a phone, sees them
on /min-vard. axe finds nothing serious on the console's page, which is photographed at 390 px."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from playwright.async_api import expect

from nara.devstack.browser import press_button, tab_to, type_into

SHOTS = Path(os.environ.get("NARA_SCREENSHOTS", "/tmp/nara-screenshots"))  # look at them before calling a page done
SHOTS.mkdir(parents=True, exist_ok=True)
NURSE = "SE2321000115-P000000103"  # Maria Svensson at Falkenberg (booking's demo data)


async def booking_knows_the_contact(steps, booking_url: str, patient: str) -> None:
    """Booking learns of the contact from Kafka (its contacts read model): wait until it answers for the patient."""
    token = steps.staff_token("reception", [steps.FALKENBERG])
    async with asyncio.timeout(90):
        while True:
            answer = await steps.api(booking_url, "GET", "/api/v1/patient-contract", token, params={"patient": patient})
            if answer.status_code == 200:
                return
            await asyncio.sleep(0.5)


async def test_reception_writes_min_vard_from_the_console_and_the_patient_sees_it(
    audit_desk, browser, steps, axe_script, triage_console, booking_service
):
    patient = steps.new_personnummer()
    contact = await steps.register_by_api(triage_console, steps.FALKENBERG, patient=patient, channel="phone_unit")
    await booking_knows_the_contact(steps, booking_service, patient)

    page = audit_desk
    await steps.log_in(page)
    await page.goto(f"/console/kontakter/{contact['id']}")
    await tab_to(page, lambda f: f["tag"] == "A" and f["text"].startswith("Patientens Min vård"))
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", name="Min vård", exact=True)).to_be_visible()
    await expect(page.get_by_text("kontakta vårdcentralen (Vårdcentralen Falkenberg)")).to_be_visible()

    await type_into(page, "vard_gor", "Vi ringer dig när provsvaren har kommit.")
    await type_into(page, "patient_gor", "Du lämnar blodprov på vårdcentralen.")
    await press_button(page, "Spara överenskommelsen")
    await expect(page.get_by_text("Överenskommelsen är sparad")).to_be_visible()

    await tab_to(page, lambda f: f["name"] == "kontakter" and f["value"] == NURSE)
    await page.keyboard.press("Space")
    await press_button(page, "Spara vårdkontakterna")
    await expect(page.get_by_text("De fasta vårdkontakterna är sparade")).to_be_visible()

    await type_into(page, "vad-1", "Lämna blodprov")
    await type_into(page, "dag-1", "2027-01-15")
    await press_button(page, "Spara planen")
    await expect(page.get_by_text("Planen är sparad")).to_be_visible()
    await expect(page.get_by_text("Patientens nästa steg nu: Lämna blodprov.")).to_be_visible()
    await steps.assert_accessible(page, axe_script, "Min vård in the console")
    await page.set_viewport_size({"width": 390, "height": 844})
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    await page.screenshot(path=str(SHOTS / "console-min-vard-390.png"), full_page=True)

    citizen = await browser.new_context(
        viewport={"width": 390, "height": 844}, locale="sv-SE", base_url=booking_service
    )
    mine = await citizen.new_page()
    try:
        await mine.goto("/logga-in")
        await mine.get_by_label("Personnummer").fill(patient)
        await mine.get_by_role("button", name="Logga in").click()
        await mine.goto("/min-vard")
        await expect(mine.get_by_role("region", name="Ditt nästa steg")).to_contain_text("Lämna blodprov")
        for written in (
            "Vi ringer dig när provsvaren har kommit.",
            "Du lämnar blodprov på vårdcentralen.",
            "Maria Svensson",
        ):
            await expect(mine.get_by_text(written).first).to_be_visible()
        await expect(mine.get_by_text("Fredag 15 januari", exact=True)).to_be_visible()
    finally:
        await citizen.close()
