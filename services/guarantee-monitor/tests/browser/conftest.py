"""Fixtures for the operations page's browser tests: a real guarantee-monitor process fed real Kafka events,
and Debian's Chromium driven by Playwright.

The monitor runs on the system clock, so the contacts are registered days ago in real time: some are at
risk and some breached right now. Other test runs publish to the same topics, so the tests look for their
own contacts (by pseudonym) and compare the page with the monitor's REST API rather than with fixed totals.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from nara.devstack.browser import load_beside
from nara.devstack.testing import Infrastructure, scratch_schema, service_process
from nara.shared.clock import STOCKHOLM

HERE = Path(__file__).resolve().parent
DESKTOP = {"width": 1280, "height": 800}


def _load(name: str):
    return load_beside(__file__, name, "ops_browser")


@pytest.fixture(scope="session")
def ops():
    return _load("ops_support")


@pytest.fixture(scope="session")
async def monitor(infrastructure: Infrastructure, tmp_path_factory, ops) -> str:
    """A real guarantee-monitor process with a consumer group of its own; yields its base URL."""
    env = {
        "GUARANTEE_MONITOR_CONSUMER_GROUP": f"ops-browser-{uuid.uuid4().hex[:8]}",
        "GUARANTEE_MONITOR_TRACE_URL_TEMPLATE": ops.TRACE_TEMPLATE,
        "GUARANTEE_MONITOR_SCHEDULER_INTERVAL_SECONDS": "0.2",
    }
    async with scratch_schema(infrastructure.database_urls["guarantee-monitor"], prefix="ops") as url:
        logs = tmp_path_factory.mktemp("ops-logs")
        with service_process("guarantee-monitor", infrastructure, url, env, logs) as base:
            yield base


@dataclass
class World:
    """This run's contacts, by what they show, and the compliance groups it fed."""

    contacts: dict
    expected: dict[str, str]  # name -> status
    reasons: dict[str, str]
    professions: dict[str, str]
    compliance_month: str
    hidden_group: tuple[str, str, str]  # month, profession, contact form group
    opened: list = field(default_factory=list)  # contacts left at risk or breached, assessed when the run ends

    def open_contact(self, contact):
        """A contact a test publishes: assessed when the run ends, so later runs' lists do not keep growing."""
        self.opened.append(contact)
        return contact


def _month_start(now: datetime, back: int) -> datetime:
    local = now.astimezone(STOCKHOLM)
    months = local.year * 12 + local.month - 1 - back
    return datetime(months // 12, months % 12 + 1, 1, tzinfo=STOCKHOLM)


@pytest.fixture(scope="session")
async def world(monitor: str, kafka_bootstrap: str, ops):
    """Contacts at Vårdcentralen Fyllinge, published to Kafka and settled in the monitor (alerts raised).

    The topics outlive the run and every later monitor replays them, so at the end the run assesses the
    contacts it left open: the next run's list then holds its own contacts, not every earlier run's too.
    """
    now = datetime.now(UTC)
    C = ops.Contact
    c = {
        "breached_long": C(ops.ago(now, 5)),  # passed the deadline a day or more ago; no trace
        "breached": C(ops.ago(now, 4)),  # passed it less than a day ago
        "cancelled": C(ops.ago(now, 3)),  # under a day left; its booked time was cancelled
        "unbooked": C(ops.ago(now, 2)),  # one to two days left, nothing booked (resolved in a test)
        "booked_late": C(ops.ago(now, 1)),  # two to three days left; booked after the deadline
        "assessed": C(ops.ago(now, 2)),
        "on_track": C(ops.ago(now, 1)),
    }
    professions = {
        "breached_long": "doctor",
        "breached": "nurse",
        "cancelled": "physiotherapist",
        "unbooked": "nurse",
        "booked_late": "psychologist",
        "assessed": "nurse",
        "on_track": "doctor",
    }
    for name, contact in c.items():
        events = [contact.registered(), contact.triaged(professions[name])]
        sought = contact.sought_at
        if name == "cancelled":
            events += [
                contact.booked(f"a-{contact.id}", sought + timedelta(days=1), sought + timedelta(minutes=10)),
                contact.cancelled(f"a-{contact.id}", sought + timedelta(hours=1)),
            ]
        elif name == "booked_late":
            events.append(contact.booked(f"a-{contact.id}", sought + timedelta(days=6), sought + timedelta(minutes=10)))
        elif name == "assessed":
            events.append(contact.assessed(sought + timedelta(days=1)))
        elif name == "on_track":
            events.append(contact.booked(f"a-{contact.id}", now + timedelta(hours=1), sought + timedelta(minutes=10)))
        await ops.publish(kafka_bootstrap, contact, *events, traced=name != "breached_long")

    # Compliance: last month, 24 nurse assessments at a distance, 20 within the guarantee (83,3 %) — the same
    # share however many runs have added theirs — and one small group that stays hidden.
    month_start = _month_start(now, 1)
    compliance_contacts = []
    for index in range(24):
        contact = C(month_start + timedelta(days=9, hours=9))
        late = index >= 20
        await ops.publish(
            kafka_bootstrap,
            contact,
            contact.registered(),
            contact.triaged("nurse"),
            contact.assessed(contact.sought_at + timedelta(days=6 if late else 1)),
        )
        compliance_contacts.append(contact)
    hidden_start = _month_start(now, random.randrange(2, 12))
    profession = random.choice(
        [
            "doctor",
            "district_nurse",
            "physiotherapist",
            "occupational_therapist",
            "psychologist",
            "counsellor",
            "midwife",
        ]
    )
    form = random.choice(["clinic", "home"])
    small = C(hidden_start + timedelta(days=4, hours=9))
    await ops.publish(
        kafka_bootstrap,
        small,
        small.registered(),
        small.triaged(profession),
        small.assessed(small.sought_at + timedelta(days=1), profession=profession, contact_form=form),
    )

    expected = {
        "breached_long": "breached",
        "breached": "breached",
        "cancelled": "at_risk",
        "unbooked": "at_risk",
        "booked_late": "at_risk",
        "assessed": "assessed",
        "on_track": "on_track",
    }
    for name, contact in c.items():
        status = expected[name]
        await ops.wait_until(lambda contact=contact, status=status: ops.settled(monitor, contact, status), what=name)
    for contact in [*compliance_contacts, small]:
        await ops.wait_until(lambda contact=contact: ops.settled(monitor, contact, "assessed"))
    reasons = {
        "breached_long": "Ingen medicinsk bedömning inom vårdgarantin",
        "breached": "Ingen medicinsk bedömning inom vårdgarantin",
        "cancelled": "Den bokade tiden avbokades",
        "unbooked": "Ingen tid bokad och ingen bedömning gjord",
        "booked_late": "Bokad tid ligger efter vårdgarantins gräns",
    }
    found = World(
        c,
        expected,
        reasons,
        professions,
        month_start.strftime("%Y-%m"),
        (hidden_start.strftime("%Y-%m"), profession, form),
    )
    found.opened += [
        c[name] for name in ("breached_long", "breached", "cancelled", "unbooked", "booked_late", "on_track")
    ]
    yield found
    for contact in found.opened:
        await ops.publish(kafka_bootstrap, contact, contact.assessed(datetime.now(UTC)))


async def _desk(browser, base_url: str, **options):
    context = await browser.new_context(
        viewport=DESKTOP,
        locale="sv-SE",
        timezone_id="Europe/Stockholm",
        base_url=base_url,
        accept_downloads=True,
        **options,
    )
    page = await context.new_page()
    try:
        yield page
    finally:
        await context.close()


@pytest.fixture
async def desk(browser, monitor: str, world):
    """A fresh desktop browser tab on the monitor, with no login, once this run's contacts have settled."""
    async for page in _desk(browser, monitor):
        yield page


@pytest.fixture
async def audit_desk(browser, monitor: str, world):
    """Like desk, but the page's Content-Security-Policy lets add_script_tag inject axe-core."""
    async for page in _desk(browser, monitor, bypass_csp=True):
        yield page


@pytest.fixture
async def plain_desk(browser, monitor: str, world):
    """A tab with JavaScript switched off: the page must work without it."""
    async for page in _desk(browser, monitor, java_script_enabled=False):
        yield page
