"""The day's book in the browser (issue 15): reception logs in, opens the day's book, books a patient on their
behalf and registers another patient's visit as completed, with the keyboard alone; axe finds nothing on any page,
and the book is photographed at 390 and 1280 px (/tmp/day-book-*.png, where the other page tests keep theirs).

Booking runs in this process on a settable clock (so a visit can have begun), the triage service as the real
process, which says who the patients are."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime
from urllib.parse import urlencode

import httpx
import pytest
from playwright.async_api import Page, expect

from nara.booking.app import create_app
from nara.booking.settings import BookingSettings
from nara.devstack.browser import axe_results
from nara.devstack.processes import free_port
from nara.devstack.testing import Infrastructure, scratch_schema
from nara.shared.clock import STOCKHOLM, SettableClock
from nara.shared.identity import issue_dev_token

UNIT = "SE2321000115-E00000000011"  # Vårdcentralen Falkenberg
NURSE = "SE2321000115-P000000103"  # Maria Svensson: SSK_BESOK 08:00-12:00 on weekdays
RECEPTION = "SE2321000115-P000000971"
THURSDAY_EARLY = datetime(2026, 11, 26, 7, 0, tzinfo=STOCKHOLM)
THURSDAY_MORNING = datetime(2026, 11, 26, 8, 30, tzinfo=STOCKHOLM)
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}
COMPLETED, ON_BEHALF = "19850315-4018", "19790315-4024"  # valid personnummer of this test's own
MAX_TABS = 120


@pytest.fixture(scope="module")
async def day_book_service(infrastructure: Infrastructure, triage_service: str):
    """Booking with the demo data on a settable clock, served over HTTP for the browser; yields (url, clock)."""
    import uvicorn

    clock = SettableClock(THURSDAY_EARLY)
    async with scratch_schema(infrastructure.database_urls["booking"], prefix="daybookbrowser") as url:
        settings = BookingSettings(
            database_url=url,
            kafka_bootstrap_servers=infrastructure.kafka_bootstrap_servers,
            load_demo_data=True,
            contacts_consumer_group=f"booking-daybook-{uuid.uuid4().hex[:8]}",
            triage_url=triage_service,
            pages_secret="day-book-browser-secret",  # noqa: S106 - a test's own, guards nothing real
        )
        app = create_app(settings, clock=clock)
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="on"))
        task = asyncio.create_task(server.serve())
        while not server.started:  # noqa: ASYNC110 - uvicorn offers only this flag to wait on
            await asyncio.sleep(0.05)
        try:
            yield f"http://127.0.0.1:{port}", clock
        finally:
            server.should_exit = True
            await task


async def prepare_the_day(booking_url: str, triage_url: str, clock: SettableClock) -> None:
    """Both patients have a contact at the unit in triage (who they are is known there); one is booked at 08:00,
    and the clock moves past that time so the visit can be registered."""
    reception = {"Authorization": f"Bearer {issue_dev_token('reception', RECEPTION, units=[UNIT])}"}
    async with httpx.AsyncClient(timeout=30) as client:
        for pnr in (COMPLETED, ON_BEHALF):
            contact = await client.post(
                f"{triage_url}/api/v1/contacts",
                headers=reception,
                json={"patient": pnr, "unit": UNIT, "channel": "phone_unit", "reason_code": "sore_throat"},
            )
            assert contact.status_code == 201, contact.text
        day = await client.get(
            f"{booking_url}/api/v1/care-units/{UNIT}/day-book",
            params={"date": "2026-11-26", "practitioner": NURSE},
            headers=reception,
        )
        first = day.json()["practitioners"][0]["slots"][0]
        booked = await client.post(
            f"{booking_url}/api/v1/appointments", headers=reception, json={"slot_id": first["id"], "patient": COMPLETED}
        )
        assert booked.status_code == 201, booked.text
    clock.set(THURSDAY_MORNING)


async def focused(page: Page) -> dict:
    return await page.evaluate("""() => {
        const el = document.activeElement, style = getComputedStyle(el);
        return {tag: el.tagName, type: el.type || '', name: el.name || '', value: el.value || '', id: el.id,
                text: (el.innerText || '').replace(/\\s+/g, ' ').trim(),
                visible: style.outlineStyle !== 'none' && style.outlineWidth !== '0px'
                         || style.boxShadow !== 'none' || style.backgroundColor === 'rgb(255, 221, 0)'};
    }""")


async def tab_to(page: Page, wanted) -> dict:
    """Press Tab until `wanted(focused element)`; every stop on the way must show where the focus is."""
    for _ in range(MAX_TABS):
        await page.keyboard.press("Tab")
        now = await focused(page)
        # Chromium's date picker stops at each part (year, month, day) and highlights the part in focus itself.
        assert now["visible"] or now["type"] == "date", f"the focus on {now} cannot be seen"
        if wanted(now):
            return now
    raise AssertionError("Tab never reached the element")


async def no_accessibility_problem(page: Page, name: str) -> None:
    violations = (await axe_results(page))["violations"]
    assert violations == [], f"{name}: {[(v['id'], v['impact'], v['nodes'][0]['target']) for v in violations]}"


async def test_reception_books_on_behalf_and_registers_a_visit_with_the_keyboard(
    browser, day_book_service, triage_service
):
    booking_url, clock = day_book_service
    await prepare_the_day(booking_url, triage_service, clock)
    # axe is injected as an inline script, which the pages' Content-Security-Policy rightly forbids.
    context = await browser.new_context(viewport=PHONE, locale="sv-SE", base_url=booking_url, bypass_csp=True)
    page = await context.new_page()
    try:
        await page.goto("/personal/schema/logga-in")
        await no_accessibility_problem(page, "logga in")
        await tab_to(page, lambda f: f["name"] == "hsa-id")
        await page.keyboard.type(RECEPTION)
        await tab_to(page, lambda f: f["name"] == "roll")  # the group's first role; arrows choose within it
        await page.keyboard.press("ArrowDown")
        assert (await focused(page))["value"] == "reception"
        await tab_to(page, lambda f: f["name"] == "enheter" and f["value"] == UNIT)
        await page.keyboard.press("Space")
        await tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "Logga in")
        await page.keyboard.press("Enter")
        await expect(page.get_by_role("heading", name="Schema för Vårdcentralen Falkenberg")).to_be_visible()

        await tab_to(page, lambda f: f["tag"] == "A" and f["text"] == "Dagbok")
        await page.keyboard.press("Enter")
        await expect(page.get_by_role("heading", level=1)).to_contain_text("Torsdag 26 november 2026")
        await page.goto(
            f"/personal/schema/dagbok?{urlencode({'enhet': UNIT, 'datum': '2026-11-26', 'behandlare': NURSE})}"
        )
        await expect(page.get_by_text("19850315-4018, bokad")).to_be_visible()
        await no_accessibility_problem(page, "dagbok")

        await tab_to(page, lambda f: f["tag"] == "A" and f["text"] == "Boka 09:00 hos Maria Svensson")
        await page.keyboard.press("Enter")
        await expect(page.get_by_role("heading", level=1)).to_contain_text("Boka torsdag 26 november kl. 09:00")
        await no_accessibility_problem(page, "boka")
        await tab_to(page, lambda f: f["name"] == "personnummer")
        await page.keyboard.press("Enter")  # nothing typed: the error summary
        await expect(page.locator(".error-summary")).to_contain_text("Skriv patientens personnummer")
        await no_accessibility_problem(page, "boka, med fel")
        await page.get_by_label("Patientens personnummer").focus()
        await page.keyboard.type(ON_BEHALF)
        await page.keyboard.press("Enter")
        await expect(page.locator(".banner")).to_contain_text("Tiden är bokad.")
        await expect(page.get_by_text("19790315-4024, bokad")).to_be_visible()

        await tab_to(page, lambda f: f["tag"] == "A" and f["text"] == "Registrera besök 08:00, 19850315-4018")
        await page.keyboard.press("Enter")
        await expect(page.get_by_role("heading", level=1)).to_contain_text("Registrera besöket")
        await expect(page.get_by_label("Besöket är genomfört")).to_be_checked()
        await no_accessibility_problem(page, "registrera besök")
        await tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "Registrera")
        await page.keyboard.press("Enter")
        await expect(page.locator(".banner")).to_contain_text("Besöket är registrerat som genomfört.")
        await expect(page.get_by_text("19850315-4018, genomförd")).to_be_visible()
        await no_accessibility_problem(page, "dagbok efter åtgärderna")

        await page.screenshot(path="/tmp/day-book-390.png", full_page=True)
        wide = await page.evaluate("""() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .map(e => e.tagName + '.' + e.className).slice(0, 8)""")
        assert wide == [], f"wider than the phone: {wide}"
        await page.set_viewport_size(DESKTOP)
        await no_accessibility_problem(page, "dagbok, 1280 px")
        await page.screenshot(path="/tmp/day-book-1280.png", full_page=True)
    finally:
        await context.close()
