"""Issue 15's "done when": a new unit is set up from nothing through the pages alone, up to its first web booking.

The region's administrator adds the unit; its scheduler adds a doctor and a nurse and gives each a week of hours in
one form; a citizen on a phone is triaged, chooses the new unit and books; the scheduler sees the booking in the
day's book. The time each part takes is printed (pytest -s); screenshots in /tmp/new-unit-*.png."""

from __future__ import annotations

import re
import time
from datetime import date

from playwright.async_api import Page, expect

from nara.devstack.browser import axe_results

UNIT = "SE2321000115-E00000000077"
NAME = "Vårdcentralen Getinge"
ADMIN = "SE2321000115-P000000001"
SCHEDULER = "SE2321000115-P000000770"
PRACTITIONERS = (
    ("SE2321000115-P000000771", "Greta Berglund", "Läkare", "Läkarbesök"),
    ("SE2321000115-P000000772", "Sven Åberg", "Sjuksköterska", "Sjuksköterskebesök"),
)
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


async def log_in_as_staff(page: Page, hsa_id: str, role: str, unit: str) -> None:
    await page.goto("/personal/schema/logga-in")
    await page.get_by_label("HSA-id").fill(hsa_id)
    await page.get_by_label(role, exact=True).check()
    await page.get_by_label(unit).check()
    await page.get_by_role("button", name="Logga in").click()


async def choose(page: Page, field: str, starting: str) -> None:
    """Pick the option of a select whose text starts with `starting`, as a person reads the list."""
    options = await page.get_by_label(field).locator("option").all_inner_texts()
    await page.get_by_label(field).select_option(label=next(o for o in options if o.startswith(starting)))


async def no_violations(page: Page) -> None:
    found = (await axe_results(page))["violations"]
    assert not found, [(v["id"], [n["target"] for n in v["nodes"][:3]]) for v in found]


async def add_the_unit(page: Page) -> None:
    await log_in_as_staff(page, ADMIN, "Administratör", "Region Halland, regionkontoret")
    await page.get_by_role("link", name="Enheten").first.click()
    await page.get_by_role("button", name="Ny enhet").click()
    await page.get_by_label("HSA-id").fill(UNIT)
    await page.get_by_label("Namn").fill(NAME)
    await page.get_by_label("Adress").fill("Getingevägen 1, 305 60 Getinge")
    await page.get_by_label("Telefon").fill("035-17 00 00")
    for day in range(1, 6):
        await page.locator(f"#opens-{day}").fill("08:00")
        await page.locator(f"#closes-{day}").fill("17:00")
    await page.get_by_role("button", name="Lägg till enheten").click()
    await expect(page.locator(".success-banner, [role=alert]").first).to_contain_text("Enheten är tillagd")
    await page.get_by_role("button", name="Logga ut").click()


async def staff_the_unit(page: Page) -> None:
    await log_in_as_staff(page, SCHEDULER, "Schemaläggare", NAME)
    await expect(page.get_by_role("heading", name=f"Schema för {NAME}")).to_be_visible()
    for hsa_id, name, profession, _ in PRACTITIONERS:
        await page.get_by_role("link", name="Behandlare").first.click()
        await page.get_by_role("button", name="Lägg till behandlare").click()
        await page.get_by_label("HSA-id").fill(hsa_id)
        await page.get_by_label("Namn").fill(name)
        await page.get_by_label("Yrke").select_option(label=profession)
        await page.get_by_role("button", name="Lägg till behandlaren").click()
        await expect(page.locator("main")).to_contain_text(name)
    await page.get_by_role("link", name="Veckoschema").first.click()
    for _, name, _, time_type in PRACTITIONERS:
        await choose(page, "Behandlare", name)
        await page.get_by_role("button", name="Visa veckoschemat").click()
        for weekday in ("Måndag", "Tisdag", "Onsdag", "Torsdag", "Fredag"):
            await page.get_by_label(weekday, exact=True).check()
        await page.get_by_label("Starttid").fill("08:00")
        await page.get_by_label("Sluttid").fill("16:00")
        await choose(page, "Tidtyp", time_type)
        await page.get_by_role("button", name="Spara passet").click()
        await expect(page.locator("main")).to_contain_text("Passet är sparat")
    await no_violations(page)


async def book_on_the_web(phone: Page, citizen: str, helpers) -> str:
    await helpers.log_in(phone, citizen)
    await helpers.find_advice(phone, re.compile(r"träffa en (läkare|sjuksköterska)"))
    await helpers.choose_unit(phone, NAME)
    _, label = await helpers.pick_slot(phone, hours_ahead=2)
    await phone.get_by_role("button", name="Fortsätt").click()
    await expect(phone.get_by_role("heading", name="Bekräfta din tid")).to_be_visible()
    reason = phone.get_by_label("Vad gäller besöket?")
    if await reason.count():
        await reason.fill("Hosta sedan två veckor")
    await phone.get_by_role("button", name="Bekräfta bokningen").click()
    await expect(phone.locator(".success-banner")).to_have_text("Din tid är bokad")
    await expect(phone.locator("main")).to_contain_text(NAME)
    return label


async def test_a_new_unit_is_set_up_through_the_pages_to_its_first_web_booking(
    browser, booking_pages, phone, citizen, helpers
):
    context = await browser.new_context(
        viewport=DESKTOP, locale="sv-SE", base_url=booking_pages["url"], bypass_csp=True
    )
    page = await context.new_page()
    timings = {}
    started = time.monotonic()
    await add_the_unit(page)
    timings["the unit"] = time.monotonic() - started
    await staff_the_unit(page)
    timings["practitioners and their weeks"] = time.monotonic() - started - sum(timings.values())
    label = await book_on_the_web(phone, citizen, helpers)
    timings["the first web booking"] = time.monotonic() - started - sum(timings.values())

    booked_day = re.match(r"^\w+ (\d+) (\w+)", label)
    assert booked_day, label
    months = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
              "november", "december"]  # fmt: skip
    day_number, month = int(booked_day.group(1)), months.index(booked_day.group(2)) + 1
    today = date.today()
    year = today.year + (1 if month < today.month else 0)
    await page.goto(f"/personal/schema/dagbok?enhet={UNIT}&datum={date(year, month, day_number).isoformat()}")
    booked = page.locator("tr", has_text="Bokad")
    await expect(booked).to_have_count(1)
    await expect(booked).to_contain_text(citizen)  # the patient, from triage
    await no_violations(page)
    for name, viewport in (("1280", DESKTOP), ("390", PHONE)):
        await page.set_viewport_size(viewport)
        await page.screenshot(path=f"/tmp/new-unit-day-book-{name}.png", full_page=True)
    await context.close()
    print("\nA new unit, set up through the pages:", {part: f"{seconds:.1f} s" for part, seconds in timings.items()})
