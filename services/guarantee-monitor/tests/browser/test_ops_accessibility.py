"""axe-core (WCAG 2.0/2.1 A and AA) on every /ops page and state: nothing serious or critical."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from playwright.async_api import expect


async def test_every_ops_page_passes_axe(audit_desk, ops, axe_script, world, monitor, kafka_bootstrap):
    page = audit_desk
    checked: list[str] = []

    async def check(name: str, title: str) -> None:
        await expect(page).to_have_title(title)
        assert await page.locator("html").get_attribute("lang") == "sv"
        await expect(page.locator("a.skip-link")).to_have_attribute("href", "#main")
        assert await page.locator("h1").count() == 1
        await ops.assert_accessible(page, axe_script, name)
        checked.append(name)

    await page.goto("/ops/logga-in")
    await check("login", "Logga in – Nära drift")
    await page.get_by_role("button", name="Logga in").click()
    await expect(page.locator(".error-summary li")).to_have_count(2)
    await check("login with errors", "Fel: Logga in – Nära drift")
    await ops.shot(page, "login-errors")

    await ops.log_in(page, units=(ops.FYLLINGE, ops.FALKENBERG))
    await expect(page.locator("tr[data-contact-id]").first).to_be_visible()
    await check("overview, two units", "Vårdgarantin – Nära drift")
    await page.get_by_label("Enhet", exact=True).select_option(label="Vårdcentralen Fyllinge")
    await page.get_by_role("button", name="Visa").click()
    await expect(page).to_have_url(re.compile(r"enhet=SE2321000115-E00000000013"))
    await check("overview, one unit chosen", "Vårdgarantin – Nära drift")

    # After a live update the swapped-in list must still pass.
    late = world.open_contact(ops.Contact(datetime.now(UTC) - timedelta(days=4)))
    await ops.publish(kafka_bootstrap, late, late.registered(), late.triaged("nurse"))
    await expect(page.locator(f"tr[data-patient='{late.patient}']")).to_have_count(1, timeout=20_000)
    await check("overview after a live update", "Vårdgarantin – Nära drift")

    await page.goto("/ops/uppfyllnad.csv?from=igår")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Adressen stämmer inte")
    await check("bad address", "Adressen stämmer inte – Nära drift")

    await page.goto("/ops")
    await page.get_by_role("button", name="Logga ut").click()
    await expect(page.get_by_text("Du är utloggad.")).to_be_visible()
    await check("logged out", "Logga in – Nära drift")
    assert len(checked) == 7


async def test_text_and_status_colours_have_enough_contrast(desk, ops, world):
    """Every status tag and count in the list, measured: text against its background at 4.5:1 or better."""
    page = desk
    await ops.log_in(page)
    ratios = await page.locator(".tag, .count-hint, .hint, .cell-note, .link").evaluate_all("""elements => {
        const channel = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); };
        const luminance = rgb => { const [r, g, b] = rgb.match(/\\d+/g).map(Number);
            return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b); };
        const background = e => { for (; e; e = e.parentElement) { const c = getComputedStyle(e).backgroundColor;
            if (c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c; } return 'rgb(255, 255, 255)'; };
        return elements.map(e => { const a = luminance(getComputedStyle(e).color), b = luminance(background(e));
            const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
            return {text: e.textContent.trim().slice(0, 30), ratio: ratio}; });
    }""")
    assert len(ratios) > 10
    low = [r for r in ratios if r["ratio"] < 4.5]
    assert not low, low
