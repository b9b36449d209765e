"""The waitlist's offers on /ops (issue 18): booking's offer events, published to the real Kafka and read by a real
monitor process, show per unit and week in "Väntelistan", reached from the ops navigation and filtered to a unit
with the keyboard alone; the table equals the REST API's figures, fits a 390 px phone inside its own scrolling
region, and axe-core finds nothing serious."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from playwright.async_api import expect

from nara.devstack.browser import focused, tab_to
from nara.shared.events.models import (
    WaitlistOfferAccepted,
    WaitlistOfferDeclined,
    WaitlistOffered,
    WaitlistOfferLapsed,
    WaitlistOfferWithdrawn,
)

SHOTS = Path(os.environ.get("NARA_SCREENSHOTS", "/tmp/nara-screenshots"))  # look at them before calling a page done
SHOTS.mkdir(parents=True, exist_ok=True)
FIELDS = ["offered", "accepted", "declined", "lapsed", "withdrawn", "breaches_prevented"]


def offer_events(contact, unit: str, at: datetime, outcome: str, *, prevented: bool = False) -> list:
    ids = {
        "entry_id": str(uuid.uuid4()),
        "contact_id": contact.id,
        "patient": contact.patient,
        "offer_id": str(uuid.uuid4()),
        "slot_id": str(uuid.uuid4()),
        "unit": unit,
    }
    offered = WaitlistOffered(
        **ids,
        profession="nurse",
        slot_start=at + timedelta(days=1),
        national_deadline=at + timedelta(days=2),
        standing="at_risk",
        offered_at=at,
        hold_until=at + timedelta(minutes=15),
    )
    later = at + timedelta(minutes=5)
    answer = {
        "accepted": lambda: WaitlistOfferAccepted(
            **ids, appointment_id=str(uuid.uuid4()), accepted_at=later, breach_prevented=prevented
        ),
        "declined": lambda: WaitlistOfferDeclined(**ids, declined_at=later),
        "lapsed": lambda: WaitlistOfferLapsed(**ids, lapsed_at=later),
        "withdrawn": lambda: WaitlistOfferWithdrawn(**ids, reason="slot_gone", withdrawn_at=later),
    }[outcome]()
    return [(offered, at), (answer, later)]


async def weekly(ops, monitor: str, unit: str) -> dict[str, dict[str, int]]:
    response = await ops.api_get(monitor, "/api/v1/waitlist-offers/weekly", units=(unit,), unit=unit)
    assert response.status_code == 200, response.text
    return {row["week"]: {f: row[f] for f in FIELDS} for row in response.json()}


def added(before: dict, week: str, **more: int) -> dict:
    after = {w: dict(counts) for w, counts in before.items()}
    row = after.setdefault(week, dict.fromkeys(FIELDS, 0))
    for field, number in more.items():
        row[field] += number
    return after


async def test_the_waitlists_offers_per_unit_and_week_on_ops(audit_desk, ops, monitor, kafka_bootstrap, axe_script):
    unit = ops.OSKARSTROM
    now = datetime.now(UTC) - timedelta(minutes=10)  # inside this week, on the monitor's own (system) clock
    year, week, _ = now.astimezone(ops.STOCKHOLM).isocalendar()
    this_week = f"{year}-W{week:02d}"
    before = await weekly(ops, monitor, unit)
    contact = ops.Contact(now, unit=unit)
    events = [
        *offer_events(contact, unit, now, "accepted", prevented=True),
        *offer_events(contact, unit, now, "accepted"),
        *offer_events(contact, unit, now, "declined"),
        *offer_events(contact, unit, now, "lapsed"),
        *offer_events(contact, unit, now, "withdrawn"),
    ]
    await ops.publish(kafka_bootstrap, contact, *events, traced=False)
    expected = added(before, this_week, offered=5, accepted=2, declined=1, lapsed=1, withdrawn=1, breaches_prevented=1)
    await ops.wait_until(lambda: _equals(weekly(ops, monitor, unit), expected), what="the offers counted")

    page = audit_desk
    await ops.log_in(page, units=(ops.FYLLINGE, unit))
    await tab_to(page, lambda f: f["tag"] == "A" and f["text"] == "Väntelistan")
    await page.keyboard.press("Enter")
    await expect(page.get_by_role("heading", level=1)).to_have_text("Väntelistan")
    await expect(page.get_by_role("link", name="Väntelistan")).to_have_attribute("aria-current", "page")
    await expect(page.locator("section[data-offer-unit]")).to_have_count(2)

    await tab_to(page, lambda f: f["tag"] == "SELECT" and f["name"] == "enhet")
    for _ in range(3):  # the arrows choose an option of a focused select
        if (await focused(page))["value"] == unit:
            break
        await page.keyboard.press("ArrowDown")
    assert (await focused(page))["value"] == unit
    await page.keyboard.press("Tab")
    assert (await focused(page))["text"] == "Visa"
    await page.keyboard.press("Enter")
    await expect(page.locator("section[data-offer-unit]")).to_have_count(1)
    section = page.locator(f"section[data-offer-unit='{unit}']")
    await expect(section.get_by_role("heading", level=2)).to_have_text("Vårdcentralen Oskarström")
    row = section.locator(f"tr[data-week='{this_week}']")
    for field in FIELDS:
        await expect(row.locator(f"[data-count='{field}']")).to_have_text(str(expected[this_week][field]))
    headings = await section.locator("thead th").all_inner_texts()
    assert headings == [
        "Vecka",
        "Erbjudna tider",
        "Tackade ja",
        "Tackade nej",
        "Gick ut utan svar",
        "Återtagna",
        "Förhindrade vårdgarantibrott",
    ]
    assert await section.locator("tbody tr").count() == 12
    await tab_to(page, lambda f: f["tag"] == "DIV")  # the table's region takes focus, so arrows scroll it
    await ops.assert_accessible(page, axe_script, "ops' waitlist offers")
    await page.screenshot(path=str(SHOTS / "ops-waitlist-1280.png"), full_page=True)

    await page.set_viewport_size({"width": 390, "height": 844})
    await page.wait_for_timeout(200)  # the layout settles after the resize
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    region = section.locator(".table-wrap")
    assert await region.get_attribute("role") == "region" and await region.get_attribute("tabindex") == "0"
    await ops.assert_accessible(page, axe_script, "ops' waitlist offers at 390 px")
    await page.screenshot(path=str(SHOTS / "ops-waitlist-390.png"), full_page=True)


async def _equals(found, expected) -> bool:
    return await found == expected
