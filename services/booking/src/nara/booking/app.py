"""Wires the booking service: settings, database, Kafka, the contacts read model and the HTTP routes."""

import asyncio
import logging
from datetime import timedelta
from pathlib import Path

import asyncpg

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from faststream.kafka import KafkaBroker

from nara.shared.clock import Clock, SystemClock
from nara.shared.consumer import IdempotentConsumer
from nara.shared.pseudonym import pseudonymiser_from_environment
from nara.shared.service_app import build_service_app
from nara.shared.topics import CONTACTS

from .demo import load_demo_data
from .entrypoints import api, pages, staff_api
from .entrypoints.transactions import forget_old_requests
from .service import contacts
from .service.appointments import BookingPolicy
from .settings import BookingSettings

MIGRATIONS = Path(__file__).resolve().parents[3] / "migrations"
IDEMPOTENCY_SWEEP_SECONDS = 600
log = logging.getLogger(__name__)


def create_app(settings: BookingSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or BookingSettings()

    def add_routes(app: FastAPI, broker: KafkaBroker) -> None:
        app.state.clock = clock or SystemClock()
        app.state.pseudonymiser = pseudonymiser_from_environment()
        app.state.policy = BookingPolicy(hold_duration=timedelta(minutes=settings.hold_minutes),
                                         max_future_web_bookings_per_unit=settings.max_future_web_bookings_per_unit)
        app.include_router(api.router)
        app.include_router(staff_api.router)
        app.include_router(pages.router)
        app.mount("/static/booking", StaticFiles(directory=pages.STATIC_DIR), name="booking-static")
        # In batches: a fresh consumer group reads the whole contact history, one transaction a poll.
        IdempotentConsumer("booking-contacts", lambda: app.state.pool, contacts.HANDLERS).subscribe_batches(
            broker, CONTACTS, group_id=settings.contacts_consumer_group, batch_handler=contacts.apply_batch)

    async def on_database_ready(app: FastAPI) -> None:
        if settings.load_demo_data:
            async with app.state.pool.acquire() as connection:
                await load_demo_data(connection, app.state.clock.now())

    async def forget_old_idempotency_keys(app: FastAPI) -> None:
        retention = timedelta(hours=settings.idempotency_retention_hours)
        while True:
            try:
                async with app.state.pool.acquire() as connection:
                    while await forget_old_requests(connection, app.state.clock.now() - retention) > 0:
                        await asyncio.sleep(0)  # between batches, let requests through
            except (OSError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                log.warning("forgetting old idempotency keys failed; trying again later",
                            extra={"error": type(error).__name__})
            await asyncio.sleep(IDEMPOTENCY_SWEEP_SECONDS)

    return build_service_app(settings, title="Nära booking", migrations_dir=MIGRATIONS, add_routes=add_routes,
                             on_database_ready=on_database_ready, background=(forget_old_idempotency_keys,))
