"""An in-process triage service with an injected clock, on its own schema of the real database."""

from datetime import datetime

import httpx
import pytest

from nara.devstack.testing import scratch_schema
from nara.shared.clock import STOCKHOLM, SettableClock
from nara.triage.app import create_app
from nara.triage.settings import TriageSettings


@pytest.fixture(scope="module")
async def triage(infrastructure):
    clock = SettableClock(datetime(2026, 11, 23, 10, 0, tzinfo=STOCKHOLM))
    async with scratch_schema(infrastructure.database_urls["triage"], prefix="triage") as url:
        settings = TriageSettings(database_url=url, kafka_bootstrap_servers=infrastructure.kafka_bootstrap_servers)
        app = create_app(settings, clock=clock)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://triage") as client,
        ):
            client.clock = clock
            client.database_url = url
            yield client
