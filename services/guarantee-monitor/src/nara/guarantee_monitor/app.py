"""Wires the guarantee monitor: settings, database, both topics' consumer, the alert scheduler and the API.

The composition root: the adapters are made here and injected into the use cases (service/) and the entrypoints.
"""

from collections.abc import Sequence
from pathlib import Path

import asyncpg
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from faststream.kafka import KafkaBroker

from nara.shared.clock import Clock, SystemClock
from nara.shared.consumer import IdempotentConsumer
from nara.shared.events.envelope import DecodedEvent
from nara.shared.events.registry import models_for_topic
from nara.shared.service_app import build_service_app
from nara.shared.topics import APPOINTMENTS, CONTACTS

from .adapters.clock_views import PostgresClockViews
from .adapters.kafka_progress import KafkaConsumerLag, KafkaConsumerProgress
from .adapters.offer_counts import PostgresOfferCountViews
from .adapters.report_views import PostgresReportViews
from .adapters.unit_of_work import ConsumerUnitOfWork, PostgresUnitOfWork
from .domain.policy import GuaranteePolicy
from .domain.units import units_from_json
from .entrypoints import api, offer_counts, ops, reports
from .service.clock_keeping import apply_events
from .service.scheduler import refresh_status_gauges, report_consumer_lag, run_alert_scheduler
from .settings import GuaranteeMonitorSettings

MIGRATIONS = Path(__file__).resolve().parents[3] / "migrations"


def create_app(settings: GuaranteeMonitorSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or GuaranteeMonitorSettings()
    # The region's one policy (NARA_CARE_GUARANTEE_POLICY, as booking and triage read it) and the monitor's
    # alert tiers; a bad policy, or bad units, stop the start with the reason.
    policy = GuaranteePolicy.from_json(settings.policy_json, settings.care_guarantee_policy)
    units = units_from_json(settings.units_json)
    the_clock = clock or SystemClock()

    def add_routes(app: FastAPI, broker: KafkaBroker) -> None:
        def pool() -> asyncpg.Pool:
            return app.state.pool  # made in the lifespan, after this wiring

        app.state.clock = the_clock
        app.state.policy = policy
        app.state.units = units
        app.state.clock_views = PostgresClockViews(pool)
        app.state.report_views = PostgresReportViews(pool)
        app.state.offer_count_views = PostgresOfferCountViews(pool)
        app.state.start_unit_of_work = lambda: PostgresUnitOfWork(pool)
        app.include_router(api.router)
        app.include_router(reports.router)
        app.include_router(offer_counts.router)
        app.include_router(ops.router)
        ops.KIT.install(app)  # the 404 and 500 pages of page routes in the operations layout
        app.mount("/ops/static", StaticFiles(directory=ops.STATIC_DIR), name="ops-static")
        subscribe_consumer(app, broker, settings, policy)

    return build_service_app(
        settings,
        title="Nära guarantee monitor",
        migrations_dir=MIGRATIONS,
        add_routes=add_routes,
        background=(alert_scheduler, status_gauges, consumer_lag),
    )


def subscribe_consumer(
    app: FastAPI, broker: KafkaBroker, settings: GuaranteeMonitorSettings, policy: GuaranteePolicy
) -> None:
    """Both topics in one consumer group, a poll at a time in one transaction that also records the event ids."""

    async def on_events(connection: asyncpg.Connection, events: Sequence[DecodedEvent]) -> None:
        await apply_events(ConsumerUnitOfWork(connection), events, policy, app.state.clock.now())

    async def on_event(connection: asyncpg.Connection, event: DecodedEvent) -> None:
        await on_events(connection, [event])

    handlers = {model.event_type: on_event for topic in (CONTACTS, APPOINTMENTS) for model in models_for_topic(topic)}
    consumer = IdempotentConsumer(settings.consumer_group, lambda: app.state.pool, handlers)
    consumer.subscribe_batches(
        broker, CONTACTS, APPOINTMENTS, group_id=settings.consumer_group, batch_handler=on_events
    )


async def alert_scheduler(app: FastAPI) -> None:
    settings = app.state.settings
    progress = KafkaConsumerProgress(settings.kafka_bootstrap_servers, settings.consumer_group)
    await run_alert_scheduler(
        app.state.start_unit_of_work,
        progress,
        app.state.policy,
        lambda: app.state.clock.now(),  # asked each pass: tests move the monitor's clock
        settings.scheduler_interval_seconds,
    )


async def status_gauges(app: FastAPI) -> None:
    await refresh_status_gauges(app.state.report_views)


async def consumer_lag(app: FastAPI) -> None:
    settings = app.state.settings
    await report_consumer_lag(KafkaConsumerLag(settings.kafka_bootstrap_servers, settings.consumer_group))
