"""Every page of the citizens' flow checked with axe-core for WCAG 2.1 A and AA, on a phone-sized screen."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.async_api import expect

PHONE = {"width": 390, "height": 844}


@pytest.fixture
async def checked_page(browser, booking_pages):
    # axe is injected as an inline script, which the pages' Content-Security-Policy rightly forbids.
    context = await browser.new_context(viewport=PHONE, locale="sv-SE", base_url=booking_pages["url"], bypass_csp=True)
    yield await context.new_page()
    await context.close()


async def test_every_page_has_no_serious_accessibility_problem(
    checked_page, browser, booking_without_triage, citizen, helpers
):
    page = checked_page
    problems: dict[str, list[str]] = {}

    async def check(name: str) -> None:
        await expect(page.locator("h1").first).to_be_visible()
        assert await page.locator("html").get_attribute("lang") == "sv"
        assert await page.title(), f"{name} has a title"
        found = await helpers.serious_accessibility_problems(page)
        if found:
            problems[name] = found

    await page.goto("/logga-in")
    await check("logga in")
    await page.get_by_role("button", name="Logga in").click()
    await check("logga in, med fel")
    await page.get_by_label("Personnummer").fill(citizen)
    await page.get_by_role("button", name="Logga in").click()
    await check("start")

    await page.goto("/besvar")
    await check("besvär")
    await page.get_by_role("button", name="Fortsätt").click()
    await check("besvär, med fel")
    await helpers.check_reason(page.locator("input[name=orsak]").first)
    await page.get_by_role("button", name="Fortsätt").click()
    await check("frågor")
    await page.screenshot(path="/tmp/booking-questions.png", full_page=True)
    if await page.locator("fieldset, input.input").count():
        await page.get_by_role("button", name="Fortsätt").click()
        await expect(page.locator(".error-summary")).to_be_visible()
        await check("frågor, med fel")

    await helpers.find_advice(page, re.compile(r"^Ring 112"), yes=True)
    await check("råd: ring 112")
    await page.screenshot(path="/tmp/booking-advice-112.png", full_page=True)
    await helpers.describe_bookable_problem(page)
    await check("råd: boka tid")
    await page.screenshot(path="/tmp/booking-advice.png", full_page=True)
    await page.get_by_role("button", name="Välj vårdcentral").click()
    await check("vårdcentral")
    await page.get_by_role("button", name="Fortsätt").click()
    await check("vårdcentral, med fel")
    await page.get_by_label("Vårdcentralen Falkenberg").check()
    await page.get_by_role("button", name="Fortsätt").click()
    await expect(page.get_by_role("heading", name="Välj en tid")).to_be_visible(timeout=30_000)
    await check("tider")
    await page.screenshot(path="/tmp/booking-times.png", full_page=True)
    await page.get_by_role("button", name="Fortsätt").click()
    await check("tider, med fel")
    await helpers.pick_slot(page, hours_ahead=26)
    await page.get_by_role("button", name="Fortsätt").click()
    await check("bekräfta")
    await page.get_by_role("button", name="Bekräfta bokningen").click()
    await expect(page.locator(".success-banner")).to_be_visible()
    await check("bokad")
    appointment = page.url.split("/mina-tider/")[1].split("?")[0]

    await page.goto("/mina-tider")
    await check("mina tider")
    await page.screenshot(path="/tmp/booking-my-times.png", full_page=True)
    await page.goto(f"/mina-tider/{appointment}/omboka")
    await check("omboka")
    await page.get_by_role("button", name="Flytta min tid").click()
    await check("omboka, med fel")
    await page.goto(f"/mina-tider/{appointment}/avboka")
    await check("avboka")
    await page.get_by_role("button", name="Avboka tiden").click()
    await check("avboka, med fel")
    await page.screenshot(path="/tmp/booking-cancel-error.png", full_page=True)
    await page.goto("/mina-tider/00000000-0000-0000-0000-000000000000")
    await check("ingen sådan tid")
    await helpers.set_flow(
        page,
        citizen,
        {
            "reason": "x",
            "unit": "SE2321000115-E00000000011",
            "contact_id": "c-never",
            "registered_at": datetime.now(UTC).isoformat(),
        },
    )
    await page.goto("/tider")
    await check("vi hämtar tider")
    await page.request.post("/logga-ut", form={"csrf": "fel"})  # refused, so still logged in
    await page.goto("/")
    await page.get_by_role("button", name="Logga ut").click()
    await check("utloggad")

    down = await browser.new_context(viewport=PHONE, base_url=booking_without_triage["url"], bypass_csp=True)
    page = await down.new_page()
    try:
        await helpers.log_in(page, citizen)
        await page.goto("/besvar")
        await check("bedömningen svarar inte")
    finally:
        await down.close()

    assert not problems, "\n".join(f"{name}: {found}" for name, found in problems.items())


async def test_the_accessibility_check_itself_finds_problems(checked_page, helpers):
    await checked_page.set_content(
        "<html><head><title>x</title></head><body><main><h1>x</h1>"
        '<input type="text"><p style="color:#bbb">grått</p></main></body></html>'
    )
    found = " ".join(await helpers.serious_accessibility_problems(checked_page))
    assert "label" in found and "color-contrast" in found


async def test_the_pages_a_parent_and_a_searching_citizen_see_have_no_serious_accessibility_problem(
    checked_page, citizen, helpers, triage_service
):
    page = checked_page
    problems: dict[str, list[str]] = {}

    async def check(name: str) -> None:
        await expect(page.locator("h1").first).to_be_visible()
        found = await helpers.serious_accessibility_problems(page)
        if found:
            problems[name] = found

    await helpers.tell_custody(triage_service, citizen, helpers.born(40, 857), "Alva")
    await helpers.log_in(page, citizen)
    await page.goto("/besvar")
    await check("vem gäller besöket")
    await page.get_by_role("button", name="Fortsätt").click()
    await check("vem gäller besöket, med fel")
    await page.get_by_label(re.compile("^Alva")).check()
    await page.get_by_role("button", name="Fortsätt").click()
    await page.get_by_label("Sök bland besvären").fill("feber")
    await page.get_by_role("button", name="Sök").click()
    await check("besvär, sökta")
    await page.locator("input[name=orsak][value=fever_child]").check()
    await page.get_by_role("button", name="Fortsätt").click()
    await check("varningstecken först, för ett barn")
    await page.get_by_role("button", name="Fortsätt").click()
    await check("varningstecken, med fel")
    assert problems == {}, problems
