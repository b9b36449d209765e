"""The frame every Nära service shares: FastAPI and a FastStream Kafka broker in one process."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response
from faststream.kafka import KafkaBroker
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from .database import create_pool, database_answers
from .http_metrics import HttpMetricsMiddleware
from .identity import settings_from_environment
from .migrations import SHARED_MIGRATIONS, apply_migrations
from .outbox import OutboxRelay
from .retention import BackgroundTask, keep_forgetting
from .settings import ServiceSettings
from .telemetry import instrument_http, kafka_middlewares, setup_tracing
from .web import problems
from .web.limits import RequestLimits
from .web.page_session_settings import page_session_timeouts
from .web.problems import problem_responses

log = logging.getLogger(__name__)

PAGE_SESSIONS_EVERY = 300.0  # ended sessions are refused when read, so forgetting them is only housekeeping


def build_service_app(
    settings: ServiceSettings,
    *,
    title: str,
    migrations_dir: Path,
    add_routes: Callable[[FastAPI, KafkaBroker], None] = lambda app, broker: None,
    on_database_ready: Callable[[FastAPI], Awaitable[None]] | None = None,
    background: Sequence[BackgroundTask] = (),
    larger_bodies: Mapping[str, int] | None = None,
) -> FastAPI:
    """One service process. Start-up: pool and migrations, outbox relay, Kafka; shutdown in reverse."""
    settings_from_environment()  # a production deploy without its token key fails here, not at the first request
    page_session_timeouts()  # and one with page session timeouts that do not hold, too
    tracing = setup_tracing(settings.service_name)
    broker = KafkaBroker(
        settings.kafka_bootstrap_servers,
        graceful_timeout=settings.graceful_shutdown_seconds,
        client_id=settings.service_name,
        middlewares=kafka_middlewares(tracing),
    )

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = await create_pool(
            settings.database_url, min_size=settings.database_pool_min, max_size=settings.database_pool_max
        )
        try:
            async with pool.acquire() as connection:
                applied = await apply_migrations(
                    connection, {"shared": SHARED_MIGRATIONS, settings.service_name: migrations_dir}
                )
            if applied:
                log.info("applied migrations", extra={"migrations": applied})
            app.state.pool = pool
            if on_database_ready is not None:
                await on_database_ready(app)
            relay = OutboxRelay(
                settings.database_url,
                settings.kafka_bootstrap_servers,
                client_id=f"{settings.service_name}-outbox-relay",
            )
            await relay.start()
            try:
                await broker.start()
                tasks = [
                    asyncio.create_task(run(app), name=getattr(run, "__name__", "background"))
                    for run in (*background, forget_consumed_events, forget_ended_page_sessions)
                ]
                try:
                    yield
                finally:
                    for task in tasks:
                        task.cancel()
                        with contextlib.suppress(asyncio.CancelledError):
                            await task
                    await broker.stop()  # waits up to graceful_timeout for in-flight messages
            finally:
                await relay.stop()
        finally:
            await pool.close()

    forget_consumed_events = keep_forgetting(
        "consumed_events",
        "consumed_at",
        timedelta(hours=settings.consumed_events_retention_hours),
        now=lambda _: datetime.now(UTC),
    )  # consumed_at is the database's own now()
    # A session nobody came back to: its row says when it ends (ends_at); a read refuses it before then anyway.
    forget_ended_page_sessions = keep_forgetting(
        "page_sessions", "ends_at", timedelta(0), now=lambda _: datetime.now(UTC), every_seconds=PAGE_SESSIONS_EVERY
    )
    app = FastAPI(title=title, lifespan=lifespan, responses=problem_responses(400, 413, 422))
    app.state.settings = settings
    app.state.broker = broker

    @app.get("/healthz", tags=["operations"])
    async def healthz() -> dict[str, str]:
        """The process is alive."""
        return {"status": "ok", "service": settings.service_name}

    @app.get("/readyz", tags=["operations"])
    async def readyz() -> JSONResponse:
        """The service's database and Kafka both answer."""
        timeout = settings.readiness_timeout_seconds
        checks = {
            "database": await database_answers(app.state.pool, timeout),
            "kafka": await broker.ping(timeout),
        }
        ready = all(checks.values())
        body = {
            "status": "ready" if ready else "not ready",
            "checks": {name: "ok" if ok else "failing" for name, ok in checks.items()},
        }
        return JSONResponse(body, status_code=200 if ready else 503)

    @app.get("/metrics", tags=["operations"], include_in_schema=False)
    async def metrics() -> Response:
        """Prometheus metrics of this process."""
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    add_routes(app, broker)
    problems.install(app)
    # Outermost but for metrics and tracing: nothing over the limit or with a NUL reaches a route.
    app.add_middleware(RequestLimits, larger=larger_bodies)
    app.add_middleware(HttpMetricsMiddleware, service=settings.service_name)
    instrument_http(app, tracing)
    return app
