"""Steps through the console that several browser tests share, done the way a person does them."""

from __future__ import annotations

import random
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
from playwright.async_api import Page, expect

from nara.devstack.browser import assert_accessible  # noqa: F401 (re-exported: the tests call it as a step)
from nara.shared.identity import issue_dev_token

STOCKHOLM = ZoneInfo("Europe/Stockholm")
FALKENBERG = "SE2321000115-E00000000011"
OSKARSTROM = "SE2321000115-E00000000012"
FYLLINGE = "SE2321000115-E00000000013"
UNIT_NAMES = {
    FALKENBERG: "Vårdcentralen Falkenberg",
    OSKARSTROM: "Vårdcentralen Oskarström",
    FYLLINGE: "Vårdcentralen Fyllinge",
}
RECEPTIONIST = "SE2321000115-P000000301"
CLINICIAN = "SE2321000115-P000000101"
WEEKDAYS = ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"]
MONTHS = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
]


def new_personnummer() -> str:
    """A valid adult personnummer nobody else in this run uses."""
    year, month, day, serial = (
        1950 + random.randrange(50),
        random.randrange(1, 13),
        random.randrange(1, 29),
        random.randrange(1, 1000),
    )
    body = f"{year % 100:02d}{month:02d}{day:02d}{serial:03d}"
    digits = [int(d) * (2 - i % 2) for i, d in enumerate(body)]
    check = (10 - sum(d // 10 + d % 10 for d in digits) % 10) % 10
    return f"{year}{body[2:6]}-{body[6:]}{check}"


def swedish_day(moment: datetime) -> str:
    local = moment.astimezone(STOCKHOLM)
    return f"{WEEKDAYS[local.weekday()]} {local.day} {MONTHS[local.month - 1]}"


def guarantee_last_day(sought: datetime) -> str:
    """Day 0 is the day of contact; the assessment is due by the end of day 3 (domain.md)."""
    return swedish_day(sought.astimezone(STOCKHOLM) + timedelta(days=3))


def hours_left_now(sought: datetime) -> float:
    local = sought.astimezone(STOCKHOLM)
    deadline = datetime.combine(local.date() + timedelta(days=4), datetime.min.time(), STOCKHOLM)
    return (deadline - datetime.now(STOCKHOLM)).total_seconds() / 3600


async def shot(page: Page, name: str) -> None:
    """The page as it is, and at a phone's 390 px, to look at."""
    await page.screenshot(path=f"/tmp/console-{name}.png", full_page=True)
    size = page.viewport_size
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.screenshot(path=f"/tmp/console-{name}-390.png", full_page=True)
    if size:
        await page.set_viewport_size(size)


async def log_in(page: Page, *, role: str = "Reception", units=(FALKENBERG,), hsa_id: str = RECEPTIONIST) -> None:
    await page.goto("/console/logga-in")
    await page.get_by_label("HSA-id").fill(hsa_id)
    await page.get_by_label(role, exact=True).check()
    for unit in units:
        await page.get_by_label(UNIT_NAMES[unit]).check()
    await page.get_by_role("button", name="Logga in").click()
    await expect(page.get_by_role("heading", level=1, name="Kö")).to_be_visible()
    await expect(page.locator(".header-who")).to_contain_text(hsa_id)


async def log_out(page: Page) -> None:
    await page.get_by_role("button", name="Logga ut").click()
    await expect(page.get_by_text("Du är utloggad.")).to_be_visible()


async def register(
    page: Page, personnummer: str, *, channel: str = "Telefonsamtal", reason: str = "Ont i halsen"
) -> str:
    """Register a contact through the form; returns its id."""
    await page.get_by_role("link", name="Ny kontakt").first.click()
    await page.get_by_label("Patientens personnummer").fill(personnummer)
    await page.get_by_label(channel).check()
    await page.get_by_label("Vad gäller kontakten?").select_option(label=reason)
    await page.get_by_role("button", name="Registrera kontakt").click()
    await page.wait_for_url(re.compile(r"/console/kontakter/[0-9a-f-]+/fragor"))
    return re.search(r"/kontakter/([0-9a-f-]+)/", page.url)[1]


async def answer(page: Page, answers: dict[str, str]) -> None:
    """Answer by question id: 'Ja', 'Nej', an option's text, or a number typed as text."""
    for question_id, value in answers.items():
        block = page.locator(f"[data-question='{question_id}']")
        if await block.locator("input[type=text]").count():
            await block.locator("input[type=text]").fill(value)
        else:
            await block.get_by_label(value, exact=True).check()


def staff_token(role: str, units=(FALKENBERG,), hsa_id: str = RECEPTIONIST) -> str:
    return issue_dev_token(role, hsa_id, list(units))


async def api(base_url: str, method: str, path: str, token: str, **kwargs) -> httpx.Response:
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as client:
        return await client.request(method, path, headers={"Authorization": f"Bearer {token}"}, **kwargs)


async def register_by_api(
    base_url: str,
    unit: str,
    *,
    sought_at: datetime | None = None,
    reason_code: str = "sore_throat",
    channel: str = "web",
    patient: str | None = None,
) -> dict:
    """A contact that came in another way (e.g. the web), straight through the REST API."""
    body = {"patient": patient or new_personnummer(), "unit": unit, "channel": channel, "reason_code": reason_code}
    if sought_at:
        body["sought_at"] = sought_at.isoformat()
    response = await api(base_url, "POST", "/api/v1/contacts", staff_token("reception", [unit]), json=body)
    assert response.status_code == 201, response.text
    return response.json()
