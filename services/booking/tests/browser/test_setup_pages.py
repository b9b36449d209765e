"""A scheduler sets up a unit with the keyboard alone: logs in, adds a practitioner and a time type, meets the
error summary on the way, and opens the unit's details; axe-core finds nothing on any page, at 1280 and 390 px
(screenshots in /tmp/schema-*.png)."""

from __future__ import annotations

import json

import pytest
from playwright.async_api import Page, expect

from nara.devstack.browser import axe_results

FALKENBERG = "SE2321000115-E00000000011"
SCHEDULER = "SE2321000115-P000000881"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
async def desk(browser, booking_without_triage):
    """A wide browser tab on a booking process (axe is injected as a script, so the page's CSP is bypassed)."""
    context = await browser.new_context(
        viewport=DESKTOP, locale="sv-SE", base_url=booking_without_triage["url"], bypass_csp=True
    )
    yield await context.new_page()
    await context.close()


async def focused(page: Page, selector: str) -> bool:
    return await page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector)


async def tab_to(page: Page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching `selector` has focus."""
    for _ in range(limit):
        await page.keyboard.press("Tab")
        if await focused(page, selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


async def type_into(page: Page, selector: str, text: str) -> None:
    await tab_to(page, selector)
    await page.keyboard.press("Control+A")
    await page.keyboard.type(text)


async def checked(page: Page, name: str) -> None:
    """axe-core finds no WCAG 2.1 A or AA violation at all, at 1280 px and at 390 px; a screenshot of each."""
    found = {}
    for width, viewport in (("1280", DESKTOP), ("390", PHONE)):
        await page.set_viewport_size(viewport)
        results = await axe_results(page)
        if results["violations"]:
            found[width] = [
                {"rule": v["id"], "where": [n["target"] for n in v["nodes"][:3]]} for v in results["violations"]
            ]
        await page.screenshot(path=f"/tmp/schema-{name}-{width}.png", full_page=True)
    await page.set_viewport_size(DESKTOP)
    assert not found, f"axe on '{name}': {json.dumps(found, indent=1)}"


async def test_a_scheduler_adds_a_practitioner_and_a_time_type_with_the_keyboard(desk):
    page = desk
    await page.goto("/personal/schema/logga-in")
    await type_into(page, "#hsa-id", SCHEDULER)
    await tab_to(page, "input[name=roll][value=scheduler]")
    await page.keyboard.press("Space")
    await tab_to(page, f"input[name=enheter][value='{FALKENBERG}']")
    await page.keyboard.press("Space")
    await tab_to(page, "form[action$='/logga-in'] button")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", name="Schema för Vårdcentralen Falkenberg")).to_be_visible()

    # Practitioners: the list, the form, its errors, and the practitioner added.
    await tab_to(page, "nav a[href^='/personal/schema/behandlare']")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", name="Behandlare", exact=True)).to_be_visible()
    await checked(page, "behandlare")
    await tab_to(page, "a[href^='/personal/schema/behandlare/ny']")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", name="Lägg till behandlare")).to_be_visible()
    await checked(page, "ny-behandlare")
    await tab_to(page, "main form button")
    await page.keyboard.press("Enter")
    await expect(page.locator(".error-summary")).to_be_visible()
    await expect(page.locator("#hsa_id-fel")).to_contain_text("Skriv behandlarens HSA-id")
    await expect(page.locator(".error-summary a").first).to_have_attribute("href", "#hsa_id")  # in page order
    await checked(page, "ny-behandlare-fel")
    await type_into(page, "#hsa_id", "SE2321000115-P000000882")
    await type_into(page, "#name", "Tangent Bordsson")
    await tab_to(page, "#profession")
    await page.keyboard.type("Sjuk")  # type-ahead; letters beyond ASCII go astray in a select
    await tab_to(page, "main form button")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("alert")).to_contain_text("Behandlaren är tillagd")
    row = page.locator("tr", has_text="Tangent Bordsson")
    await expect(row.locator("th")).to_have_text("Tangent Bordsson, ändra")
    await expect(row).to_contain_text("Sjuksköterska")

    # Time types: a drop-in time type of the unit's own.
    await tab_to(page, "nav a[href^='/personal/schema/tidtyper']")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", name="Tidtyper", exact=True)).to_be_visible()
    await checked(page, "tidtyper")
    await tab_to(page, "a[href^='/personal/schema/tidtyper/ny']")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", name="Lägg till tidtyp")).to_be_visible()
    await checked(page, "ny-tidtyp")
    await type_into(page, "#code", "FBG_TANGENT")
    await type_into(page, "#name", "Drop-in med tangentbord")
    await tab_to(page, "#profession")
    await page.keyboard.type("Sjuk")  # type-ahead; letters beyond ASCII go astray in a select
    await type_into(page, "#length_minutes", "15")
    await tab_to(page, "#contact_form")  # the first choice: a clinic visit
    await page.keyboard.press("Space")
    await tab_to(page, "#booking_channel")  # the first choice: anyone on the web
    await page.keyboard.press("Space")
    await type_into(page, "#capacity", "500")
    await tab_to(page, "main form button")
    await page.keyboard.press("Enter")
    await expect(page.locator("#capacity-fel")).to_contain_text("1 till 50")
    await checked(page, "ny-tidtyp-fel")
    await type_into(page, "#capacity", "6")
    await tab_to(page, "main form button")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("alert")).to_contain_text("Tidtypen är tillagd")
    row = page.locator("tr", has_text="Drop-in med tangentbord")
    await expect(row.locator("th")).to_have_text("Drop-in med tangentbord, ändra")
    await expect(row).to_contain_text("Drop-in, 6 platser")
    await expect(row).to_contain_text("15 min")

    # The unit's page: its details and opening hours, as a form for its scheduler.
    await tab_to(page, "nav a[href^='/personal/schema/enhet']")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", name="Vårdcentralen Falkenberg")).to_be_visible()
    await checked(page, "enhet")
    await type_into(page, "#closes-1", "7:00")
    await tab_to(page, "main form button")
    await page.keyboard.press("Enter")
    await expect(page.locator("#closes-1-fel")).to_contain_text("Måndag: stängningstiden måste vara senare")
    await checked(page, "enhet-fel")
