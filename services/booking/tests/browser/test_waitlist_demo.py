"""Issue 18's done-when, on the demo data: a freed time goes to the patient closest to breaching the care
guarantee, not to the one who asked first, and the e-mail is in Mailpit.

Real processes as `./nara run` starts them: booking with its demo data (sending e-mail to the real Mailpit, its
offer links pointing at itself), triage (its console books through that booking) and the guarantee monitor (its
/ops counts the offers). Two contacts are triaged through triage's API on Vårdcentralen Falkenberg: A sought care
two days ago (the national deadline is tomorrow), B today (three days left). B asks for an earlier time first, A
later, both by e-mail on /tidigare-tid/{contact} on a phone. A third patient's time tomorrow is cancelled (by
reception: too late for the web); the offer goes to A, whose e-mail is photographed in Mailpit's own web inbox; A
follows its link on the phone, logs in and takes the time; the console's waitlist view shows the accepted offer,
the monitor counts it as accepted and as a breach prevented, and /ops/vantelistan shows the monitor's figures.
Each step is asserted; the photographs are under SHOTS (the closing note's copies in services/booking/docs/journey/,
listed in its README)."""

from __future__ import annotations

import asyncio
import os
import re
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import httpx
import pytest
from booking_support import STREP_THROAT_ANSWERS, UNIT_FALKENBERG, citizen, pseudonym, staff
from playwright.async_api import Page, expect

from nara.devstack.browser import load_beside
from nara.devstack.processes import free_port
from nara.devstack.testing import Infrastructure, eventually, scratch_schema, service_process
from nara.shared.clock import STOCKHOLM

PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1280, "height": 900}
SHOTS = Path(os.environ.get("NARA_SCREENSHOTS", "/tmp/nara-screenshots"))  # look at them before calling a page done
RECEPTIONIST, OPS_PERSON = "SE2321000115-P000000301", "SE2321000115-P000000701"
FALKENBERG_NAME = "Vårdcentralen Falkenberg"
SHOTS.mkdir(parents=True, exist_ok=True)


@pytest.fixture(scope="module")
async def demo_stack(infrastructure: Infrastructure, mail_server, tmp_path_factory):
    """The guarantee monitor, triage and booking (demo data, e-mail to Mailpit) as processes that know each other:
    booking's and triage's ports are chosen first, as each calls the other."""
    run, logs = uuid.uuid4().hex[:8], tmp_path_factory.mktemp("waitlist-demo-logs")
    booking_port, triage_port = free_port(), free_port()
    booking_url, triage_url = f"http://127.0.0.1:{booking_port}", f"http://127.0.0.1:{triage_port}"
    urls = infrastructure.database_urls
    async with (
        scratch_schema(urls["guarantee-monitor"], prefix="demomonitor") as monitor_db,
        scratch_schema(urls["triage"], prefix="demotriage") as triage_db,
        scratch_schema(urls["booking"], prefix="demobooking") as booking_db,
    ):
        monitor_env = {
            "GUARANTEE_MONITOR_CONSUMER_GROUP": f"waitlist-demo-monitor-{run}",
            "GUARANTEE_MONITOR_SCHEDULER_INTERVAL_SECONDS": "0.5",
        }
        booking_env = {
            "BOOKING_LOAD_DEMO_DATA": "true",
            "BOOKING_CONTACTS_CONSUMER_GROUP": f"waitlist-demo-booking-{run}",
            "BOOKING_TRIAGE_URL": triage_url,
            "BOOKING_PAGES_SECRET": load_beside(__file__, "page_steps", "booking_browser").PAGES_SECRET,
            "BOOKING_PUBLIC_BASE_URL": booking_url,  # the e-mail's link leads back to this booking
            "BOOKING_MESSAGE_POLL_SECONDS": "0.2",
            **mail_server.smtp_settings(),
        }
        with service_process("guarantee-monitor", infrastructure, monitor_db, monitor_env, logs) as monitor_url:
            triage_env = {"TRIAGE_BOOKING_URL": booking_url, "TRIAGE_GUARANTEE_MONITOR_URL": monitor_url}
            with (
                service_process("booking", infrastructure, booking_db, booking_env, logs, port=booking_port),
                service_process("triage", infrastructure, triage_db, triage_env, logs, port=triage_port),
            ):
                yield {
                    "booking": booking_url,
                    "booking_db": booking_db,
                    "triage": triage_url,
                    "monitor": monitor_url,
                    "monitor_db": monitor_db,
                }


async def triaged_contact(stack: dict, pnr: str, sought_at: datetime) -> str:
    """A web contact registered and triaged through triage's API (as the citizen's triage would), once booking has
    heard of the decision (it answers for the contact's times)."""
    token = staff(role="reception", hsa_id=RECEPTIONIST)
    body = {
        "patient": pnr,
        "unit": UNIT_FALKENBERG,
        "channel": "web",
        "reason_code": "sore_throat",
        "sought_at": sought_at.isoformat(),
    }
    async with httpx.AsyncClient(base_url=stack["triage"], headers=token, timeout=30) as triage:
        registered = await triage.post("/api/v1/contacts", json=body)
        assert registered.status_code == 201, registered.text
        contact_id = registered.json()["id"]
        triaged = await triage.post(f"/api/v1/contacts/{contact_id}/triage", json={"answers": STREP_THROAT_ANSWERS})
        assert triaged.status_code == 200, triaged.text

    last: list[str] = []

    async def heard() -> bool:
        async with httpx.AsyncClient(base_url=stack["booking"], headers=token, timeout=30) as booking:
            answer = await booking.get("/api/v1/slots", params={"unit": UNIT_FALKENBERG, "contact_id": contact_id})
            last[:] = [f"{answer.status_code} {answer.text[:300]}"]
            return answer.status_code == 200

    try:
        await eventually(heard, what="booking hears of the triaged contact", within_seconds=90, every_seconds=0.5)
    except AssertionError as failed:
        raise AssertionError(f"{failed}; booking's last answer: {last}") from None
    return contact_id


async def phone_context(browser, stack: dict):
    # axe is injected as an inline script, which the pages' Content-Security-Policy rightly forbids.
    return await browser.new_context(viewport=PHONE, locale="sv-SE", base_url=stack["booking"], bypass_csp=True)


async def join_by_email(page: Page, helpers, pnr: str, contact_id: str, address: str, photo: str | None) -> None:
    """Log in and ask for an earlier time for the contact on /tidigare-tid/{contact}, to be reached by e-mail."""
    await helpers.log_in(page, pnr)
    await page.goto(f"/tidigare-tid/{contact_id}")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Vill du ha en tidigare tid?")
    await expect(page.get_by_label(FALKENBERG_NAME)).to_be_checked()
    await page.get_by_label("E-post", exact=True).check()
    await page.get_by_label("E-postadress (om du valde e-post)").fill(address)
    if photo:
        await helpers.fits_and_is_accessible(page, "the waitlist form, filled in")
        await page.screenshot(path=str(SHOTS / photo), full_page=True)
    await page.get_by_role("button", name="Ställ mig i kö").click()
    await expect(page.locator(".success-banner")).to_have_text("Du står i kö till en tidigare tid")


async def the_first_free_time(stack: dict, contact_id: str) -> dict:
    """The first free time more than an hour ahead that the contact's triage allows, on a weekday in the daytime (so
    it suits every contact's wishes as the form fills them in)."""
    soon = datetime.now(UTC) + timedelta(hours=1)
    params = {"unit": UNIT_FALKENBERG, "contact_id": contact_id, "from": soon.isoformat(), "page_size": 100}
    async with httpx.AsyncClient(base_url=stack["booking"], headers=staff(hsa_id=RECEPTIONIST), timeout=30) as api:
        answer = await api.get("/api/v1/slots", params=params)
    assert answer.status_code == 200, answer.text
    daytime = [
        slot
        for slot in answer.json()["slots"]
        if (local := datetime.fromisoformat(slot["start"]).astimezone(STOCKHOLM)).weekday() < 5 and 8 <= local.hour < 16
    ]
    assert daytime, f"the demo data has no free weekday time for the contact: {answer.json()}"
    return daytime[0]


def sought_so_the_deadline_is_that_day(slot: dict, now: datetime) -> datetime:
    """When A sought care for the national deadline (the end of day 3, day 0 the day of contact) to end on the
    slot's day: two days ago, when the slot is tomorrow."""
    day = datetime.fromisoformat(slot["start"]).astimezone(STOCKHOLM).date() - timedelta(days=3)
    return min(datetime.combine(day, now.astimezone(STOCKHOLM).timetz()), now - timedelta(minutes=1))


async def book_and_cancel(stack: dict, pnr: str, contact_id: str, slot_id: str) -> None:
    """A third patient books a time (for their own triaged contact) and calls the unit to cancel it, less than 24
    hours ahead (too late on the web): reception cancels it through the booking API, and the time is freed."""
    async with httpx.AsyncClient(base_url=stack["booking"], timeout=30) as api:
        body = {"slot_id": slot_id, "contact_id": contact_id, "reason": "Ont i halsen"}
        booked = await api.post("/api/v1/appointments", json=body, headers=citizen(pnr))
        assert booked.status_code == 201, booked.text
        cancelled = await api.post(
            f"/api/v1/appointments/{booked.json()['id']}/cancel",
            json={"reason": "Patienten ringde och avbokade"},
            headers=staff(hsa_id=RECEPTIONIST),
        )
        assert cancelled.status_code == 200, cancelled.text


async def waitlist_of(stack: dict, contact_id: str) -> dict:
    async with httpx.AsyncClient(base_url=stack["booking"], headers=staff(hsa_id=RECEPTIONIST), timeout=30) as api:
        answer = await api.get(f"/api/v1/waitlist/{contact_id}")
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


async def _when(found, holds):
    """`found`'s answer when `holds` of it, else None (for `eventually`)."""
    answer = await found
    return answer if holds(answer) else None


async def fetch(database: str, sql: str, *args) -> list:
    connection = await asyncpg.connect(database)
    try:
        return list(await connection.fetch(sql, *args))
    finally:
        await connection.close()


async def test_a_freed_time_goes_to_the_patient_at_risk_and_the_email_is_in_mailpit(
    browser, demo_stack, mail_server, helpers
):
    stack, now = demo_stack, datetime.now(UTC)
    at_risk, on_track, canceller = helpers.new_personnummer(), helpers.new_personnummer(), helpers.new_personnummer()
    mail_a, mail_b = (f"{who}-{uuid.uuid4().hex[:8]}@example.se" for who in ("patient-a", "patient-b"))

    # The third patient's time: the first free one (run on a weekday evening: tomorrow morning).
    contact_c = await triaged_contact(stack, canceller, now)
    slot = await the_first_free_time(stack, contact_c)
    sought_a = sought_so_the_deadline_is_that_day(slot, now)
    if sought_a.astimezone(STOCKHOLM).date() >= now.astimezone(STOCKHOLM).date():
        pytest.skip("the first free time is 3 days ahead (after a weekend): A cannot have sought care before B")

    # 1. A sought care two days ago (the deadline is the time's day: tomorrow), B today; B asks for an earlier time
    # first, A later.
    contact_a = await triaged_contact(stack, at_risk, sought_a)
    contact_b = await triaged_contact(stack, on_track, now)
    context_a, context_b = await phone_context(browser, stack), await phone_context(browser, stack)
    try:
        page_b = await context_b.new_page()
        await join_by_email(page_b, helpers, on_track, contact_b, mail_b, photo=None)
        page = await context_a.new_page()
        await join_by_email(page, helpers, at_risk, contact_a, mail_a, photo="waitlist-demo-a-joins.png")
        entry_a, entry_b = await waitlist_of(stack, contact_a), await waitlist_of(stack, contact_b)
        assert entry_a["waiting"] and entry_b["waiting"]
        assert datetime.fromisoformat(entry_b["joined_at"]) < datetime.fromisoformat(entry_a["joined_at"])  # B first
        assert entry_a["offers"] == [] and entry_b["offers"] == []

        # 2. The third patient's time is cancelled.
        await book_and_cancel(stack, canceller, contact_c, slot["id"])

        # 3. The offer goes to A, not B; its e-mail is in Mailpit, photographed in Mailpit's own inbox.
        [summary] = await eventually(
            lambda: asyncio.to_thread(mail_server.messages_to, mail_a), what="the offer's e-mail to A"
        )
        offers_a = (await waitlist_of(stack, contact_a))["offers"]
        assert [(o["slot_id"], o["state"]) for o in offers_a] == [(slot["id"], "open")]
        assert (await waitlist_of(stack, contact_b))["offers"] == []
        assert await asyncio.to_thread(mail_server.messages_to, mail_b) == []
        message = await asyncio.to_thread(mail_server.message, summary["ID"])
        assert message["Subject"] == f"En tidigare tid hos {FALKENBERG_NAME}"
        assert "Svara senast " in message["Text"]
        for digits in (at_risk, at_risk.replace("-", ""), at_risk[2:]):
            assert digits not in message["Text"]
        found = re.search(rf"{re.escape(stack['booking'])}(/erbjudande/[A-Za-z0-9_-]+)", message["Text"])
        assert found is not None, message["Text"]
        link = found.group(1)

        inbox = await browser.new_page(viewport=DESKTOP, locale="sv-SE")
        try:
            await inbox.goto(f"{mail_server.url}/view/{summary['ID']}")
            await expect(inbox.get_by_text(message["Subject"]).first).to_be_visible()
            await expect(inbox.get_by_text("Svara senast").first).to_be_visible(timeout=15_000)
            await expect(inbox.get_by_text(link).first).to_be_visible()
            await inbox.screenshot(path=str(SHOTS / "waitlist-demo-mailpit.png"))
        finally:
            await inbox.close()

        # 4. A follows the link on the phone: the offer, the login, the time taken, Mina tider.
        await page.context.clear_cookies()  # the link is opened as from the e-mail: not logged in
        await page.goto(link)
        await expect(page.get_by_role("heading", level=1)).to_have_text("En tidigare tid är ledig")
        await expect(page.locator(".summary-list")).to_contain_text(FALKENBERG_NAME)
        await helpers.fits_and_is_accessible(page, "the offer")
        await page.screenshot(path=str(SHOTS / "waitlist-demo-offer.png"), full_page=True)
        await page.get_by_role("button", name="Logga in och ta tiden").click()
        await page.get_by_label("Personnummer").fill(at_risk)
        await page.get_by_role("button", name="Logga in").click()
        await expect(page).to_have_url(re.compile(re.escape(link) + "$"))
        await page.get_by_role("button", name="Ta tiden").click()
        await expect(page.locator(".success-banner")).to_have_text("Din tid är bokad")
        await helpers.fits_and_is_accessible(page, "the time taken")
        await page.screenshot(path=str(SHOTS / "waitlist-demo-taken.png"), full_page=True)
        await page.goto("/mina-tider")
        upcoming = page.get_by_role("heading", name="Kommande tider").locator("xpath=following-sibling::ul[1]/li")
        await expect(upcoming).to_have_count(1)
        await expect(upcoming).to_contain_text(FALKENBERG_NAME)
        await helpers.fits_and_is_accessible(page, "Mina tider")
        await page.screenshot(path=str(SHOTS / "waitlist-demo-my-times.png"), full_page=True)
    finally:
        await context_a.close()
        await context_b.close()

    booked = await fetch(
        stack["booking_db"],
        "SELECT slot_id::text AS slot_id FROM appointments WHERE patient = $1 AND status = 'booked'",
        pseudonym(at_risk),
    )
    assert [row["slot_id"] for row in booked] == [slot["id"]]
    [accepted] = (await waitlist_of(stack, contact_a))["offers"]
    assert accepted["state"] == "accepted"

    # 5. Staff see it: the console's waitlist view for A's contact, and /ops/vantelistan this week.
    desk = await browser.new_context(viewport=DESKTOP, locale="sv-SE", timezone_id="Europe/Stockholm")
    try:
        console = await desk.new_page()
        await console.goto(f"{stack['triage']}/console/logga-in")
        await console.get_by_label("HSA-id").fill(RECEPTIONIST)
        await console.get_by_label("Reception", exact=True).check()
        await console.get_by_label(FALKENBERG_NAME).check()
        await console.get_by_role("button", name="Logga in").click()
        await expect(console.get_by_role("heading", level=1, name="Kö")).to_be_visible()
        await console.goto(f"{stack['triage']}/console/kontakter/{contact_a}/vantelista")
        offers = console.locator("[data-offers] tbody tr")
        await expect(offers).to_have_count(1)
        await expect(offers.first).to_have_attribute("data-offer-state", "accepted")
        await expect(offers.first).to_contain_text(FALKENBERG_NAME)
        table = await console.locator("[data-offers]").bounding_box()
        assert table is not None
        clip = {"x": 0, "y": 0, "width": DESKTOP["width"], "height": table["y"] + table["height"] + 32}
        await console.screenshot(path=str(SHOTS / "waitlist-demo-console.png"), full_page=True, clip=clip)

        # the monitor counted this very offer: made, then accepted, and a breach prevented
        async def outcomes() -> list[tuple[str, bool]]:
            rows = await fetch(
                stack["monitor_db"],
                "SELECT outcome, breach_prevented FROM waitlist_offer_outcomes WHERE offer_id::text = $1",
                accepted["offer_id"],
            )
            return sorted((row["outcome"], row["breach_prevented"]) for row in rows)

        counted = await eventually(
            lambda: _when(outcomes(), lambda found: len(found) == 2), what="the monitor counts the accepted offer"
        )
        assert counted == [("accepted", True), ("offered", False)]

        ops = await desk.new_page()
        await ops.goto(f"{stack['monitor']}/ops/logga-in")
        await ops.get_by_label("HSA-id").fill(OPS_PERSON)
        await ops.get_by_label(FALKENBERG_NAME).check()
        await ops.get_by_role("button", name="Logga in").click()
        await expect(ops.get_by_role("heading", level=1)).to_have_text("Vårdgarantin på dina enheter")
        await ops.goto(f"{stack['monitor']}/ops/vantelistan")
        today = datetime.now(STOCKHOLM).date()
        year, week, _ = today.isocalendar()
        row = ops.locator(f"section[data-offer-unit='{UNIT_FALKENBERG}'] tr[data-week='{year}-W{week:02d}']")
        shown = {
            field: int(await row.locator(f"[data-count='{field}']").inner_text())
            for field in ("offered", "accepted", "breaches_prevented")
        }
        # The monitor reads the shared Kafka from its start, so the week may hold earlier runs' offers too: the
        # page shows what the monitor counted, this offer among it.
        [tally] = await fetch(
            stack["monitor_db"],
            """SELECT count(*) FILTER (WHERE outcome = 'offered') AS offered,
                      count(*) FILTER (WHERE outcome = 'accepted') AS accepted,
                      count(*) FILTER (WHERE outcome = 'accepted' AND breach_prevented) AS breaches_prevented
               FROM waitlist_offer_outcomes WHERE unit = $1 AND week_start = $2""",
            UNIT_FALKENBERG,
            today - timedelta(days=today.weekday()),
        )
        assert shown == dict(tally) and shown["accepted"] >= 1 and shown["breaches_prevented"] >= 1, shown
        await ops.screenshot(path=str(SHOTS / "waitlist-demo-ops.png"), full_page=True)
    finally:
        await desk.close()
