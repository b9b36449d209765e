"""The booking step with the keyboard alone: Tab to move, Space to choose, Enter to go on."""

from __future__ import annotations

from playwright.async_api import Page, expect

MAX_TABS = 60


async def focused(page: Page) -> dict:
    return await page.evaluate("""() => {
        const el = document.activeElement, style = getComputedStyle(el);
        return {tag: el.tagName, type: el.type || '', name: el.name || '', text: (el.innerText || '').trim(),
                id: el.id, visible: style.outlineStyle !== 'none' && style.outlineWidth !== '0px'
                         || style.boxShadow !== 'none' || style.backgroundColor === 'rgb(255, 221, 0)'};
    }""")


async def tab_to(page: Page, wanted, *, seen: list | None = None) -> dict:
    """Press Tab until `wanted(focused element)`; every stop on the way must show where the focus is."""
    for _ in range(MAX_TABS):
        await page.keyboard.press("Tab")
        now = await focused(page)
        if seen is not None:
            seen.append(now)
        assert now["visible"], f"the focus on {now} cannot be seen"
        if wanted(now):
            return now
    raise AssertionError("Tab never reached the element")


async def test_choosing_and_confirming_a_time_with_the_keyboard_alone(phone, citizen, helpers):
    page = phone
    await page.goto("/logga-in")
    await tab_to(page, lambda f: f["text"] == "Hoppa till innehållet")
    await page.keyboard.press("Enter")
    assert (await focused(page))["id"] == "innehall", "the skip link moves the focus to the main content"
    await tab_to(page, lambda f: f["id"] == "personnummer")
    await page.keyboard.type(citizen)
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("button", name="Logga ut")).to_be_visible()

    await helpers.describe_bookable_problem(page)
    await helpers.choose_unit(page)

    stops: list[dict] = []
    first = await tab_to(page, lambda f: f["name"] == "tid", seen=stops)
    assert [s["text"] for s in stops[:1]] == ["Hoppa till innehållet"], "focus starts at the top of the page"
    await page.keyboard.press("Space")
    assert await page.locator(f"#{first['id']}").is_checked()
    await tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "Fortsätt")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", name="Bekräfta din tid")).to_be_visible()

    await tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "Bekräfta bokningen")
    await page.keyboard.press("Enter")
    await expect(page.locator(".success-banner")).to_have_text("Din tid är bokad")
