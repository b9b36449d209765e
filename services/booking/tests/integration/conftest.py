"""An in-process booking service with an injected clock, on its own schema of the real database."""

import uuid
from datetime import datetime

import httpx
import pytest
from booking_support import PAGES_SECRET, Booking

from nara.booking.app import create_app
from nara.booking.settings import BookingSettings
from nara.devstack.testing import scratch_schema
from nara.shared.clock import STOCKHOLM, SettableClock


@pytest.fixture(scope="module")
async def booking(infrastructure):
    # A Monday morning in Stockholm; the demo data gives fourteen days of slots from here.
    clock = SettableClock(datetime(2026, 11, 23, 9, 0, tzinfo=STOCKHOLM))
    group = f"booking-contacts-{uuid.uuid4().hex[:8]}"
    async with scratch_schema(infrastructure.database_urls["booking"], prefix="booking") as url:
        settings = BookingSettings(
            database_url=url,
            kafka_bootstrap_servers=infrastructure.kafka_bootstrap_servers,
            load_demo_data=True,
            contacts_consumer_group=group,
            database_pool_max=30,
        )
        app = create_app(settings, clock=clock)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://booking", timeout=60) as client:
                yield Booking(client, clock, url, group)


@pytest.fixture(scope="module")
async def stub_triage():
    """A stand-in for the triage service: nobody has children, one reason; it keeps every search it was sent."""
    import asyncio

    import uvicorn
    from fastapi import FastAPI

    from nara.devstack.processes import free_port

    stub, searches = FastAPI(), []

    @stub.get("/api/v1/guardianships/mine")
    async def children() -> dict:
        return {"children": []}

    @stub.get("/api/v1/guidelines")
    async def guidelines(q: str = "") -> dict:
        searches.append(q)
        return {"version": "stub", "reasons": [{"code": "hosta", "title": "Hosta"}]}

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(stub, host="127.0.0.1", port=port, log_config=None, lifespan="off"))
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers only this flag to wait on
        await asyncio.sleep(0.02)
    stub.state.searches = searches
    yield stub, f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task


@pytest.fixture(scope="module")
async def guarded_booking(infrastructure, stub_triage):
    """Like `booking`, with the pages' secret known (the flow cookie can be signed) and `stub_triage` behind it."""
    _, triage_url = stub_triage
    clock = SettableClock(datetime(2026, 11, 23, 9, 0, tzinfo=STOCKHOLM))
    group = f"booking-contacts-{uuid.uuid4().hex[:8]}"
    async with scratch_schema(infrastructure.database_urls["booking"], prefix="guarded") as url:
        settings = BookingSettings(
            database_url=url,
            kafka_bootstrap_servers=infrastructure.kafka_bootstrap_servers,
            load_demo_data=True,
            contacts_consumer_group=group,
            triage_url=triage_url,
            pages_secret=PAGES_SECRET,
        )
        app = create_app(settings, clock=clock)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://booking", timeout=60) as client:
                booking = Booking(client, clock, url, group)
                booking.app = app
                yield booking
