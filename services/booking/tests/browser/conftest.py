"""Fixtures for the citizens' pages: a booking process wired to a triage service, and headless Chromium.

The tests ask for `triage_service` (a base URL): the real triage service as a process.
"""

from __future__ import annotations

import uuid

import pytest

from nara.devstack.browser import load_beside
from nara.devstack.testing import Infrastructure, scratch_schema

PHONE = {"width": 390, "height": 844}


def _load(name: str):
    return load_beside(__file__, name, "booking_browser")


@pytest.fixture(scope="session")
async def triage_service(infrastructure: Infrastructure, tmp_path_factory):
    """The real triage service as a process, on a scratch schema of its database; yields its base URL."""
    from nara.devstack.testing import service_process

    async with scratch_schema(infrastructure.database_urls["triage"], prefix="pagestriage") as url:
        with service_process("triage", infrastructure, url, {}, tmp_path_factory.mktemp("triage-logs")) as base:
            yield base


async def _booking_process(infrastructure: Infrastructure, tmp_path_factory, triage_url: str):
    from nara.devstack.testing import service_process

    run = uuid.uuid4().hex[:8]
    async with scratch_schema(infrastructure.database_urls["booking"], prefix="pages") as url:
        env = {
            "BOOKING_LOAD_DEMO_DATA": "true",
            "BOOKING_CONTACTS_CONSUMER_GROUP": f"booking-pages-{run}",
            "BOOKING_TRIAGE_URL": triage_url,
            "BOOKING_PAGES_SECRET": _load("page_steps").PAGES_SECRET,
        }
        with service_process("booking", infrastructure, url, env, tmp_path_factory.mktemp("pages-logs")) as base:
            yield {"url": base, "database": url}


@pytest.fixture(scope="session")
async def booking_pages(infrastructure: Infrastructure, tmp_path_factory, triage_service: str):
    """A real booking process with demo data whose pages talk to `triage_service`; yields url and database."""
    async for found in _booking_process(infrastructure, tmp_path_factory, triage_service):
        yield found


@pytest.fixture(scope="session")
async def booking_without_triage(infrastructure: Infrastructure, tmp_path_factory):
    """A booking process whose triage service does not answer (nothing listens on its port)."""
    from nara.devstack.processes import free_port

    async for found in _booking_process(infrastructure, tmp_path_factory, f"http://127.0.0.1:{free_port()}"):
        yield found


@pytest.fixture
async def phone(browser, booking_pages):
    """A fresh phone-sized browser tab on the booking service, with no login."""
    context = await browser.new_context(viewport=PHONE, locale="sv-SE", base_url=booking_pages["url"])
    page = await context.new_page()
    yield page
    await context.close()


@pytest.fixture
def citizen() -> str:
    """A personnummer of the test's own, so each test has its own bookings."""
    return _load("page_steps").new_personnummer()


@pytest.fixture
def helpers():
    return _load("page_steps")
