"""OpenTelemetry, set up once per process: spans go to Zipkin and/or an OTLP collector when one is set, else nowhere.

Read from the environment:
- OTEL_EXPORTER_ZIPKIN_ENDPOINT: Zipkin's span endpoint, e.g. http://127.0.0.1:9411/api/v2/spans
  (`./nara run` sets it to its own Zipkin);
- OTEL_EXPORTER_OTLP_ENDPOINT or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: an OpenTelemetry collector, over OTLP/HTTP;
- NARA_TRACE_SQL=true: a span for every SQL statement. Off by default: on the booking path the statement
  spans cost about a millisecond per booking.
The standard OTEL_BSP_* variables tune the batching of exports.
"""

from __future__ import annotations

import os
from typing import Any, Literal

from fastapi import FastAPI
from faststream.kafka.opentelemetry import KafkaTelemetryMiddleware
from opentelemetry import trace
from opentelemetry.instrumentation.asyncpg import AsyncPGInstrumentor
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from opentelemetry.trace import Span

from nara.shared.redaction import redact_personnummer

# Probes and scrapes would drown the traces people look for.
UNTRACED_URLS = "/healthz,/readyz,/metrics"
# A span per ASGI message of every request says nothing the request's own span does not, and costs time.
UNTRACED_ASGI_MESSAGES: list[Literal["receive", "send"]] = ["receive", "send"]

_exporting = False


def setup_tracing(service_name: str) -> TracerProvider:
    """The process's tracer provider; the first service to ask names the process."""
    global _exporting
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        provider = TracerProvider(resource=Resource.create({"service.name": service_name}))
        for exporter in _configured_exporters():
            provider.add_span_processor(BatchSpanProcessor(exporter))
            _exporting = True
        trace.set_tracer_provider(provider)
    if sql_spans_wanted():
        instrumentor = AsyncPGInstrumentor()  # type: ignore[no-untyped-call]  # its __init__ has no annotations
        if not instrumentor.is_instrumented_by_opentelemetry:
            instrumentor.instrument(tracer_provider=provider)
    return provider


def spans_are_exported() -> bool:
    """Whether this process sends its spans anywhere: spans made only to be dropped are not worth their cost."""
    return _exporting


def sql_spans_wanted() -> bool:
    return os.environ.get("NARA_TRACE_SQL", "").strip().lower() in ("1", "true", "yes", "on")


def instrument_http(app: FastAPI, provider: TracerProvider) -> None:
    FastAPIInstrumentor.instrument_app(
        app,
        tracer_provider=provider,
        excluded_urls=UNTRACED_URLS,
        exclude_spans=UNTRACED_ASGI_MESSAGES,
        server_request_hook=_without_personnummer,
    )


def _without_personnummer(span: Span, scope: dict[str, Any]) -> None:
    """Redacts a personnummer from the request's span: the URL attributes carry the query string (a guardian's
    `?patient=`, a listing lookup) and an unmatched path, and traces leave the service for Zipkin."""
    if not span.is_recording():
        return
    attributes = getattr(span, "attributes", None) or {}
    for key, value in list(attributes.items()):
        if isinstance(value, str) and (redacted := redact_personnummer(value)) != value:
            span.set_attribute(key, redacted)
    name = getattr(span, "name", "")
    if isinstance(name, str) and (redacted := redact_personnummer(name)) != name:
        span.update_name(redacted)


def kafka_middlewares(provider: TracerProvider) -> list[KafkaTelemetryMiddleware]:
    return [KafkaTelemetryMiddleware(tracer_provider=provider)]


def _configured_exporters() -> list[SpanExporter]:
    exporters: list[SpanExporter] = []
    if os.environ.get("OTEL_EXPORTER_ZIPKIN_ENDPOINT"):
        from opentelemetry.exporter.zipkin.json import ZipkinExporter

        exporters.append(ZipkinExporter())  # reads the endpoint (and OTEL_EXPORTER_ZIPKIN_TIMEOUT) itself
    if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or os.environ.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"):
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporters.append(OTLPSpanExporter())
    return exporters
