"""The hours pages in Chromium (issue 15): a scheduler adds weekly hours and a closure with the keyboard alone, every
page has no WCAG 2.1 A/AA violation by axe-core, and each is photographed at 390 and 1280 px."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.async_api import Page, expect

from nara.devstack.browser import axe_results

UNIT = "SE2321000115-E00000000011"
NURSE = "SE2321000115-P000000103"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
MAX_TABS = 80
SHOTS = Path(os.environ.get("NARA_SCREENSHOTS", "/tmp"))


@pytest.fixture
async def scheduler_page(browser, booking_without_triage):
    # axe is injected as an inline script, which the pages' Content-Security-Policy rightly forbids.
    context = await browser.new_context(
        viewport=DESKTOP, locale="sv-SE", base_url=booking_without_triage["url"], bypass_csp=True
    )
    page = await context.new_page()
    await page.goto("/personal/schema/logga-in")
    await page.get_by_label("HSA-id").fill("SE2321000115-P000000950")
    await page.get_by_label("Schemaläggare").check()
    await page.get_by_label("Vårdcentralen Falkenberg").check()
    await page.get_by_role("button", name="Logga in").click()
    await expect(page.get_by_role("heading", name="Schema för Vårdcentralen Falkenberg")).to_be_visible()
    yield page
    await context.close()


async def focused(page: Page) -> dict:
    return await page.evaluate("""() => {
        const el = document.activeElement, style = getComputedStyle(el);
        return {tag: el.tagName, type: el.type || '', name: el.name || '', text: (el.innerText || '').trim(),
                id: el.id, visible: style.outlineStyle !== 'none' && style.outlineWidth !== '0px'
                         || style.boxShadow !== 'none' || style.backgroundColor === 'rgb(255, 221, 0)'};
    }""")


async def tab_to(page: Page, wanted) -> dict:
    """Press Tab until `wanted(focused element)`; every stop on the way must show where the focus is."""
    for _ in range(MAX_TABS):
        await page.keyboard.press("Tab")
        now = await focused(page)
        assert now["visible"], f"the focus on {now} cannot be seen"
        if wanted(now):
            return now
    raise AssertionError("Tab never reached the element")


async def no_violations(page: Page, name: str) -> None:
    """axe-core finds no WCAG 2.1 A/AA violation at all, at both widths, nothing scrolls sideways (WCAG 1.4.10
    reflow), and the page is photographed at both."""
    for label, viewport in (("1280", DESKTOP), ("390", PHONE)):
        await page.set_viewport_size(viewport)
        results = await axe_results(page)
        found = [f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in results["violations"]]
        assert found == [], f"axe on {name} at {label} px: {found}"
        assert results["passes"], f"axe checked nothing on {name}"
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= viewport["width"], f"{name} scrolls sideways at {label} px ({width} px wide)"
        await page.screenshot(path=str(SHOTS / f"hours-{name}-{label}.png"), full_page=True)
    await page.set_viewport_size(DESKTOP)


async def test_a_scheduler_adds_weekly_hours_with_the_keyboard(scheduler_page):
    page = scheduler_page
    await page.goto(f"/personal/schema/mallar?enhet={UNIT}&behandlare={NURSE}")
    await expect(page.get_by_role("heading", name="Veckoschema för Maria Svensson")).to_be_visible()
    await no_violations(page, "veckoschema")

    await tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "Spara passet")
    await page.keyboard.press("Enter")
    await expect(page.locator(".error-summary")).to_be_visible()
    await no_violations(page, "veckoschema-fel")

    await tab_to(page, lambda f: f["name"] == "veckodag" and f["id"] == "veckodag-7")
    await page.keyboard.press("Space")  # Söndag: Maria has no Sunday hours
    await tab_to(page, lambda f: f["name"] == "start")
    await page.keyboard.type("09:00")
    await page.keyboard.press("Tab")
    await page.keyboard.type("10:00")
    await tab_to(page, lambda f: f["name"] == "tidtyp")
    await page.keyboard.press("End")  # Telefontid hos sjuksköterska
    await tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "Spara passet")
    await page.keyboard.press("Enter")

    await expect(page.get_by_text("Passet är sparat")).to_be_visible()
    sunday = page.get_by_role("row").filter(has_text="Söndag")
    await expect(sunday).to_contain_text("09:00–10:00")
    await expect(sunday).to_contain_text("Telefontid hos sjuksköterska")


async def test_a_scheduler_closes_the_unit_for_a_day_with_the_keyboard(scheduler_page):
    page = scheduler_page
    day = date.today() + timedelta(days=21)
    await page.goto(f"/personal/schema/stangt?enhet={UNIT}")
    await expect(page.get_by_role("heading", name="Stängt och frånvaro")).to_be_visible()
    await no_violations(page, "stangt")

    await tab_to(page, lambda f: f["name"] == "vem")
    await page.keyboard.press("Space")  # Hela enheten är stängd
    await tab_to(page, lambda f: f["name"] == "forsta_dag")
    await page.keyboard.type(day.isoformat())
    await tab_to(page, lambda f: f["name"] == "anledning")
    await page.keyboard.type("Utbildningsdag")
    await tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "Spara")
    await page.keyboard.press("Enter")

    await expect(page.get_by_text("Sparat. Lediga tider de dagarna går inte längre att boka.")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Utbildningsdag")
    await expect(row).to_contain_text(day.isoformat())
    await expect(row).to_contain_text("Hela enheten")
    await no_violations(page, "stangt-sparat")

    await page.goto(f"/personal/schema/att-flytta?enhet={UNIT}")
    await expect(page.get_by_role("heading", name="Bokningar att flytta")).to_be_visible()
    await no_violations(page, "att-flytta")
