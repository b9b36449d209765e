"""Reception staff live in the console all day: logging in, registering and triaging with the keyboard alone.

No clicks: only Tab, Shift+Tab, Enter, Space, typing, and the arrow keys that move within a radio group.
"""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

YELLOW = "rgb(255, 221, 0)"
# In the order the page asks them; the follow-ups of fever (rash, neck) are left blank after a no to fever.
SELF_CARE_ANSWERS = [
    ("airway", "nej"),
    ("fever", "nej"),
    ("non_blanching_rash", ""),
    ("sepsis_signs", "nej"),
    ("new_confusion", ""),
    ("stiff_neck", ""),
    ("abscess_signs", "nej"),
    ("immunosuppressed", "nej"),
    ("cannot_drink", "nej"),
    ("cough", "ja"),
    ("tender_glands", "nej"),
    ("tonsil_coating", "nej"),
    ("days", "2"),
]


async def focused(page: Page, selector: str) -> bool:
    return await page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector)


async def tab_to(page: Page, selector: str, limit: int = 60) -> None:
    """Press Tab until the element matching `selector` has focus."""
    for _ in range(limit):
        await page.keyboard.press("Tab")
        if await focused(page, selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


async def focus_order(page: Page, presses: int) -> list[str]:
    """What Tab visits from the top of the page: ids, else names, else the text of links and buttons."""
    visited = []
    for _ in range(presses):
        await page.keyboard.press("Tab")
        visited.append(
            await page.evaluate(
                "() => { const e = document.activeElement; return e.id || e.name || e.textContent.trim(); }"
            )
        )
    return visited


async def test_registering_and_triaging_with_the_keyboard_alone(desk, steps):
    page = desk
    await page.goto("/console/logga-in")

    # The skip link comes first, is visible when focused, and moves focus to the main content.
    await page.keyboard.press("Tab")
    assert await focused(page, "a.skip-link")
    await expect(page.locator("a.skip-link")).to_have_text("Hoppa till huvudinnehållet")
    assert await page.locator("a.skip-link").evaluate("e => getComputedStyle(e).backgroundColor") == YELLOW
    await page.keyboard.press("Enter")
    assert await focused(page, "#main")

    # Log in: typing, Space on a radio and a checkbox, Enter on the button.
    await tab_to(page, "#hsa-id")
    await page.keyboard.type(steps.RECEPTIONIST)
    await tab_to(page, "input[name=roll][value=reception]")
    await page.keyboard.press("Space")
    await tab_to(page, f"input[name=enheter][value='{steps.OSKARSTROM}']")
    await page.keyboard.press("Space")
    await tab_to(page, "form[action='/console/logga-in'] button")
    assert (
        await page.locator("form[action='/console/logga-in'] button").evaluate(
            "e => getComputedStyle(e).backgroundColor"
        )
        == YELLOW
    )  # the focus is visible
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", level=1, name="Kö")).to_be_visible()

    # The focus order on the registration page follows the page: header, navigation, then the form in order.
    await tab_to(page, "nav a[href='/console/kontakter/ny']")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", level=1, name="Ny kontakt")).to_be_visible()
    order = await focus_order(page, 10)
    assert order == [
        "Hoppa till huvudinnehållet",
        "Nära triagekonsol",
        "Logga ut",
        "Kö",
        "Ny kontakt",
        "personnummer",
        "kanal",
        "enhet",
        "orsak",
        "Registrera kontakt",
    ], order

    # Register a walk-in.
    patient = steps.new_personnummer()
    await page.keyboard.press("Shift+Tab")  # back from the button to the form's fields, in reverse order
    assert await focused(page, "#orsak")
    await page.keyboard.type("Ont i halsen")
    await expect(page.locator("#orsak")).to_have_value("sore_throat")
    for _ in range(3):
        await page.keyboard.press("Shift+Tab")
    assert await focused(page, "#personnummer")
    await page.keyboard.type(patient)
    await page.keyboard.press("Tab")
    assert await focused(page, "#kanal")
    await page.keyboard.press("ArrowDown")  # the second channel: a walk-in
    await expect(page.get_by_label("Besök utan tid (walk-in)")).to_be_checked()
    await tab_to(page, "main form button[type=submit]")
    await page.keyboard.press("Enter")
    await page.wait_for_url(re.compile(r"/fragor"))
    contact_id = re.search(r"/kontakter/([0-9a-f-]+)/", page.url)[1]

    # Answer in the order Tab takes: red-flag questions first.
    asked = await page.locator("[data-question]").evaluate_all("blocks => blocks.map(b => b.dataset.question)")
    assert asked == [question for question, _ in SELF_CARE_ANSWERS]
    for question, value in SELF_CARE_ANSWERS:
        if not value:
            continue
        await tab_to(page, f"[name='q-{question}']")
        if value == "ja":
            await page.keyboard.press("Space")
        elif value == "nej":
            await page.keyboard.press("ArrowRight")
        else:
            await page.keyboard.type(value)
    await expect(page.locator("[name='q-cough'][value=ja]")).to_be_checked()
    await expect(page.locator("[name='q-sepsis_signs'][value=nej]")).to_be_checked()
    await tab_to(page, "main form button[type=submit]")
    await page.keyboard.press("Space")
    await expect(page.get_by_role("alert")).to_contain_text("Kontakten är triagerad")
    decision = page.locator("section.decision")
    await expect(decision).to_contain_text("Egenvård")
    await expect(decision).to_contain_text("Vårdgarantin gällerNej")
    await expect(decision).to_contain_text("Halsont med hosta")

    # Close it with self-care advice; a link that looks like a button answers Space too.
    await tab_to(page, "a[role=button][href$='/avsluta']")
    await expect(page.locator(":focus")).to_have_text("Avsluta med egenvårdsråd")
    await page.keyboard.press("Space")
    await expect(page.get_by_role("heading", level=1, name="Avsluta kontakten")).to_be_visible()
    await expect(page.locator(".advice")).to_contain_text("virusinfektion")
    await expect(page.get_by_label("Egenvårdsråd")).to_be_checked()
    await tab_to(page, "main form button[type=submit]")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("alert")).to_contain_text("Kontakten är avslutad")
    await expect(page.locator(".summary-list").first).to_contain_text("StatusAvslutad")

    # Alt+Shift+K goes to the queue, where the closed contact is gone.
    await page.keyboard.press("Alt+Shift+KeyK")
    await expect(page.get_by_role("heading", level=1, name="Kö")).to_be_visible()
    await expect(page.locator(f"tr[data-contact-id='{contact_id}']")).to_have_count(0)
