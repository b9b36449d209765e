"""One trace id from an HTTP request, through its transaction and the outbox relay, to another service's handler."""

import asyncio
import datetime as dt
import uuid

import httpx
import pytest
from opentelemetry import trace
from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from nara.booking.settings import BookingSettings
from nara.devstack.testing import scratch_schema
from nara.guarantee_monitor.settings import GuaranteeMonitorSettings
from nara.shared.consumer import IdempotentConsumer
from nara.shared.events.models import ContactClosed
from nara.shared.outbox import add_event_to_outbox
from nara.shared.service_app import build_service_app
from nara.shared.telemetry import setup_tracing
from nara.shared.topics import CONTACTS


@pytest.fixture
def sql_spans(monkeypatch):
    """Statement spans are opt-in (NARA_TRACE_SQL); this test follows the trace through the outbox INSERT."""
    monkeypatch.setenv("NARA_TRACE_SQL", "true")
    instrumentor = AsyncPGInstrumentor()
    already = instrumentor.is_instrumented_by_opentelemetry
    yield
    if not already:
        instrumentor.uninstrument()


async def close_contact_through_both(producer, consumer, contact_id: str, handled: asyncio.Future):
    async with producer.router.lifespan_context(producer), consumer.router.lifespan_context(consumer):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=producer), base_url="http://booking") as client:
            response = await client.post(f"/demo/contacts/{contact_id}/close")
        return response, await asyncio.wait_for(handled, timeout=60)


async def test_one_trace_spans_request_transaction_relay_and_the_consuming_service(infrastructure, tmp_path, sql_spans):
    exporter = InMemorySpanExporter()
    setup_tracing("nara-tests").add_span_processor(SimpleSpanProcessor(exporter))
    contact_id = f"c-{uuid.uuid4().hex[:8]}"
    handled: asyncio.Future = asyncio.get_running_loop().create_future()
    kafka = infrastructure.kafka_bootstrap_servers

    def producer_routes(app, broker):
        @app.post("/demo/contacts/{contact_id}/close")
        async def close_contact(contact_id: str) -> dict:
            async with app.state.pool.acquire() as connection, connection.transaction():
                await add_event_to_outbox(
                    connection,
                    ContactClosed(contact_id=contact_id, reason="self_care", closed_at=dt.datetime.now(dt.UTC)),
                    source="/nara/triage",
                    subject="p_trace",
                    time=dt.datetime.now(dt.UTC),
                )
            return {"closed": contact_id}

    async def on_closed(connection, event) -> None:
        if event.data.contact_id == contact_id and not handled.done():
            handled.set_result(trace.get_current_span().get_span_context().trace_id)

    def consumer_routes(app, broker):
        IdempotentConsumer(
            f"trace-test-{contact_id}", lambda: app.state.pool, {ContactClosed.event_type: on_closed}
        ).subscribe(broker, CONTACTS)

    (tmp_path / "migrations").mkdir()
    async with (
        scratch_schema(infrastructure.database_urls["booking"]) as producer_url,
        scratch_schema(infrastructure.database_urls["guarantee-monitor"]) as consumer_url,
    ):
        producer = build_service_app(
            BookingSettings(database_url=producer_url, kafka_bootstrap_servers=kafka),
            title="producer",
            migrations_dir=tmp_path / "migrations",
            add_routes=producer_routes,
        )
        consumer = build_service_app(
            GuaranteeMonitorSettings(database_url=consumer_url, kafka_bootstrap_servers=kafka),
            title="consumer",
            migrations_dir=tmp_path / "migrations",
            add_routes=consumer_routes,
        )
        response, handler_trace_id = await close_contact_through_both(producer, consumer, contact_id, handled)

    assert response.status_code == 200
    spans = [span for span in exporter.get_finished_spans() if span.context.trace_id == handler_trace_id]
    request = [s for s in spans if s.kind == SpanKind.SERVER and "/demo/contacts" in s.name]
    transaction = [
        s
        for s in spans
        if s.kind == SpanKind.CLIENT
        and "INSERT INTO outbox" in str(s.attributes.get("db.statement", s.attributes.get("db.query.text", "")))
    ]
    relay_publish = [s for s in spans if s.kind == SpanKind.PRODUCER and s.name == f"{CONTACTS} publish"]
    handler = [s for s in spans if s.kind == SpanKind.CONSUMER and CONTACTS in s.name]
    assert request and transaction and relay_publish and handler, sorted({(s.name, s.kind.name) for s in spans})
    assert relay_publish[0].parent is not None and handler[0].parent is not None
