"""The frame every Nära service shares: FastAPI and FastStream in one process, health, readiness, metrics."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response
from faststream.kafka.fastapi import KafkaRouter
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from .database import create_pool, database_answers
from .migrations import SHARED_MIGRATIONS, apply_migrations
from .settings import ServiceSettings

log = logging.getLogger(__name__)


def build_service_app(
    settings: ServiceSettings,
    *,
    title: str,
    migrations_dir: Path,
    add_routes: Callable[[FastAPI, KafkaRouter], None] = lambda app, router: None,
) -> FastAPI:
    """One service process: its pool and migrations first, then its Kafka router, then HTTP."""

    @asynccontextmanager
    async def database_lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool = await create_pool(settings.database_url, min_size=settings.database_pool_min,
                                 max_size=settings.database_pool_max)
        try:
            async with pool.acquire() as connection:
                applied = await apply_migrations(
                    connection, {"shared": SHARED_MIGRATIONS, settings.service_name: migrations_dir})
            if applied:
                log.info("applied migrations", extra={"migrations": applied})
            app.state.pool = pool
            yield
        finally:
            # The router has stopped its broker (and finished in-flight messages) before we get here.
            await pool.close()

    router = KafkaRouter(
        settings.kafka_bootstrap_servers,
        lifespan=database_lifespan,
        graceful_timeout=settings.graceful_shutdown_seconds,
        client_id=settings.service_name,
        schema_url=None,
        include_in_schema=False,
    )
    # include_router below hands the router's lifespan (and so the pool's) to the app.
    app = FastAPI(title=title)
    app.state.settings = settings
    app.state.router = router

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
            "kafka": await router.broker.ping(timeout),
        }
        ready = all(checks.values())
        body = {"status": "ready" if ready else "not ready",
                "checks": {name: "ok" if ok else "failing" for name, ok in checks.items()}}
        return JSONResponse(body, status_code=200 if ready else 503)

    @app.get("/metrics", tags=["operations"], include_in_schema=False)
    async def metrics() -> Response:
        """Prometheus metrics of this process."""
        return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

    add_routes(app, router)
    app.include_router(router)
    return app
