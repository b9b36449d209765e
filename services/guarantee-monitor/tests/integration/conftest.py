"""In-process guarantee monitors with a settable clock, on throwaway schemas of the real database."""

import contextlib
import uuid
from datetime import datetime, timedelta

import httpx
import pytest

from nara.devstack.testing import scratch_schema
from nara.guarantee_monitor.app import create_app
from nara.guarantee_monitor.settings import GuaranteeMonitorSettings
from nara.shared.clock import STOCKHOLM, SettableClock

START = datetime(2026, 11, 23, 9, 0, tzinfo=STOCKHOLM)
NOW = START + timedelta(hours=1)  # the events below happen between START and NOW


class Monitor:
    def __init__(self, app, client, clock, url):
        self.app, self.client, self.clock, self.url = app, client, clock, url

    async def fetch(self, sql, *args):
        return await self.app.state.pool.fetch(sql, *args)


@contextlib.asynccontextmanager
async def running_monitor(infrastructure, url: str, clock: SettableClock, group: str, **settings_given):
    settings = GuaranteeMonitorSettings(
        database_url=url,
        kafka_bootstrap_servers=infrastructure.kafka_bootstrap_servers,
        consumer_group=group,
        scheduler_interval_seconds=0.1,
        **{"care_guarantee_policy": "", **settings_given},
    )
    app = create_app(settings, clock=clock)
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://monitor") as client,
    ):
        yield Monitor(app, client, clock, url)


@pytest.fixture
def fresh_clock():
    return SettableClock(NOW)


@pytest.fixture
async def monitor_schema(infrastructure):
    async with scratch_schema(infrastructure.database_urls["guarantee-monitor"], prefix="monitor") as url:
        yield url


@pytest.fixture
async def monitor(infrastructure, monitor_schema, fresh_clock):
    async with running_monitor(infrastructure, monitor_schema, fresh_clock, f"monitor-{uuid.uuid4().hex[:8]}") as m:
        yield m
