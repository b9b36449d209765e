"""Fixtures every test folder shares: the real PostgreSQL and Kafka, found or started once per run."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import asyncpg
import pytest

from nara.devstack.testing import Infrastructure, real_infrastructure, scratch_schema
from nara.devstack.testing import identity_provider as identity_provider  # the real Keycloak, on demand
from nara.devstack.testing import mail_server as mail_server  # the real Mailpit, on demand
from nara.devstack.testing import sms_gateway as sms_gateway  # a stand-in for 46elks' SMS API, per test

# A test's stage follows from its folder: unit/ (no servers, seconds), browser/ (Chromium: e2e), anything else
# talks to the real PostgreSQL and Kafka (integration). './nara test' runs the unit stage first and stops early.
STAGE_BY_FOLDER = {"unit": "unit", "browser": "e2e"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        folders = Path(str(item.path)).parts
        stage = next((STAGE_BY_FOLDER[f] for f in folders if f in STAGE_BY_FOLDER), "integration")
        item.add_marker(getattr(pytest.mark, stage))


@pytest.fixture(scope="session")
def infrastructure() -> Infrastructure:
    if os.environ.get("NARA_UNIT_STAGE"):
        pytest.fail("a unit test asked for PostgreSQL and Kafka: it belongs in an integration/ folder")
    with real_infrastructure() as found:
        yield found


@pytest.fixture(scope="session")
def kafka_bootstrap(infrastructure: Infrastructure) -> str:
    return infrastructure.kafka_bootstrap_servers


@pytest.fixture
def unique_topic() -> str:
    """A topic of the test's own, so tests never read each other's messages."""
    return f"test.{uuid.uuid4().hex[:12]}"


@pytest.fixture
async def fresh_schema(infrastructure: Infrastructure):
    """A connection to the booking database inside a throwaway schema, dropped afterwards."""
    async with scratch_schema(infrastructure.database_urls["booking"]) as url:
        connection = await asyncpg.connect(url)
        try:
            yield connection
        finally:
            await connection.close()


@pytest.fixture
async def backbone_database(infrastructure: Infrastructure):
    """A URL into a throwaway schema of the booking database holding the shared tables (outbox, ...)."""
    async with scratch_schema(infrastructure.database_urls["booking"], with_shared_tables=True) as url:
        yield url


@pytest.fixture
def read_topic(kafka_bootstrap: str):
    """Read `count` messages of a topic from its start, or fail after `within_seconds`."""
    import asyncio

    from aiokafka import AIOKafkaConsumer

    async def read(topic: str, count: int, within_seconds: float = 60.0, settle: float = 0.0):
        consumer = AIOKafkaConsumer(
            topic,
            bootstrap_servers=kafka_bootstrap,
            auto_offset_reset="earliest",
            enable_auto_commit=False,
            group_id=None,
        )
        await consumer.start()
        messages = []
        try:
            async with asyncio.timeout(within_seconds):
                while len(messages) < count:
                    batch = await consumer.getmany(timeout_ms=500)
                    messages.extend(m for records in batch.values() for m in records)
            if settle:  # keep listening a little, to catch messages that should not be there
                batch = await consumer.getmany(timeout_ms=int(settle * 1000))
                messages.extend(m for records in batch.values() for m in records)
        finally:
            await consumer.stop()
        return messages

    return read


@pytest.fixture(scope="session")
async def booking_service(infrastructure: Infrastructure, tmp_path_factory):
    """A real booking process with the demo data, on a database schema of its own; yields its base URL."""
    from nara.devstack.testing import service_process

    run = uuid.uuid4().hex[:8]
    async with scratch_schema(infrastructure.database_urls["booking"], prefix="booking") as url:
        env = {"BOOKING_LOAD_DEMO_DATA": "true", "BOOKING_CONTACTS_CONSUMER_GROUP": f"booking-contacts-{run}"}
        with service_process("booking", infrastructure, url, env, tmp_path_factory.mktemp("logs")) as base_url:
            yield base_url


@pytest.fixture(scope="session")
async def browser():
    """Debian's Chromium, driven by Playwright, shared by every page test."""
    from playwright.async_api import async_playwright

    from nara.devstack.browser import launch_chromium

    async with async_playwright() as playwright:
        chromium = await launch_chromium(playwright)
        yield chromium
        await chromium.close()


@pytest.fixture(scope="session")
def axe_script():
    from nara.devstack.browser import axe_script as installed_axe

    return installed_axe()
