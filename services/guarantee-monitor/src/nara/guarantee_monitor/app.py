"""Wires the guarantee monitor: settings, database, both topics' consumer, the alert scheduler and the API."""

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from faststream.kafka import KafkaBroker

from nara.shared.clock import Clock, SystemClock
from nara.shared.consumer import IdempotentConsumer
from nara.shared.events.registry import models_for_topic
from nara.shared.service_app import build_service_app
from nara.shared.topics import APPOINTMENTS, CONTACTS

from .domain.policy import GuaranteePolicy
from .domain.units import units_from_json
from .entrypoints import api, ops, reports
from .service.clocks import apply_events
from .service.scheduler import refresh_status_gauges, report_consumer_lag, run_alert_scheduler
from .settings import GuaranteeMonitorSettings

MIGRATIONS = Path(__file__).resolve().parents[3] / "migrations"


def create_app(settings: GuaranteeMonitorSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or GuaranteeMonitorSettings()
    # The region's one policy (NARA_CARE_GUARANTEE_POLICY, as booking and triage read it) and the monitor's
    # alert tiers; a bad policy, or bad units, stop the start with the reason.
    policy = GuaranteePolicy.from_json(settings.policy_json, settings.care_guarantee_policy)
    units = units_from_json(settings.units_json)

    def add_routes(app: FastAPI, broker: KafkaBroker) -> None:
        app.state.clock = clock or SystemClock()
        app.state.policy = policy
        app.state.units = units
        app.include_router(api.router)
        app.include_router(reports.router)
        app.include_router(ops.router)
        ops.KIT.install(app)  # the 404 and 500 pages of page routes in the operations layout
        app.mount("/ops/static", StaticFiles(directory=ops.STATIC_DIR), name="ops-static")

        async def on_events(connection, events) -> None:
            await apply_events(connection, events, policy, app.state.clock.now())

        async def on_event(connection, event) -> None:
            await on_events(connection, [event])

        handlers = {
            model.event_type: on_event for topic in (CONTACTS, APPOINTMENTS) for model in models_for_topic(topic)
        }
        consumer = IdempotentConsumer(settings.consumer_group, lambda: app.state.pool, handlers)
        consumer.subscribe_batches(
            broker, CONTACTS, APPOINTMENTS, group_id=settings.consumer_group, batch_handler=on_events
        )

    return build_service_app(
        settings,
        title="Nära guarantee monitor",
        migrations_dir=MIGRATIONS,
        add_routes=add_routes,
        background=(run_alert_scheduler, refresh_status_gauges, report_consumer_lag),
    )
