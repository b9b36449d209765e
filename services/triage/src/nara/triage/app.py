"""Wires the triage service: settings, database, Kafka, the guidelines in force and the HTTP routes."""

from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from faststream.kafka import KafkaBroker

from nara.shared.care_guarantee import CareGuaranteePolicy
from nara.shared.clock import Clock, SystemClock
from nara.shared.pseudonym import pseudonymiser_from_environment
from nara.shared.retention import keep_forgetting
from nara.shared.service_app import build_service_app
from nara.shared.web.pages import STAFF_STYLES_DIR

from .adapters.guideline_files import GuidelineFolder
from .adapters.unit_of_work import PostgresUnitsOfWork
from .demo import load_demo_data
from .domain.registry import GuidelineRegistry
from .entrypoints import api, console, listings_api
from .service.listings import MAX_IMPORT_BYTES
from .service.unit_of_work import UnitsOfWork
from .settings import TriageSettings

MIGRATIONS = Path(__file__).resolve().parents[3] / "migrations"


def create_app(
    settings: TriageSettings | None = None, clock: Clock | None = None, policy: CareGuaranteePolicy | None = None
) -> FastAPI:
    settings = settings or TriageSettings()
    guidelines = GuidelineRegistry(
        GuidelineFolder(settings.guidelines_dir)
    )  # refuses to start on guidelines that do not lint clean
    # The one care guarantee policy every service asks (NARA_CARE_GUARANTEE_POLICY); a bad one stops the start.
    policy = policy or CareGuaranteePolicy.from_environment()

    def add_routes(app: FastAPI, broker: KafkaBroker) -> None:
        app.state.clock = clock or SystemClock()
        app.state.pseudonymiser = pseudonymiser_from_environment()
        app.state.guidelines = guidelines
        app.state.policy = policy
        app.include_router(api.router)
        app.include_router(listings_api.router)
        app.include_router(console.router)
        console.KIT.install(app)  # the 404 and 500 pages of page routes in the console's layout
        app.mount("/console/static", StaticFiles(directory=console.STATIC_DIR), name="console-static")
        app.mount("/console/kit", StaticFiles(directory=STAFF_STYLES_DIR), name="console-kit")

    async def on_database_ready(app: FastAPI) -> None:
        # The use cases' units of work, on the pool the app has just opened; routes reach them through app.state.
        units: UnitsOfWork = PostgresUnitsOfWork(app.state.pool)  # typed: the adapter must fit the service's port
        app.state.units = units
        if settings.load_demo_data:
            async with app.state.pool.acquire() as connection:
                await load_demo_data(connection, app.state.clock.now())

    forget_old_idempotency_keys = keep_forgetting(
        "idempotent_requests",
        "created_at",
        timedelta(hours=settings.idempotency_retention_hours),
        now=lambda app: app.state.clock.now(),
    )

    # build_service_app installs the one error shape (problem details) and the request limits; the listing
    # import takes a file, so its body may be larger than other requests'.
    return build_service_app(
        settings,
        title="Nära triage",
        migrations_dir=MIGRATIONS,
        add_routes=add_routes,
        on_database_ready=on_database_ready,
        background=(forget_old_idempotency_keys,),
        larger_bodies={"/api/v1/listings/import": MAX_IMPORT_BYTES},
    )
