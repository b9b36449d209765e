"""Listing in the console (issue 12, finding 1): a phone contact whose listing nobody knows is covered and flagged
"Listning okänd" until reception records where the patient is listed; then the flag is gone, everywhere."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect


async def tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has focus."""
    for _ in range(limit):
        await page.keyboard.press("Tab")
        if await page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


async def test_a_phone_contact_with_an_unknown_listing_is_flagged_until_it_is_recorded_as_here(
    desk, steps, triage_console
):
    page = desk
    await steps.log_in(page)
    patient = steps.new_personnummer()
    contact_id = await steps.register(page, patient)

    # The queue and the contact both say the listing is unknown, and that the contact is covered meanwhile.
    await page.get_by_role("link", name="Kö", exact=True).click()
    row = page.locator(f"tr[data-contact-id='{contact_id}']")
    await expect(row.locator("[data-listing=unknown]")).to_have_text("Listning okänd")
    await row.get_by_role("link").click()
    summary = page.locator(".summary-list").first
    await expect(summary.locator("[data-listing=unknown]")).to_have_text("Listning okänd")
    await expect(summary).to_contain_text("Kontakten omfattas av vårdgarantin tills listningen är känd")
    await steps.shot(page, "20-listing-unknown")

    # Reception records it with the keyboard: the link, the unit, the button.
    await tab_to(page, f"a[href='/console/kontakter/{contact_id}/listning']")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Registrera listning")
    await tab_to(page, "button[type=submit]:not(.button-header)")
    await page.keyboard.press("Enter")  # nothing chosen: the page says what to do, and focus goes there
    await expect(page.locator(".error-summary")).to_contain_text("Välj var patienten är listad.")
    await tab_to(page, f"input[name=var][value='{steps.FALKENBERG}']")
    await page.keyboard.press("Space")
    await expect(page.get_by_label("Vårdcentralen Falkenberg (den här vårdcentralen)")).to_be_checked()
    await tab_to(page, "button[type=submit]:not(.button-header)")
    await page.keyboard.press("Enter")

    await page.wait_for_url(re.compile(rf"/console/kontakter/{contact_id}\?klart=listning"))
    await expect(page.get_by_role("alert")).to_contain_text("Listningen är sparad")
    await expect(page.locator(".summary-list").first.locator("[data-listing=here]")).to_have_text(
        "Vårdcentralen Falkenberg"
    )
    await expect(page.get_by_text("Listning okänd")).to_have_count(0)
    await steps.shot(page, "21-listing-recorded")
    await page.get_by_role("link", name="Kö", exact=True).click()
    await expect(row).to_be_visible()
    await expect(row.locator("[data-listing]")).to_have_count(0)

    # It is in the register, for the patient's next contact too.
    token = steps.staff_token("reception")
    listing = await steps.api(triage_console, "GET", "/api/v1/listings", token, params={"patient": patient})
    assert listing.json()["unit"] == steps.FALKENBERG and listing.json()["source"] == "staff"
    again = await steps.register_by_api(triage_console, steps.FALKENBERG, channel="phone_unit", patient=patient)
    assert again["listing"] == "here" and again["listing_flag"] is None
