"""axe-core (WCAG 2.0/2.1 A and AA) on every console page, including its error states: nothing serious or critical."""

from __future__ import annotations

import re

from playwright.async_api import expect

ANSWERS = {
    "airway": "Nej",
    "abscess_signs": "Nej",
    "sepsis_signs": "Nej",
    "fever": "Ja",
    "non_blanching_rash": "Nej",
    "new_confusion": "Nej",
    "stiff_neck": "Nej",
    "immunosuppressed": "Nej",
    "cannot_drink": "Nej",
    "cough": "Nej",
    "tender_glands": "Ja",
    "tonsil_coating": "Ja",
    "days": "4",
}


async def test_every_console_page_passes_axe(audit_desk, steps, axe_script, triage_console):
    page = audit_desk
    checked: list[str] = []

    async def check(name: str) -> None:
        await expect(page).to_have_title(re.compile(r".+ – Nära triagekonsol$"))
        await steps.assert_accessible(page, axe_script, name)
        checked.append(name)

    await page.goto("/console/logga-in")
    await check("login")
    await page.get_by_role("button", name="Logga in").click()
    await expect(page.locator(".error-summary li")).to_have_count(3)
    await check("login with errors")
    await steps.shot(page, "13-login-errors")

    await steps.log_in(page)
    await steps.register_by_api(triage_console, steps.FALKENBERG)  # so the queue has rows
    await page.reload()
    await expect(page.locator("tr[data-contact-id]").first).to_be_visible()
    await check("queue")

    await page.get_by_role("link", name="Ny kontakt").first.click()
    await check("new contact")
    await page.get_by_label("Patientens personnummer").fill("19121212-1213")
    await page.get_by_role("button", name="Registrera kontakt").click()
    await expect(page.locator(".error-summary")).to_contain_text("Personnumret stämmer inte")
    await check("new contact with errors")
    await steps.shot(page, "14-register-errors")

    contact_id = await steps.register(page, steps.new_personnummer())
    await check("questions")
    await steps.answer(page, {**ANSWERS, "days": "tre"})
    await page.get_by_role("button", name="Triagera").click()
    await expect(page.locator("#q-days-fel")).to_contain_text("Skriv ett tal")
    await check("questions with an error")
    await page.get_by_label(re.compile("Hur många dagar")).fill("4")
    await page.get_by_role("button", name="Triagera").click()
    await expect(page.locator("section.decision")).to_be_visible()
    await check("contact with decision")

    await page.get_by_role("button", name="Avvik från riktlinjerna").click()
    await check("override")
    await page.get_by_role("button", name="Spara avvikelsen").click()
    await check("override with error")

    await page.goto(f"/console/kontakter/{contact_id}/boka")
    for _ in range(20):  # booking reads the decision from Kafka
        if await page.get_by_role("button", name="Försök igen").count() == 0:
            break
        await page.get_by_role("button", name="Försök igen").click()
    await check("free slots")
    await page.get_by_role("button", name="Boka tiden").click()
    await expect(page.locator("#tid-fel")).to_have_text("Fel: Välj en tid att boka.")
    await check("free slots with error")
    await page.locator("input[name=tid]").first.check()
    await page.get_by_role("button", name="Boka tiden").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Tiden är bokad")
    await check("booked")
    await page.goto(f"/console/kontakter/{contact_id}")
    await expect(page.locator("[data-bookings]")).to_be_visible()
    await check("contact with a booked time")
    await page.goto(f"/console/kontakter/{contact_id}/boka")
    await expect(page.locator("#redan-bokad")).to_be_visible()
    await page.locator("input[name=tid]").first.check()
    await page.get_by_role("button", name="Boka en tid till").click()
    await expect(page.locator("#andra-fel")).to_contain_text("Bekräfta")
    await check("second booking needs a confirmation")

    await page.goto(f"/console/kontakter/{contact_id}/listning")
    await check("record the listing")
    await page.get_by_label("En annan vårdcentral").check()
    await page.get_by_role("button", name="Spara listningen").click()
    await expect(page.locator(".error-summary")).to_contain_text("Skriv den andra vårdcentralens HSA-id")
    await check("record the listing with errors")

    await page.goto(f"/console/kontakter/{contact_id}/bedomning")
    await check("assessment, reception")
    await page.goto(f"/console/kontakter/{contact_id}/avsluta")
    await check("close")
    await page.goto("/console/kontakter/00000000-0000-0000-0000-000000000000")
    await check("contact not found")

    await steps.log_out(page)
    await check("logged out")
    await steps.log_in(page, role="Legitimerad personal", hsa_id=steps.CLINICIAN)
    await page.goto(f"/console/kontakter/{contact_id}/bedomning")
    await page.get_by_label("Datum").fill("23/11")
    await page.get_by_role("button", name="Registrera bedömningen").click()
    await expect(page.locator(".error-summary")).to_contain_text("Välj hur bedömningen gjordes")
    await check("assessment with errors")
    await steps.shot(page, "15-assessment-errors")
    assert len(checked) == 22
