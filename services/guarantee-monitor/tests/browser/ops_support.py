"""Contacts published as triage and booking would, and steps through /ops that several browser tests share."""

from __future__ import annotations

import asyncio
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
from aiokafka import AIOKafkaProducer
from playwright.async_api import Page, expect

from nara.devstack.browser import assert_accessible  # noqa: F401 (re-exported: the tests call it as a step)
from nara.shared.events.envelope import encode_event
from nara.shared.events.models import (
    AppointmentBooked,
    AppointmentCancelled,
    ContactAssessed,
    ContactRegistered,
    ContactTriaged,
)
from nara.shared.identity import issue_dev_token

FALKENBERG = "SE2321000115-E00000000011"
OSKARSTROM = "SE2321000115-E00000000012"
FYLLINGE = "SE2321000115-E00000000013"  # the tests' contacts: other test suites seldom put covered ones here
UNIT_NAMES = {
    FALKENBERG: "Vårdcentralen Falkenberg",
    OSKARSTROM: "Vårdcentralen Oskarström",
    FYLLINGE: "Vårdcentralen Fyllinge",
}
OPS_HSA_ID = "SE2321000115-P000000701"
TRACE_TEMPLATE = "http://sparning.test/traces/{trace_id}"
STATUS_LABELS = {
    "on_track": "I tid",
    "at_risk": "Risk",
    "breached": "Passerad",
    "assessed": "Bedömd",
    "not_covered": "Omfattas inte",
    "patient_chosen_wait": "Patientvald väntan",
}
STOCKHOLM = ZoneInfo("Europe/Stockholm")
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


def month_name(month: str) -> str:
    """'2026-10' as a Swedish reader expects it: 'oktober 2026'."""
    year, number = month.split("-")
    return f"{MONTHS[int(number) - 1]} {year}"


def share_text(share: float) -> str:
    return f"{share * 100:.1f}".replace(".", ",") + " %"


class Contact:
    """One patient's contact at a unit where they are listed; each event is (data, time, traceparent)."""

    def __init__(self, sought_at: datetime, unit: str = FYLLINGE, *, listing_known: bool = True):
        self.id = str(uuid.uuid4())  # a UUID, as triage's contact ids are
        self.patient = f"p_{secrets.token_hex(16)}"
        self.unit, self.sought_at = unit, sought_at
        self.listed_unit = unit if listing_known else None  # the console registers contacts with none
        self.trace_id: str | None = None  # the trace of the latest event published with one

    def registered(self):
        return ContactRegistered(
            contact_id=self.id,
            patient=self.patient,
            unit=self.unit,
            listed_unit=self.listed_unit,
            channel="phone_unit",
            sought_at=self.sought_at,
            reason_code="sore_throat",
        ), self.sought_at

    def triaged(self, profession: str):
        return ContactTriaged(
            contact_id=self.id,
            urgency="green",
            care_level="within_3_days",
            profession=profession,
            guarantee_applies=True,
            guideline_version="test-1",
            rules_fired=[],
            override_reason=None,
        ), self.sought_at + timedelta(minutes=2)

    def booked(self, appointment_id: str, start: datetime, at: datetime):
        return AppointmentBooked(
            appointment_id=appointment_id,
            contact_id=self.id,
            patient=self.patient,
            unit=self.unit,
            practitioner="SE2321000115-P000000103",
            profession="nurse",
            contact_form="clinic",
            start=start,
            end=start + timedelta(minutes=20),
            booked_by="patient",
            earlier_time_offered_within_guarantee=False,
        ), at

    def cancelled(self, appointment_id: str, at: datetime):
        return AppointmentCancelled(
            appointment_id=appointment_id, contact_id=self.id, cancelled_by="patient", reason="Kan inte komma"
        ), at

    def assessed(self, at: datetime, profession: str = "nurse", contact_form: str = "phone"):
        return ContactAssessed(contact_id=self.id, assessed_at=at, profession=profession, contact_form=contact_form), at


async def publish(bootstrap: str, contact: Contact, *events, traced: bool = True) -> None:
    """Send the events in order, keyed by the pseudonym; each traced event starts a trace of its own."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for data, at in events:
            traceparent = None
            if traced:
                contact.trace_id = secrets.token_hex(16)
                traceparent = f"00-{contact.trace_id}-{secrets.token_hex(8)}-01"
            value = encode_event(data, source="/nara/test", subject=contact.patient, time=at, traceparent=traceparent)
            await producer.send_and_wait(data.topic, value, key=contact.patient.encode())
    finally:
        await producer.stop()


def ago(now: datetime, days: float) -> datetime:
    return now - timedelta(days=days)


def bearer(units=(FYLLINGE,)) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_dev_token('ops', OPS_HSA_ID, units=list(units))}"}


async def api_get(base_url: str, path: str, units=(FYLLINGE,), **params) -> httpx.Response:
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as client:
        return await client.get(path, headers=bearer(units), params=params)


async def clock(base_url: str, contact: Contact) -> dict | None:
    response = await api_get(base_url, f"/api/v1/clocks/{contact.id}", units=(contact.unit,))
    return response.json() if response.status_code == 200 else None


async def settled(base_url: str, contact: Contact, status: str) -> bool:
    """The clock has the status, and the scheduler has looked at it since its last event (alerts raised)."""
    found = await clock(base_url, contact)
    if found is None or found["status"] != status:
        return False
    look = found["next_alert_at"]
    return look is None or datetime.fromisoformat(look) > datetime.now(UTC)


async def wait_until(predicate, seconds: float = 90, interval: float = 0.3, what: str = "condition"):
    """Poll the other process until the predicate holds; its answer, or AssertionError after `seconds`."""
    try:
        async with asyncio.timeout(seconds):
            while True:
                if result := await predicate():
                    return result
                await asyncio.sleep(interval)
    except TimeoutError:
        raise AssertionError(f"timed out after {seconds} s waiting for {what}") from None


async def status_counts(base_url: str, units=(FYLLINGE,)) -> dict[str, int]:
    """Counts by status as the REST API gives them, for comparing with the page."""
    counts = dict.fromkeys(STATUS_LABELS, 0)
    for unit in units:
        response = await api_get(base_url, "/api/v1/clocks", units=units, unit=unit, limit=1000)
        assert response.status_code == 200, response.text
        for found in response.json():
            counts[found["status"]] += 1
    return counts


async def page_counts(page: Page) -> dict[str, int]:
    return {status: int(await page.locator(f"[data-count='{status}']").inner_text()) for status in STATUS_LABELS}


async def listing_unknown_count(base_url: str, units=(FYLLINGE,)) -> int:
    response = await api_get(base_url, "/api/v1/clocks", units=units, listing="unknown", open="true", limit=1000)
    return len(response.json())


async def log_in(page: Page, units=(FYLLINGE,), hsa_id: str = OPS_HSA_ID) -> None:
    await page.goto("/ops/logga-in")
    await page.get_by_label("HSA-id").fill(hsa_id)
    for unit in units:
        await page.get_by_label(UNIT_NAMES[unit]).check()
    await page.get_by_role("button", name="Logga in").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Vårdgarantin på dina enheter")
    await expect(page.locator(".header-who")).to_contain_text(hsa_id)


async def urgent_rows(page: Page) -> list[dict]:
    """The live list as a person reads it, row by row."""
    return await page.locator("tr[data-contact-id]").evaluate_all(
        """rows => rows.map(r => ({id: r.dataset.contactId, patient: r.dataset.patient, status: r.dataset.status,
              hours: parseFloat(r.dataset.hoursLeft), text: r.innerText,
              shown: r.querySelector('.pseudonym').textContent, title: r.querySelector('.pseudonym').title,
              trace: r.querySelector('a[href]') ? r.querySelector('a[href]').getAttribute('href') : null}))"""
    )


async def shot(page: Page, name: str, *, full_page: bool = False) -> None:
    await page.screenshot(path=f"/tmp/ops-{name}.png", full_page=full_page)
