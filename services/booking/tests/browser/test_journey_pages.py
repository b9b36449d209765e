"""Issue 17, the citizen's journey: the reasons grouped and searched with the person's own words (also without
JavaScript), "Ditt nästa steg" only where it cannot be stale, advice without mixed messages, a header of the
region's own that stays small on a phone, a Swedish 404 page, and no page wider than the phone.

Each state is looked at on a phone (390 px) and a desktop (1280 px), checked with axe-core, and photographed
under SHOTS (the phone-size ones are the closing note's)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import httpx
import pytest
from playwright.async_api import Page, expect

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
SHOTS = Path(os.environ.get("NARA_SCREENSHOTS", "/tmp/nara-screenshots"))  # look at them before calling a page done
TIME_WITH_A_DOT = re.compile(r"\bkl\. ?\d{1,2}\.\d\d\b|\b\d\.\d\d\b")  # 8.00 or kl. 08.00: not the pages' style


@pytest.fixture(autouse=True)
def shots_folder() -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)


@pytest.fixture
async def page(browser, booking_pages):
    # axe is injected as an inline script, which the pages' Content-Security-Policy rightly forbids.
    context = await browser.new_context(viewport=PHONE, locale="sv-SE", base_url=booking_pages["url"], bypass_csp=True)
    yield await context.new_page()
    await context.close()


@pytest.fixture
async def plain_page(browser, booking_pages):
    """JavaScript off: the search and the grouped list must work without it."""
    context = await browser.new_context(
        viewport=PHONE, locale="sv-SE", base_url=booking_pages["url"], java_script_enabled=False
    )
    yield await context.new_page()
    await context.close()


async def wider_than_the_screen(page: Page) -> int:
    """How many pixels the page is wider than its viewport (0 when nothing overflows)."""
    return int(await page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth"))


async def look(page: Page, name: str, helpers, *, axe: bool = True) -> None:
    """The state at 390 px and 1280 px: no overflow, nothing serious for axe, a photograph of each."""
    for size, viewport in (("390", PHONE), ("1280", DESKTOP)):
        await page.set_viewport_size(viewport)
        assert await wider_than_the_screen(page) <= 0, f"{name} is wider than {size} px"
        await page.screenshot(path=str(SHOTS / f"journey-{name}-{size}.png"), full_page=True)
    await page.set_viewport_size(PHONE)
    if axe:
        assert await helpers.serious_accessibility_problems(page) == [], name


async def test_burning_when_passing_water_finds_the_urinary_reason_also_without_javascript(
    plain_page, citizen, helpers
):
    page = plain_page
    await helpers.log_in(page, citizen)
    await page.goto("/besvar")
    await page.get_by_label("Sök bland besvären").fill("sveda när jag kissar")
    await page.get_by_role("button", name="Sök").click()
    assert "sok=sveda" in page.url
    first = page.locator("input[name=orsak]").first
    await expect(first).to_have_value("urinary")
    await expect(page.locator("label[for=orsak]")).to_have_text("Urinvägsbesvär")
    await expect(page.locator("#orsak-grupp-hint")).to_contain_text("passar ”sveda när jag kissar”")
    await page.get_by_label("Urinvägsbesvär").check()
    await page.get_by_role("button", name="Fortsätt").click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Urinvägsbesvär")


async def test_the_reasons_are_grouped_as_1177_groups_them_and_searched_at_both_sizes(page, citizen, helpers):
    await helpers.log_in(page, citizen)
    await page.goto("/besvar")
    groups = page.locator("details.reason-group > summary")
    titles = await groups.all_inner_texts()
    assert "Njurar och urinvägar" in titles and "Hjärta och blodkärl" in titles and len(titles) >= 12
    visible_radios = await page.locator("input[name=orsak]:visible").count()
    assert visible_radios == 1, "only 'Inget av detta passar' shows until a group is opened, not 33 radios or more"
    first_screen = await page.evaluate("() => window.innerHeight")
    search_top = await page.get_by_label("Sök bland besvären").bounding_box()
    assert search_top and search_top["y"] + search_top["height"] < first_screen, "the search is on the first screen"
    await look(page, "reasons-grouped", helpers)

    await page.locator("summary", has_text="Njurar och urinvägar").click()
    await page.get_by_label("Urinvägsbesvär").check()
    await look(page, "reasons-group-open", helpers)

    await page.goto("/besvar")
    await page.get_by_role("button", name="Fortsätt").click()
    await expect(page.locator(".error-summary")).to_contain_text("Välj vad besöket gäller.")
    assert await page.locator("input[name=orsak]:visible").count() > 50, "with an error every group is open"
    await page.locator(".error-summary a").first.click()
    await expect(page.locator("#orsak")).to_be_focused()
    await look(page, "reasons-error", helpers)

    await page.get_by_label("Sök bland besvären").fill("det svider när jag kissar")
    await page.get_by_role("button", name="Sök").click()
    await expect(page.locator("input[name=orsak]").first).to_have_value("urinary")
    await look(page, "reasons-searched", helpers)


async def test_the_next_step_is_never_stale_after_a_booking(page, citizen, helpers):
    await helpers.log_in(page, citizen)
    await page.goto("/")
    await expect(page.locator(".next-step")).to_contain_text("Beskriv dina besvär så hjälper vi dig vidare.")
    await page.goto("/besvar")
    await expect(page.locator(".next-step")).to_have_count(0)  # it linked to /besvar, the page itself

    await helpers.describe_bookable_problem(page, not_today=True)
    await helpers.choose_unit(page)
    _, label = await helpers.pick_slot(page, hours_ahead=26)
    booked = helpers.time_label(label)
    await page.get_by_role("button", name="Fortsätt").click()
    await page.get_by_role("button", name="Bekräfta bokningen").click()
    await expect(page.locator(".success-banner")).to_have_text("Din tid är bokad")

    await page.goto("/")
    await expect(page.locator(".next-step")).to_contain_text(booked)
    await look(page, "start-with-booking", helpers)
    await page.goto("/mina-tider")
    await expect(page.locator(".next-step")).to_contain_text(booked)
    await expect(page.locator(".next-step a[href='/mina-tider']")).to_have_count(0)
    await look(page, "my-times", helpers)

    # A new problem: neither its reasons, its questions nor its advice lead with the first booking.
    await page.goto("/besvar")
    await expect(page.locator(".next-step")).to_have_count(0)
    await helpers.describe_bookable_problem(page)
    await expect(page.locator(".next-step")).to_have_count(0)
    assert booked not in await page.locator("main").inner_text()
    await page.goto("/")
    await expect(page.locator(".next-step")).to_contain_text("Välj vårdcentral")
    await expect(page.locator(".next-step a")).to_have_attribute("href", "/vardcentral")


async def test_bookable_advice_has_one_time_frame_one_set_of_professions_and_no_call_beside_the_button(
    page, citizen, helpers
):
    await helpers.log_in(page, citizen)
    await helpers.describe_bookable_problem(page)
    await expect(page.get_by_role("button", name="Välj vårdcentral")).to_be_visible()
    heading = await page.get_by_role("heading", level=1).inner_text()
    lead = await page.locator(".lead").inner_text()
    words = f"{heading} {lead}"
    assert not ("i dag" in words and "3 dagar" in words), words
    assert not ("bör träffa en läkare" in heading and "sjuksköterska" in lead), words
    assert "ring din vårdcentral" not in words.lower() and "ring vårdcentralen" not in words.lower(), words
    assert not TIME_WITH_A_DOT.search(await page.locator("main").inner_text())
    await look(page, "advice-bookable", helpers)


async def test_a_red_flag_is_never_softened_and_follows_the_person_to_the_start_page(page, citizen, helpers):
    await helpers.log_in(page, citizen)
    await helpers.find_advice(page, re.compile(r"^Ring 112"), yes=True)
    await expect(page.get_by_role("link", name="Ring 112").first).to_have_attribute("href", "tel:112")
    await expect(page.locator(".next-step-urgent")).to_contain_text("Ring 112 nu.")
    assert await page.get_by_role("button", name=re.compile("Välj (vårdcentral|tid)")).count() == 0
    await look(page, "advice-112", helpers)
    for path in ("/", "/mina-tider"):
        await page.goto(path)
        await expect(page.locator(".next-step-urgent")).to_contain_text("Ring 112 nu.")


async def test_the_header_names_the_region_and_stays_small_on_a_phone(page, citizen, helpers):
    await helpers.log_in(page, citizen)
    await page.goto("/")
    header = page.locator("header.header")
    await expect(header).to_contain_text("Region Halland")
    await expect(page.locator(".header-service")).to_have_text("Nära webbtidbok")
    # The development login knows no name: the header must not show the personnummer in its place.
    digits = citizen.replace("-", "")
    header_text = (await header.inner_text()).replace("-", "")
    assert digits not in header_text and digits[2:] not in header_text
    await expect(page.locator(".nav-who")).to_have_count(0)

    header_box = await header.bounding_box()
    step_box = await page.locator(".next-step").bounding_box()
    assert header_box and step_box
    taken = header_box["height"] + step_box["height"]
    assert taken < 0.4 * PHONE["height"], f"header and next step take {taken:.0f} of {PHONE['height']} px"
    await look(page, "start", helpers)


async def test_an_unknown_address_is_a_swedish_page_for_a_browser_and_for_a_plain_client(
    page, booking_pages, citizen, helpers
):
    await helpers.log_in(page, citizen)
    response = await page.goto("/finns-inte/alls")
    assert response is not None and response.status == 404
    await expect(page.get_by_role("heading", level=1)).to_have_text("Finns inte")
    await expect(page.locator("header.header")).to_contain_text("Region Halland")
    await look(page, "not-found", helpers)

    async with httpx.AsyncClient(base_url=booking_pages["url"]) as client:
        plain = await client.get("/finns-inte", headers={"Accept": "*/*"})
        api = await client.get("/api/v1/finns-inte")
    assert plain.status_code == 404 and plain.headers["content-type"].startswith("text/html")
    assert "Sidan finns inte." in plain.text and '{"detail"' not in plain.text
    assert api.status_code == 404 and api.headers["content-type"] == "application/problem+json"
