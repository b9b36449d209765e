"""Operations staff can do everything with the keyboard alone: log in, move through the page, refresh the
list, reach each trace link, download the CSV and log out; each stop shows where the focus is.

No clicks: only Tab, Shift+Tab, Enter, Space and typing.
"""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

YELLOW = "rgb(255, 221, 0)"
FOCUS_SHOWN = """() => { const e = document.activeElement, s = getComputedStyle(e);
    const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
        && s.outlineColor !== 'rgba(0, 0, 0, 0)';
    return outline || s.backgroundColor === 'rgb(255, 221, 0)' || s.boxShadow.includes('rgb(255, 221, 0)'); }"""
DESCRIBE = """() => { const e = document.activeElement;
    return {tag: e.tagName.toLowerCase(), id: e.id, text: (e.innerText || e.value || '').trim(),
            href: e.getAttribute('href')}; }"""


async def focused(page: Page, selector: str) -> bool:
    return await page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector)


async def press_until(page: Page, selector: str, key: str = "Tab", limit: int = 150) -> None:
    for _ in range(limit):
        await page.keyboard.press(key)
        if await focused(page, selector):
            return
    raise AssertionError(f"{key} never reached {selector}")


async def tab_stops(page: Page, until: str) -> list[dict]:
    """Every stop Tab makes until `until` has focus, each checked for a visible focus indicator."""
    stops = []
    for _ in range(200):
        await page.keyboard.press("Tab")
        stop = await page.evaluate(DESCRIBE)
        assert await page.evaluate(FOCUS_SHOWN), f"no visible focus on {stop}"
        stops.append(stop)
        if await focused(page, until):
            return stops
    raise AssertionError(f"Tab never reached {until}")


async def test_the_whole_page_with_the_keyboard_alone(desk, ops, world):
    page = desk
    await page.goto("/ops/logga-in")

    await page.keyboard.press("Tab")
    assert await focused(page, "a.skip-link")
    assert await page.locator("a.skip-link").evaluate("e => getComputedStyle(e).backgroundColor") == YELLOW
    await page.keyboard.press("Enter")
    assert await focused(page, "#main")

    await press_until(page, "#hsa-id")
    await page.keyboard.type(ops.OPS_HSA_ID)
    await press_until(page, "input[value='SE2321000115-E00000000013']")
    await page.keyboard.press("Space")
    await press_until(page, "button[type=submit]")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Vårdgarantin på dina enheter")

    stops = await tab_stops(page, "a[href^='/ops/uppfyllnad.csv']")
    texts = [stop["text"] for stop in stops]
    assert texts[:3] == ["Hoppa till huvudinnehållet", "Nära drift", "Logga ut"]
    assert texts[3:5] == ["Vårdgarantin", "Väntelistan"]  # the navigation between the ops pages (issue 18)
    assert texts[5:8] == ["Läge per status", "Kontakter i risk och passerade", "Uppfyllnad per enhet och månad"]
    refresh = texts.index("Uppdatera listan")
    traces = [i for i, stop in enumerate(stops) if stop["href"] and stop["href"].startswith("http://sparning.test/")]
    assert traces and refresh < min(traces), "the refresh link, then each contact's trace link"
    assert len(traces) == await page.locator("tr[data-contact-id] a").count()

    # The contents list jumps to the live list; the next Tab is its refresh link, and Enter refreshes in place.
    await press_until(page, "a[href='#risk-rubrik']", key="Shift+Tab")
    await page.keyboard.press("Enter")
    await expect(page).to_have_url(re.compile(r"#risk-rubrik$"))
    await page.keyboard.press("Tab")
    assert await focused(page, "a[data-refresh]")
    await page.evaluate("() => { window.samePage = true; }")
    await page.keyboard.press("Enter")
    await expect(page.locator("[data-live-status]")).to_have_text(re.compile(r"^Listan är uppdaterad"))
    assert await focused(page, "a[data-refresh]"), "focus stays where it was"
    assert await page.evaluate("() => window.samePage === true")
    await page.keyboard.press("Tab")  # the list scrolls on a phone, so its region takes the focus to scroll it
    assert await focused(page, "div[role=region][aria-label='Kontakter i risk och passerade']")
    await page.keyboard.press("Tab")
    assert (await page.evaluate(DESCRIBE))["text"].startswith("Visa spårning")
    await ops.shot(page, "keyboard-focus")

    await press_until(page, "a[href^='/ops/uppfyllnad.csv']")
    async with page.expect_download() as download:
        await page.keyboard.press("Enter")
    assert (await download.value).suggested_filename == "vardgaranti-uppfyllnad.csv"

    await press_until(page, "button.button-header", key="Shift+Tab")
    await page.keyboard.press("Enter")
    await expect(page.get_by_text("Du är utloggad.")).to_be_visible()
