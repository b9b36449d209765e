"""What a trace holds by default: one span per HTTP request, and SQL statement spans only when asked for."""

import httpx
from fastapi import FastAPI
from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from nara.shared.telemetry import instrument_http, setup_tracing


async def test_a_request_is_one_server_span_without_the_asgi_message_spans():
    exporter = InMemorySpanExporter()
    provider = TracerProvider()  # the test's own: nothing global changes
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    app = FastAPI()

    @app.post("/api/v1/appointments")
    async def book(body: dict) -> dict:
        return {"booked": body["slot_id"]}

    @app.get("/readyz")
    async def readyz() -> dict:
        return {"status": "ready"}

    instrument_http(app, provider)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://booking") as client:
        booked = await client.post("/api/v1/appointments", json={"slot_id": "s1"})
        await client.get("/readyz")

    assert booked.json() == {"booked": "s1"}
    assert [(span.name, span.kind.name) for span in exporter.get_finished_spans()] == [
        ("POST /api/v1/appointments", "SERVER")
    ]


def test_sql_statement_spans_are_off_unless_nara_trace_sql_is_set(monkeypatch):
    instrumentor = AsyncPGInstrumentor()
    monkeypatch.delenv("NARA_TRACE_SQL", raising=False)
    setup_tracing("nara-tests")
    off_by_default = not instrumentor.is_instrumented_by_opentelemetry

    monkeypatch.setenv("NARA_TRACE_SQL", "true")
    setup_tracing("nara-tests")
    on_when_asked = instrumentor.is_instrumented_by_opentelemetry
    instrumentor.uninstrument()

    assert off_by_default and on_when_asked


async def test_a_personnummer_in_the_query_or_path_never_reaches_a_span():
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    app = FastAPI()

    @app.get("/api/v1/listings")
    async def listing(patient: str) -> dict:
        return {"known": False}

    instrument_http(app, provider)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://triage") as client:
        await client.get("/api/v1/listings", params={"patient": "19121212-1212", "unit": "SE2321000115-E1"})
        await client.get("/patients/191212121212")  # no such route: the span still must not name the number

    spans = exporter.get_finished_spans()
    recorded = " ".join(
        [span.name for span in spans] + [str(value) for span in spans for value in (span.attributes or {}).values()]
    )
    assert len(spans) == 2
    assert "1212" not in recorded.replace("SE2321000115", "")
    assert "[personnummer]" in recorded and "SE2321000115-E1" in recorded, "the rest of the query is kept"
