"""An in-process booking service with an injected clock, on its own schema of the real database."""

import uuid
from datetime import datetime

import httpx
import pytest
from booking_support import Booking

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
        settings = BookingSettings(database_url=url, kafka_bootstrap_servers=infrastructure.kafka_bootstrap_servers,
                                   load_demo_data=True, contacts_consumer_group=group, database_pool_max=30)
        app = create_app(settings, clock=clock)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://booking", timeout=60) as client:
                yield Booking(client, clock, url, group)
