"""An offer of an earlier time on a 390 px phone (issue 18): a citizen with a booked time asks for an earlier one;
staff open an earlier time again (unblock), the offer job holds it for them and leaves an e-mail with the link in
the outbox. The link shows the offer without a login; "Logga in och ta tiden" logs in and comes back; "Ta tiden"
books it, the later time is let go, and Mina tider shows the new time. Another citizen says "Nej tack" from the
link alone. axe finds no serious or critical problem, no page is wider than the phone, and the pages are
photographed at 390 and 1280 px (under NARA_SCREENSHOTS)."""

from __future__ import annotations

import asyncio
import os
import re
import uuid
from pathlib import Path

import asyncpg
import httpx
import pytest
from playwright.async_api import Page, expect

from nara.shared.identity import issue_dev_token
from nara.shared.pseudonym import pseudonymiser_from_environment

PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}
SHOTS = Path(os.environ.get("NARA_SCREENSHOTS", "/tmp/nara-screenshots"))
FALKENBERG = "SE2321000115-E00000000011"


@pytest.fixture(scope="module", autouse=True)
def shots_folder() -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)


async def booked_and_waiting(page: Page, helpers, pnr: str, *, by_email: bool = True) -> str:
    """Log in, book a time a day ahead, and ask for an earlier one (by e-mail, or looking for themselves); the id
    of a free time before it."""
    await helpers.log_in(page, pnr)
    await helpers.describe_bookable_problem(page)
    await helpers.choose_unit(page)
    earlier, label = await helpers.pick_slot(page, hours_ahead=26)
    await helpers.pick_slot(page, hours_ahead=26, exclude=frozenset({earlier}), other_than=helpers.time_label(label))
    await page.get_by_role("button", name="Fortsätt").click()
    await page.get_by_role("button", name="Bekräfta bokningen").click()
    await expect(page.locator(".success-banner")).to_have_text("Din tid är bokad")
    await page.get_by_role("link", name="Vill du ha en tidigare tid?").click()
    if by_email:
        await page.get_by_label("E-post", exact=True).check()
        await page.get_by_label("E-postadress (om du valde e-post)").fill("patient@example.se")
    else:
        await page.get_by_label("Jag tittar själv på den här sidan").check()
    await page.get_by_role("button", name="Ställ mig i kö").click()
    await expect(page.locator(".success-banner")).to_have_text("Du står i kö till en tidigare tid")
    return earlier


async def free_again(base_url: str, slot_id: str) -> None:
    """Staff block the earlier time and open it again: a freed time, as after a cancellation."""
    headers = {"Authorization": f"Bearer {issue_dev_token('reception', 'SE2321000115-P000000901', units=[FALKENBERG])}"}
    async with httpx.AsyncClient(base_url=base_url, headers=headers, timeout=30) as client:
        for step in ("block", "unblock"):
            answer = await client.post(f"/api/v1/slots/{slot_id}/{step}")
            assert answer.status_code == 200, answer.text


async def offer_link(database: str, pnr: str) -> tuple[str, str]:
    """The offer's e-mail as the outbox holds it (body, the link's path), once the offer job has made it."""
    patient = pseudonymiser_from_environment().pseudonym(pnr)
    connection = await asyncpg.connect(database)
    try:
        async with asyncio.timeout(30):
            while True:
                rows = await connection.fetch(
                    "SELECT body FROM outgoing_messages WHERE patient = $1 AND purpose = 'offer'", patient
                )
                if rows:
                    break
                await asyncio.sleep(0.2)
    finally:
        await connection.close()
    body = rows[0]["body"]
    found = re.search(r"(/erbjudande/[A-Za-z0-9_-]+)", body)
    assert found is not None, body
    return body, found.group(1)


async def new_phone(browser, booking_pages):
    # axe is injected as an inline script, which the pages' Content-Security-Policy rightly forbids.
    return await browser.new_context(viewport=PHONE, locale="sv-SE", base_url=booking_pages["url"], bypass_csp=True)


async def test_an_offer_link_is_seen_without_login_and_taken_after_it_on_a_phone(browser, booking_pages, helpers):
    pnr = helpers.new_personnummer()
    booking_context, link_context = await new_phone(browser, booking_pages), await new_phone(browser, booking_pages)
    try:
        page = await booking_context.new_page()
        earlier = await booked_and_waiting(page, helpers, pnr)
        await free_again(booking_pages["url"], earlier)
        body, link = await offer_link(booking_pages["database"], pnr)
        assert "Vårdcentralen Falkenberg" in body and "Svara senast" in body
        assert pnr not in body and pnr.replace("-", "") not in body

        # the link on the phone, not logged in: the time, the unit, until when it is held; nothing about the patient
        offer = await link_context.new_page()
        await offer.goto(link)
        await expect(offer.get_by_role("heading", level=1)).to_have_text("En tidigare tid är ledig")
        await expect(offer.locator(".summary-list")).to_contain_text("Vårdcentralen Falkenberg")
        await expect(offer.locator(".panel-reference")).to_contain_text(re.compile(r"\d{2}:\d{2}"))
        await expect(offer.get_by_role("button", name="Nej tack")).to_be_visible()
        await helpers.fits_and_is_accessible(offer, "the offer, not logged in")
        await offer.screenshot(path=str(SHOTS / "erbjudande.png"), full_page=True)
        await offer.set_viewport_size(DESKTOP)
        await offer.screenshot(path=str(SHOTS / "erbjudande-1280.png"), full_page=True)
        await offer.set_viewport_size(PHONE)

        # taking it needs the login, which comes back to the offer
        await offer.get_by_role("button", name="Logga in och ta tiden").click()
        await offer.get_by_label("Personnummer").fill(pnr)
        await offer.get_by_role("button", name="Logga in").click()
        await expect(offer).to_have_url(re.compile(re.escape(link) + "$"))
        await offer.get_by_role("button", name="Ta tiden").click()
        await expect(offer.locator(".success-banner")).to_have_text("Din tid är bokad")
        await helpers.fits_and_is_accessible(offer, "the time taken")
        await offer.screenshot(path=str(SHOTS / "erbjudande-tagen.png"), full_page=True)

        # the other tab (the first page) takes it again: the same time, booked once
        await page.goto(link)
        await expect(page.get_by_role("heading", level=1)).to_have_text("Tiden är redan din")
        await helpers.fits_and_is_accessible(page, "the offer already taken")

        await offer.goto("/mina-tider")
        upcoming = offer.get_by_role("heading", name="Kommande tider").locator("xpath=following-sibling::ul[1]/li")
        await expect(upcoming).to_have_count(1)  # the earlier time; the later one is under "avbokade"
        await expect(offer.locator("main")).to_contain_text("Avbokad")
        await helpers.fits_and_is_accessible(offer, "Mina tider")
        await offer.screenshot(path=str(SHOTS / "erbjudande-mina-tider.png"), full_page=True)
    finally:
        await booking_context.close()
        await link_context.close()

    connection = await asyncpg.connect(booking_pages["database"])
    try:
        rows = await connection.fetch(
            """SELECT a.status, a.slot_id::text AS slot_id FROM appointments a
               WHERE a.patient = $1 ORDER BY a.created_at""",
            pseudonymiser_from_environment().pseudonym(pnr),
        )
    finally:
        await connection.close()
    assert [r["status"] for r in rows] == ["cancelled", "booked"]  # the later time was let go
    assert rows[1]["slot_id"] == earlier


async def test_nej_tack_from_the_link_alone(browser, booking_pages, helpers):
    pnr = helpers.new_personnummer()
    booking_context, link_context = await new_phone(browser, booking_pages), await new_phone(browser, booking_pages)
    try:
        page = await booking_context.new_page()
        earlier = await booked_and_waiting(page, helpers, pnr)
        await free_again(booking_pages["url"], earlier)
        _, link = await offer_link(booking_pages["database"], pnr)

        # someone else who has the link, logged in as themselves, cannot take it
        offer = await link_context.new_page()
        await helpers.log_in(offer, helpers.new_personnummer())
        await offer.goto(link)
        await offer.get_by_role("button", name="Ta tiden").click()
        await expect(offer.locator(".error-summary")).to_contain_text("Erbjudandet gäller någon annan")
        await helpers.fits_and_is_accessible(offer, "the offer taken by someone else")
        # "Nej tack" needs only the link
        await offer.get_by_role("button", name="Nej tack").click()
        await expect(offer.get_by_role("heading", level=1)).to_have_text("Du har tackat nej till tiden")
        await expect(offer.locator("main")).to_contain_text("gått vidare till någon annan")
        await expect(offer.get_by_role("button", name="Ta tiden")).to_have_count(0)
        await helpers.fits_and_is_accessible(offer, "the offer declined")
        await offer.screenshot(path=str(SHOTS / "erbjudande-nej-tack.png"), full_page=True)
        await offer.goto(f"/erbjudande/{uuid.uuid4().hex}")  # a link that names no offer
        await expect(offer.get_by_role("heading", level=1)).to_have_text("Vi hittar inte erbjudandet")
    finally:
        await booking_context.close()
        await link_context.close()

    connection = await asyncpg.connect(booking_pages["database"])
    try:
        states = await connection.fetch(
            "SELECT state FROM waitlist_offers WHERE patient = $1", pseudonymiser_from_environment().pseudonym(pnr)
        )
        waiting = await connection.fetch(
            "SELECT 1 FROM waitlist_entries WHERE patient = $1 AND ended_at IS NULL",
            pseudonymiser_from_environment().pseudonym(pnr),
        )
    finally:
        await connection.close()
    assert [s["state"] for s in states] == ["declined"] and waiting  # still waiting for another time


async def test_one_who_looks_for_themselves_takes_the_offer_on_the_waitlist_page(browser, booking_pages, helpers):
    pnr = helpers.new_personnummer()
    context = await new_phone(browser, booking_pages)
    try:
        page = await context.new_page()
        earlier = await booked_and_waiting(page, helpers, pnr, by_email=False)
        waitlist_page = page.url.split("?")[0]
        await free_again(booking_pages["url"], earlier)
        offered = page.get_by_role("heading", name="En tidigare tid är ledig för dig")
        async with asyncio.timeout(30):
            while True:  # the offer job runs each second
                await page.goto(waitlist_page)
                if await offered.count():
                    break
                await asyncio.sleep(0.5)
        await helpers.fits_and_is_accessible(page, "the waitlist page with an offer")
        await page.screenshot(path=str(SHOTS / "tidigare-tid-erbjudande.png"), full_page=True)
        await page.get_by_role("button", name="Ta tiden").click()
        await expect(page.locator(".success-banner")).to_have_text("Din tid är bokad")
    finally:
        await context.close()

    connection = await asyncpg.connect(booking_pages["database"])
    try:
        messages = await connection.fetch(
            "SELECT 1 FROM outgoing_messages WHERE patient = $1", pseudonymiser_from_environment().pseudonym(pnr)
        )
        booked = await connection.fetch(
            "SELECT slot_id::text FROM appointments WHERE patient = $1 AND status = 'booked'",
            pseudonymiser_from_environment().pseudonym(pnr),
        )
    finally:
        await connection.close()
    assert not messages  # they chose to look for themselves: nothing is sent
    assert [b["slot_id"] for b in booked] == [earlier]
