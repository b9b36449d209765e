"""Issue 17: the operations page on a 390 px phone: no part of it is wider than the screen; the wide tables
scroll inside their own labelled, focusable regions, and axe-core finds nothing serious there."""

from __future__ import annotations

import os
from pathlib import Path

from playwright.async_api import expect

PHONE = {"width": 390, "height": 844}
SHOTS = Path(os.environ.get("NARA_SCREENSHOTS", "/tmp/nara-screenshots"))  # look at them before calling a page done
SHOTS.mkdir(parents=True, exist_ok=True)


async def test_the_ops_page_fits_a_phone_and_its_tables_scroll_in_their_own_region(audit_desk, ops, axe_script):
    page = audit_desk
    await ops.log_in(page, units=(ops.FYLLINGE, ops.FALKENBERG))
    await expect(page.locator("tr[data-contact-id]").first).to_be_visible()
    await page.set_viewport_size(PHONE)
    await page.wait_for_timeout(200)  # the layout settles after the resize
    wider = await page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    sticking_out = await page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
        .filter(e => !e.closest('.table-wrap') || getComputedStyle(e).position !== 'static')
        .slice(0, 8).map(e => `${e.tagName}.${e.className} ${getComputedStyle(e).position} ${
            Math.round(e.getBoundingClientRect().right)}`)""")
    assert wider <= 0, f"the ops page is {wider} px wider than the phone: {sticking_out}"
    regions = page.locator(".table-wrap")
    assert await regions.count() >= 1
    for region in await regions.all():
        assert await region.get_attribute("role") == "region" and await region.get_attribute("tabindex") == "0"
        assert await region.get_attribute("aria-label")
    await ops.assert_accessible(page, axe_script, "ops at 390 px")
    await page.screenshot(path=str(SHOTS / "journey-ops-390.png"), full_page=True)
