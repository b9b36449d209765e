"""Wires the booking service: settings, database, Kafka, the contacts read model and the HTTP routes."""

from datetime import timedelta
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from faststream.kafka import KafkaBroker

from nara.shared.clock import Clock, SystemClock
from nara.shared.consumer import IdempotentConsumer
from nara.shared.messaging import senders_from_settings
from nara.shared.pseudonym import pseudonymiser_from_environment
from nara.shared.retention import keep_forgetting
from nara.shared.service_app import build_service_app
from nara.shared.topics import CONTACTS
from nara.shared.web.pages import STAFF_STYLES_DIR

from .adapters import waitlist_projection
from .demo import load_demo_data
from .entrypoints import (
    api,
    day_book_api,
    fhir,
    hours_api,
    message_jobs,
    offer_job,
    pages,
    patient_contract_api,
    reminder_api,
    rivta,
    setup_api,
    slot_horizon,
    staff_api,
    staff_pages,
    waitlist_api,
)
from .service.appointments import BookingPolicy
from .settings import BookingSettings

MIGRATIONS = Path(__file__).resolve().parents[3] / "migrations"


def create_app(settings: BookingSettings | None = None, clock: Clock | None = None) -> FastAPI:
    settings = settings or BookingSettings()
    senders = senders_from_settings()  # a wrong NARA_SMTP_* or NARA_SMS_* stops the start, naming the setting

    def add_routes(app: FastAPI, broker: KafkaBroker) -> None:
        app.state.clock = clock or SystemClock()
        app.state.pseudonymiser = pseudonymiser_from_environment()
        app.state.policy = BookingPolicy(
            hold_duration=timedelta(minutes=settings.hold_minutes),
            max_future_web_bookings_per_unit=settings.max_future_web_bookings_per_unit,
        )
        app.include_router(api.router)
        app.include_router(staff_api.router)
        app.include_router(patient_contract_api.router)
        app.include_router(waitlist_api.router)
        app.include_router(reminder_api.router)
        app.include_router(rivta.router)  # 1177's web booking over SOAP (RIVTA crm:scheduling 1.1)
        app.include_router(fhir.router)  # HL7 FHIR R4 scheduling at /fhir/R4
        for schedule_api in (setup_api, hours_api, day_book_api):
            app.include_router(schedule_api.router)
        app.include_router(pages.router)
        app.include_router(staff_pages.router)
        app.mount(staff_pages.STYLES, StaticFiles(directory=STAFF_STYLES_DIR), name="schema-kit")
        pages.KIT.install(app)  # a 404 or 500 of a page in the citizens' layout
        app.mount("/static/booking", StaticFiles(directory=pages.STATIC_DIR), name="booking-static")
        # In batches: a fresh consumer group reads the whole contact history, one transaction a poll.
        # The contacts read model and the waitlist's ends (assessed, closed), one handler set.
        IdempotentConsumer("booking-contacts", lambda: app.state.pool, waitlist_projection.HANDLERS).subscribe_batches(
            broker, CONTACTS, group_id=settings.contacts_consumer_group, batch_handler=waitlist_projection.apply_batch
        )

    async def on_database_ready(app: FastAPI) -> None:
        if settings.load_demo_data:
            await load_demo_data(app, settings.region_hsa_id)
        await slot_horizon.roll_once(app, settings)  # bookable at once; then the background keeps it rolling

    forget_old_idempotency_keys = keep_forgetting(
        "idempotent_requests",
        "created_at",
        timedelta(hours=settings.idempotency_retention_hours),
        now=lambda app: app.state.clock.now(),
    )

    # A handled reminder moment matters only until its time has begun (at most a week on): kept two.
    forget_handled_reminders = keep_forgetting(
        "reminder_moments", "handled_at", timedelta(days=14), now=lambda app: app.state.clock.now()
    )

    return build_service_app(
        settings,
        title="Nära booking",
        migrations_dir=MIGRATIONS,
        add_routes=add_routes,
        on_database_ready=on_database_ready,
        background=(
            forget_old_idempotency_keys,
            forget_handled_reminders,
            slot_horizon.keep_slots_ahead(settings),
            offer_job.keep_offering(settings),
            message_jobs.keep_reminding(settings),
            message_jobs.keep_sending(settings, senders),
        ),
    )
