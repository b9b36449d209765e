"""Helpers for booking tests: test citizens and staff, and a client around the booking API."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import asyncpg
import httpx

from nara.booking.app import create_app
from nara.booking.settings import BookingSettings
from nara.devstack.testing import Infrastructure, scratch_schema
from nara.shared.clock import STOCKHOLM, SettableClock
from nara.shared.identity import issue_dev_token
from nara.shared.pseudonym import pseudonymiser_from_environment

UNIT_FALKENBERG = "SE2321000115-E00000000011"
UNIT_OSKARSTROM = "SE2321000115-E00000000012"
UNIT_FYLLINGE = "SE2321000115-E00000000013"
# BOOKING_PAGES_SECRET of `guarded_booking`, so a test can sign a flow
PAGES_SECRET = "booking-tests-pages-secret"  # noqa: S105 - a test fixture's own, guards nothing real


def personnummer(serial: int, year: int = 1985) -> str:
    """A valid personnummer with a Luhn check digit, for test citizens."""
    body = f"{year % 100:02d}0{(serial // 900) % 9 + 1}{(serial // 30) % 28 + 1:02d}{serial % 900 + 100:03d}"
    digits = [int(d) * (2 - i % 2) for i, d in enumerate(body)]
    check = (10 - sum(d // 10 + d % 10 for d in digits) % 10) % 10
    return f"{year}{body[2:6]}-{body[6:]}{check}"


def citizen(pnr: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_dev_token('citizen', pnr)}"}


def staff(units=(UNIT_FALKENBERG,), role: str = "reception", hsa_id: str = "SE2321000115-P000000901") -> dict:
    return {"Authorization": f"Bearer {issue_dev_token(role, hsa_id, units=list(units))}"}


def pseudonym(pnr: str) -> str:
    return pseudonymiser_from_environment().pseudonym(pnr)


@dataclass
class Booking:
    client: httpx.AsyncClient
    clock: SettableClock
    database_url: str
    contacts_group: str
    app: Any = None  # the FastAPI app, for a test that swaps a part of it

    async def free_slots(
        self,
        pnr: str,
        unit: str,
        *,
        profession: str | None = None,
        days_ahead: int = 2,
        count: int = 10,
        contact_id: str | None = None,
    ) -> list[dict]:
        start = self.clock.now() + timedelta(days=days_ahead)
        params = {"unit": unit, "from": start.isoformat(), "page_size": count}
        if profession:
            params["profession"] = profession
        if contact_id:
            params["contact_id"] = contact_id
        response = await self.client.get("/api/v1/slots", params=params, headers=citizen(pnr))
        assert response.status_code == 200, response.text
        return response.json()["slots"]

    async def book(self, pnr: str, slot_id: str, **extra) -> httpx.Response:
        return await self.client.post("/api/v1/appointments", json={"slot_id": slot_id, **extra}, headers=citizen(pnr))

    async def fetch(self, sql: str, *args):
        connection = await asyncpg.connect(self.database_url)
        try:
            return await connection.fetch(sql, *args)
        finally:
            await connection.close()


async def read_events_until(bootstrap: str, topic: str, wanted, within_seconds: float = 60) -> list:
    """Read a topic from its start until `wanted(events)` holds; returns the decoded events seen."""
    import asyncio

    from aiokafka import AIOKafkaConsumer

    from nara.shared.events.envelope import decode_event

    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest", enable_auto_commit=False, group_id=None
    )
    await consumer.start()
    events, raw = [], []
    try:
        async with asyncio.timeout(within_seconds):
            while not wanted(events):
                batch = await consumer.getmany(timeout_ms=500)
                for records in batch.values():
                    for record in records:
                        raw.append(record)
                        events.append(decode_event(record.value))
    finally:
        await consumer.stop()
    return events, raw


async def publish_contact_events(
    bootstrap: str,
    patient_pnr: str,
    contact_id: str,
    *,
    unit: str,
    sought_at,
    care_level: str,
    profession: str,
    alternatives=(),
    order=("registered", "triaged"),
):
    """What the triage service would publish for one web contact, in the order given."""
    from aiokafka import AIOKafkaProducer

    from nara.shared.events.envelope import encode_event
    from nara.shared.events.models import ContactRegistered, ContactTriaged

    patient = pseudonym(patient_pnr)
    events = {
        "registered": ContactRegistered(
            contact_id=contact_id,
            patient=patient,
            unit=unit,
            listed_unit=unit,
            channel="web",
            sought_at=sought_at,
            reason_code="ont_i_halsen",
        ),
        "triaged": ContactTriaged(
            contact_id=contact_id,
            urgency="green",
            care_level=care_level,
            profession=profession,
            guarantee_applies=True,
            guideline_version="test",
            rules_fired=[{"rule_id": "r1", "text": "Test"}],
            override_reason=None,
            alternatives=list(alternatives),
        ),
    }
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        for name in order:
            value = encode_event(events[name], source="/nara/triage", subject=patient, time=sought_at)
            await producer.send_and_wait("nara.contacts.v1", value, key=patient.encode())
    finally:
        await producer.stop()


# A sore throat that is likely strep, with no red flag: triage's answers, used by the tests of both services.
STREP_THROAT_ANSWERS = {
    "airway": False,
    "abscess_signs": False,
    "sepsis_signs": False,
    "fever": True,
    "non_blanching_rash": False,
    "new_confusion": False,
    "stiff_neck": False,
    "immunosuppressed": False,
    "cannot_drink": False,
    "cough": False,
    "tender_glands": True,
    "tonsil_coating": True,
    "days": 2,
}


# A Monday morning in Stockholm: the demo's templates give slots from here, eight weeks ahead.
MONDAY_MORNING = datetime(2026, 11, 23, 9, 0, tzinfo=STOCKHOLM)


@asynccontextmanager
async def in_process_booking(
    infrastructure: Infrastructure, *, prefix: str = "booking", now: datetime = MONDAY_MORNING, **settings: Any
) -> AsyncIterator[Booking]:
    """A booking service in this process, with the demo data and a settable clock, on a schema of its own of the
    real database; `settings` are BookingSettings fields beside those."""
    clock = SettableClock(now)
    group = f"booking-contacts-{uuid.uuid4().hex[:8]}"
    async with scratch_schema(infrastructure.database_urls["booking"], prefix=prefix) as url:
        configured = BookingSettings(
            database_url=url,
            kafka_bootstrap_servers=infrastructure.kafka_bootstrap_servers,
            load_demo_data=True,
            contacts_consumer_group=group,
            **settings,
        )
        app = create_app(configured, clock=clock)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://booking", timeout=60) as client,
        ):
            yield Booking(client, clock, url, group, app)


def hidden_field(html: str, name: str) -> str:
    """The value of a page's hidden input, e.g. its CSRF token."""
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"no hidden field {name!r} on the page"
    return found.group(1)


async def log_in_to_schedule(
    client: httpx.AsyncClient, role: str, units: list[str], hsa_id: str = "SE2321000115-P000000901"
) -> httpx.Response:
    """Log in to the staff's schedule pages (/personal/schema) through the development login form; the client
    keeps the login cookie. Answers the login's response (303 to the start page when it worked)."""
    form = await client.get("/personal/schema/logga-in")
    assert form.status_code == 200, form.text
    return await client.post(
        "/personal/schema/logga-in",
        data={"csrf": hidden_field(form.text, "csrf"), "hsa-id": hsa_id, "roll": role, "enheter": units},
    )
