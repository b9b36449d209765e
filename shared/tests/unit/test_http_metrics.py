"""HTTP metrics: every request lands in the histogram under its route template, never its raw path."""

import uuid

import httpx
import pytest
from fastapi import APIRouter, FastAPI, HTTPException
from fastapi.staticfiles import StaticFiles
from prometheus_client import REGISTRY, generate_latest

from nara.shared.http_metrics import HttpMetricsMiddleware
from nara.shared.service_app import build_service_app
from nara.shared.settings import ServiceSettings

PERSONNUMMER = "191212121212"


def count(service: str, method: str, route: str, status: str) -> float:
    value = REGISTRY.get_sample_value(
        "nara_http_request_duration_seconds_count",
        {"service": service, "method": method, "route": route, "status": status},
    )
    return value or 0.0


def metrics_app(service: str, tmp_path) -> FastAPI:
    app = FastAPI()
    # The services' shape: routers with a prefix of their own, included under another.
    api = APIRouter(prefix="/v1")

    @api.get("/patients/{personnummer}/appointments")
    async def appointments(personnummer: str) -> dict:
        return {"personnummer": personnummer}

    @api.post("/appointments/{appointment_id}/cancel")
    async def cancel(appointment_id: str) -> dict:
        raise HTTPException(409, "Tiden är redan avbokad.")

    @app.get("/api/v1/broken")
    async def broken() -> dict:
        raise RuntimeError("a bug")

    @app.get("/healthz")
    async def healthz() -> dict:
        return {"status": "ok"}

    app.include_router(api, prefix="/api")
    (tmp_path / "style.css").write_text("body {}")
    app.mount("/static", StaticFiles(directory=tmp_path), name="static")
    app.add_middleware(HttpMetricsMiddleware, service=service)
    return app


@pytest.fixture
def service() -> str:
    """A service label of the test's own: the histogram is process-wide."""
    return f"test-{uuid.uuid4().hex[:8]}"


async def test_requests_are_counted_by_route_template_so_no_personnummer_or_id_reaches_a_label(service, tmp_path):
    transport = httpx.ASGITransport(app=metrics_app(service, tmp_path))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        assert (await client.get(f"/api/v1/patients/{PERSONNUMMER}/appointments")).status_code == 200
        assert (await client.get("/api/v1/patients/197001011234/appointments")).status_code == 200
        assert (await client.post("/api/v1/appointments/a-1/cancel")).status_code == 409
        assert (await client.get("/static/style.css")).status_code == 200
        assert (await client.get(f"/no/such/page/{PERSONNUMMER}")).status_code == 404

    assert count(service, "GET", "/api/v1/patients/{personnummer}/appointments", "200") == 2
    assert count(service, "POST", "/api/v1/appointments/{appointment_id}/cancel", "409") == 1
    assert count(service, "GET", "/static/{path}", "200") == 1
    assert count(service, "GET", "unmatched", "404") == 1
    assert PERSONNUMMER not in generate_latest().decode()


async def test_an_unhandled_error_counts_as_a_500_and_still_reaches_the_caller(service, tmp_path):
    transport = httpx.ASGITransport(app=metrics_app(service, tmp_path), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        assert (await client.get("/api/v1/broken")).status_code == 500

    assert count(service, "GET", "/api/v1/broken", "500") == 1


async def test_probes_are_not_measured_and_invented_methods_share_one_label(service, tmp_path):
    transport = httpx.ASGITransport(app=metrics_app(service, tmp_path))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        await client.get("/healthz")
        await client.request("BREW", "/api/v1/broken")
        await client.request("PROPFIND", "/api/v1/broken")

    assert count(service, "GET", "/healthz", "200") == 0
    assert count(service, "other", "/api/v1/broken", "405") == 2


async def test_every_service_app_measures_its_requests_under_its_own_name(service, monkeypatch):
    monkeypatch.delenv("NARA_ENVIRONMENT", raising=False)
    settings = ServiceSettings(service_name=service, port=1, database_url="postgresql://unused@127.0.0.1/none")
    app = build_service_app(
        settings,
        title="test",
        migrations_dir=None,
        add_routes=lambda app, broker: app.get("/api/v1/ping")(lambda: {"pong": True}),
    )
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        assert (await client.get("/api/v1/ping")).status_code == 200
        metrics = (await client.get("/metrics")).text

    assert count(service, "GET", "/api/v1/ping", "200") == 1
    assert count(service, "GET", "/metrics", "200") == 0
    assert (
        f'nara_http_request_duration_seconds_count{{method="GET",route="/api/v1/ping",service="{service}"'
        f',status="200"}} 1.0' in metrics
    )
