"""A contact's waitlist from the console (issue 18): reception opens a triaged contact, follows "Väntelista till en
tidigare tid" and, with the keyboard alone, puts the patient on the waitlist with SMS, sees the entry (the number
masked, never in full), gets booking's own Swedish sentence beside the field for a bad number, and takes the patient
off again; every change is made in the real booking service on the receptionist's token. A time that suits the
patient is freed (another patient cancels) and booking's real offer shows in the list. With booking unreachable
the page says so in plain Swedish (503), never a 500. axe finds nothing serious; photographed at 1280 and 390 px."""

from __future__ import annotations

import asyncio
import os
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from booking_support import STREP_THROAT_ANSWERS as STREP
from playwright.async_api import expect

from nara.devstack.browser import focused, press_button, tab_to, type_into
from nara.shared.identity import issue_dev_token

SHOTS = Path(os.environ.get("NARA_SCREENSHOTS", "/tmp/nara-screenshots"))  # look at them before calling a page done
SHOTS.mkdir(parents=True, exist_ok=True)


async def triaged_contact(steps, triage_console: str, booking_url: str) -> dict:
    """A phone contact triaged through triage's API, once booking has heard of the decision (its slots answer)."""
    contact = await steps.register_by_api(triage_console, steps.FALKENBERG, channel="phone_unit")
    token = steps.staff_token("reception")
    triaged = await steps.api(
        triage_console, "POST", f"/api/v1/contacts/{contact['id']}/triage", token, json={"answers": STREP}
    )
    assert triaged.status_code == 200, triaged.text
    async with asyncio.timeout(90):
        while True:
            params = {"unit": steps.FALKENBERG, "contact_id": contact["id"]}
            answer = await steps.api(booking_url, "GET", "/api/v1/slots", token, params=params)
            if answer.status_code == 200:
                return contact
            await asyncio.sleep(0.5)


async def free_a_time(steps, triage_console: str, booking_url: str, contact_id: str) -> dict:
    """Another triaged patient books a time the contact may have, on a weekday in the daytime, and reception
    cancels it: a freed time; answers the slot."""
    token = steps.staff_token("reception")
    params = {"unit": steps.FALKENBERG, "contact_id": contact_id, "page_size": 100}
    answer = await steps.api(booking_url, "GET", "/api/v1/slots", token, params=params)
    assert answer.status_code == 200, answer.text
    soon = datetime.now(UTC) + timedelta(hours=1)
    slot = next(
        s
        for s in answer.json()["slots"]
        if (start := datetime.fromisoformat(s["start"])) > soon
        and (local := start.astimezone(steps.STOCKHOLM)).weekday() < 5
        and 8 <= local.hour < 16
    )
    third = await triaged_contact(steps, triage_console, booking_url)
    other = issue_dev_token("citizen", third["personnummer"])
    chosen = {"slot_id": slot["id"], "contact_id": third["id"], "reason": "Ont i halsen"}
    booked = await steps.api(booking_url, "POST", "/api/v1/appointments", other, json=chosen)
    assert booked.status_code == 201, booked.text
    cancelled = await steps.api(  # reception cancels it (the patient called): a citizen may not inside 24 hours
        booking_url, "POST", f"/api/v1/appointments/{booked.json()['id']}/cancel", token, json={"reason": "Förhinder"}
    )
    assert cancelled.status_code == 200, cancelled.text
    return dict(slot)


async def choose_radio(page, name: str, value: str) -> None:
    """Tab into the radio group, then arrow to the choice (arrows move and select, as in every browser)."""
    await tab_to(page, lambda f: f["name"] == name)
    for _ in range(5):
        if (await focused(page))["value"] == value:
            return
        await page.keyboard.press("ArrowUp")
    raise AssertionError(f"the arrows never reached {value}")


async def test_reception_puts_a_patient_on_the_waitlist_and_takes_them_off_with_the_keyboard(
    audit_desk, steps, axe_script, triage_console, booking_service
):
    contact = await triaged_contact(steps, triage_console, booking_service)
    path = f"/console/kontakter/{contact['id']}/vantelista"
    page = audit_desk
    await steps.log_in(page)
    await page.goto(f"/console/kontakter/{contact['id']}")
    await tab_to(page, lambda f: f["tag"] == "A" and f["text"].startswith("Väntelista till en tidigare tid"))
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", name="Väntelista till en tidigare tid")).to_be_visible()
    await expect(page.locator("[data-no-entry]")).to_be_visible()
    await expect(page.get_by_label("Vårdcentralen Falkenberg")).to_be_checked()  # the contact's own unit

    # A bad number: booking's own sentence beside the field, what was typed kept, nothing saved.
    await choose_radio(page, "nas", "sms")
    await type_into(page, "adress", "12")
    await press_button(page, "Sätt i kö")
    await expect(page.locator("#adress-fel")).to_contain_text("Skriv ett mobilnummer")
    await expect(page.locator(".error-summary")).to_contain_text("Skriv ett mobilnummer")
    await expect(page.get_by_label("SMS")).to_be_checked()
    await steps.assert_accessible(page, axe_script, "the console's waitlist with booking's refusal")
    await page.set_viewport_size({"width": 390, "height": 844})
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    await page.screenshot(path=str(SHOTS / "console-waitlist-refused-390.png"), full_page=True)
    await page.set_viewport_size({"width": 1280, "height": 800})
    token = steps.staff_token("reception")
    nothing = await steps.api(booking_service, "GET", f"/api/v1/waitlist/{contact['id']}", token)
    assert nothing.status_code == 404, nothing.text

    # Nothing chosen to be reached by: said here, before booking is asked.
    await page.get_by_label("Mobilnummer eller e-postadress").fill("")
    await press_button(page, "Sätt i kö")
    await expect(page.locator("#adress-fel")).to_contain_text("Skriv ett mobilnummer, eller välj Inget.")

    await type_into(page, "adress", "070-987 65 43")
    await tab_to(page, lambda f: f["name"] == "dagar" and f["value"] == "5")  # Saturday suits too
    await page.keyboard.press("Space")
    await press_button(page, "Sätt i kö")
    await expect(page.get_by_text("Patienten står i kö till en tidigare tid.")).to_be_visible()
    entry = page.locator("[data-entry]")
    await expect(entry).to_have_attribute("data-waiting", "ja")
    await expect(entry).to_contain_text("SMS till nummer som slutar på 43")
    await expect(entry).to_contain_text("Vårdcentralen Falkenberg")
    await expect(entry).to_contain_text("Måndag, Tisdag, Onsdag, Torsdag, Fredag, Lördag")
    assert "987 65 43" not in await page.content() and "709876543" not in await page.content()

    stored = (await steps.api(booking_service, "GET", f"/api/v1/waitlist/{contact['id']}", token)).json()
    assert stored["waiting"] and stored["reach"] == {"by": "sms", "address": "+46709876543"}
    assert stored["weekdays"] == [0, 1, 2, 3, 4, 5] and stored["units"] == [steps.FALKENBERG]
    await expect(page.locator("[data-no-offers]")).to_be_visible()  # no time offered yet

    await steps.assert_accessible(page, axe_script, "the console's waitlist")
    await page.screenshot(path=str(SHOTS / "console-waitlist-1280.png"), full_page=True)
    await page.set_viewport_size({"width": 390, "height": 844})
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    await page.screenshot(path=str(SHOTS / "console-waitlist-390.png"), full_page=True)
    await page.set_viewport_size({"width": 1280, "height": 800})

    # A time that suits the patient is freed: booking's offer job holds it for them, and the console lists it.
    slot = await free_a_time(steps, triage_console, booking_service, contact["id"])
    offered = page.locator("[data-offers] tbody tr")
    async with asyncio.timeout(60):
        while not await offered.count():  # the offer job runs each second
            await asyncio.sleep(0.5)
            await page.goto(path)
    await expect(offered).to_have_count(1)
    await expect(offered).to_have_attribute("data-offer-state", "open")
    await expect(offered).to_contain_text("Väntar på svar")
    await expect(offered).to_contain_text("Vårdcentralen Falkenberg")
    await expect(offered.locator("th")).to_have_text(re.compile(r"\b\d{2}:\d{2}\b"))
    [offer] = (await steps.api(booking_service, "GET", f"/api/v1/waitlist/{contact['id']}", token)).json()["offers"]
    assert (offer["slot_id"], offer["state"]) == (slot["id"], "open")
    await steps.assert_accessible(page, axe_script, "the console's waitlist with an offer")
    await page.screenshot(path=str(SHOTS / "console-waitlist-offer-1280.png"), full_page=True)

    # Changing what suits keeps the number when the field is left empty.
    await page.goto(path)
    await tab_to(page, lambda f: f["name"] == "tider" and f["value"] == "evening")
    await page.keyboard.press("Space")
    await press_button(page, "Spara ändringen")
    await expect(page.get_by_text("Ändringen är sparad.")).to_be_visible()
    changed = (await steps.api(booking_service, "GET", f"/api/v1/waitlist/{contact['id']}", token)).json()
    assert changed["day_parts"] == ["morning", "afternoon"] and changed["reach"]["address"] == "+46709876543"

    await press_button(page, "Ta bort ur kön")
    await expect(page.get_by_text("Patienten står inte längre i kö till en tidigare tid.")).to_be_visible()
    await expect(page.locator("[data-entry]")).to_have_attribute("data-waiting", "nej")
    await expect(page.locator("[data-entry]")).to_contain_text("Nej: Togs bort ur kön")
    left = (await steps.api(booking_service, "GET", f"/api/v1/waitlist/{contact['id']}", token)).json()
    assert not left["waiting"] and left["end_reason"] == "left"


async def test_with_booking_unreachable_the_waitlist_page_says_so_in_swedish(
    desk_without_booking, steps, triage_without_booking
):
    contact = await steps.register_by_api(triage_without_booking, steps.FALKENBERG, channel="phone_unit")
    page = desk_without_booking
    await steps.log_in(page)

    response = await page.goto(f"/console/kontakter/{contact['id']}/vantelista")

    assert response is not None and response.status == 503
    await expect(page.locator("[data-booking-unavailable]")).to_contain_text("Bokningen svarar inte just nu.")
    await expect(page.get_by_role("link", name="Försök igen")).to_be_visible()
