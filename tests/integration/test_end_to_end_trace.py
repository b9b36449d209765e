"""Booking a time gives one trace in Zipkin: the booking request, the outbox publish and the monitor's handling.

Real processes throughout: Zipkin from its Maven Central jar, and the booking, triage and guarantee-monitor
services exporting to it with OpenTelemetry's Zipkin exporter, on the test stack's PostgreSQL and Kafka.
"""

import asyncio
import random
import uuid
from contextlib import ExitStack

import httpx
import pytest
from booking_support import UNIT_FALKENBERG, citizen, personnummer, staff

from nara.devstack.testing import scratch_schema, service_process, zipkin_server

BOOKING_REQUEST = "post /api/v1/appointments"  # Zipkin keeps span names in lower case
RELAY_PUBLISH = "nara.appointments.v1 publish"
MONITOR_APPLY = "apply se.nara.appointment.booked.v1"
SORE_THROAT = {
    "airway": False,
    "abscess_signs": False,
    "sepsis_signs": False,
    "fever": True,
    "non_blanching_rash": False,
    "new_confusion": False,
    "stiff_neck": False,
    "immunosuppressed": False,
    "cannot_drink": False,
    "cough": False,
    "tender_glands": True,
    "tonsil_coating": True,
    "days": 2,
}


@pytest.fixture(scope="module")
def zipkin(tmp_path_factory):
    with zipkin_server(tmp_path_factory.mktemp("zipkin")) as server:
        yield server


@pytest.fixture(scope="module")
async def services(infrastructure, zipkin, tmp_path_factory):
    """The three services as processes, each on a scratch schema and consumer groups of its own."""
    run = uuid.uuid4().hex[:8]
    logs = tmp_path_factory.mktemp("logs")
    # What './nara run' gives its services, with spans sent every 0.2 s rather than 5 s.
    tracing = {**zipkin.service_environment(), "OTEL_BSP_SCHEDULE_DELAY": "200"}
    extra = {
        "booking": {"BOOKING_LOAD_DEMO_DATA": "true", "BOOKING_CONTACTS_CONSUMER_GROUP": f"booking-contacts-{run}"},
        "triage": {},
        "guarantee-monitor": {"GUARANTEE_MONITOR_CONSUMER_GROUP": f"guarantee-monitor-{run}"},
    }
    async with (
        scratch_schema(infrastructure.database_urls["booking"], prefix="booking") as booking_db,
        scratch_schema(infrastructure.database_urls["triage"], prefix="triage") as triage_db,
        scratch_schema(infrastructure.database_urls["guarantee-monitor"], prefix="monitor") as monitor_db,
    ):
        databases = {"booking": booking_db, "triage": triage_db, "guarantee-monitor": monitor_db}
        with ExitStack() as running:
            yield {
                name: running.enter_context(
                    service_process(name, infrastructure, databases[name], {**tracing, **extra[name]}, logs)
                )
                for name in databases
            }


async def register_and_triage(triage_url: str, pnr: str) -> str:
    reception = staff([UNIT_FALKENBERG])
    async with httpx.AsyncClient(base_url=triage_url, timeout=30) as triage:
        registered = await triage.post(
            "/api/v1/contacts",
            headers=reception,
            json={
                "patient": pnr,
                "unit": UNIT_FALKENBERG,
                "channel": "phone_unit",
                "reason_code": "sore_throat",
                "listed_unit": UNIT_FALKENBERG,
            },
        )
        assert registered.status_code == 201, registered.text
        contact_id = registered.json()["id"]
        triaged = await triage.post(
            f"/api/v1/contacts/{contact_id}/triage", headers=reception, json={"answers": SORE_THROAT}
        )
        assert triaged.status_code == 200, triaged.text
    return contact_id


async def book_for_contact(booking_url: str, pnr: str, contact_id: str) -> dict:
    """Book the first time the triaged contact allows, once the booking service has heard of the contact."""
    async with httpx.AsyncClient(base_url=booking_url, timeout=30) as booking:
        async with asyncio.timeout(60):
            while True:
                found = await booking.get(
                    "/api/v1/slots", headers=citizen(pnr), params={"unit": UNIT_FALKENBERG, "contact_id": contact_id}
                )
                if found.status_code == 200 and found.json()["slots"]:
                    break
                await asyncio.sleep(0.3)
        booked = await booking.post(
            "/api/v1/appointments",
            json={"slot_id": found.json()["slots"][0]["id"], "contact_id": contact_id, "reason": "Ont i halsen"},
            headers={**citizen(pnr), "Idempotency-Key": str(uuid.uuid4())},
        )
    assert booked.status_code == 201, booked.text
    return booked.json()


def spans_named(trace: list[dict], name: str, service: str) -> list[dict]:
    return [
        span
        for span in trace
        if span.get("name", "").lower() == name and span["localEndpoint"]["serviceName"] == service
    ]


async def trace_linked_from_the_clock(monitor_url: str, zipkin_url: str, contact_id: str) -> tuple[str, list[dict]]:
    """Follow the monitor's trace link for the contact until Zipkin holds the booking's whole trace there."""
    ops = staff([UNIT_FALKENBERG], role="ops", hsa_id="SE2321000115-P000000902")
    trace_url, trace = None, []
    async with httpx.AsyncClient(timeout=10) as client:
        try:
            async with asyncio.timeout(90):
                while True:
                    clock = await client.get(f"{monitor_url}/api/v1/clocks/{contact_id}", headers=ops)
                    trace_url = clock.json().get("trace_url") if clock.status_code == 200 else None
                    if trace_url:
                        found = await client.get(f"{zipkin_url}/api/v2/trace/{trace_url.rsplit('/', 1)[1]}")
                        trace = found.json() if found.status_code == 200 else []
                        if spans_named(trace, MONITOR_APPLY, "guarantee-monitor") and spans_named(
                            trace, BOOKING_REQUEST, "booking"
                        ):
                            return trace_url, trace
                    await asyncio.sleep(0.5)
        except TimeoutError:
            seen = sorted({(span["localEndpoint"]["serviceName"], span.get("name")) for span in trace})
            pytest.fail(f"no whole booking trace behind the clock's link {trace_url}; its spans: {seen}")


async def test_a_booking_is_one_trace_from_the_request_through_the_outbox_to_the_monitor(services, zipkin):
    pnr = personnummer(random.randrange(20_000), 1979)
    contact_id = await register_and_triage(services["triage"], pnr)
    appointment = await book_for_contact(services["booking"], pnr, contact_id)

    trace_url, trace = await trace_linked_from_the_clock(services["guarantee-monitor"], zipkin.url, contact_id)

    [request] = spans_named(trace, BOOKING_REQUEST, "booking")
    [publish] = spans_named(trace, RELAY_PUBLISH, "booking")
    [apply] = spans_named(trace, MONITOR_APPLY, "guarantee-monitor")
    assert len({span["traceId"] for span in trace}) == 1
    assert (request["kind"], publish["kind"], apply["kind"]) == ("SERVER", "PRODUCER", "CONSUMER")
    # The request wrote the outbox row, the relay published it, the monitor applied what the relay sent.
    assert publish["parentId"] == request["id"] and apply["parentId"] == publish["id"]
    assert apply["tags"]["messaging.destination.name"] == "nara.appointments.v1"
    assert "parentId" not in request, "the booking request starts the trace"
    # The operations page's link is the viewer's page for that trace, and the query API finds just that trace.
    assert trace_url == f"{zipkin.url}/zipkin/traces/{request['traceId']}"
    async with httpx.AsyncClient(timeout=10) as client:
        assert (await client.get(trace_url)).status_code == 200
        found = await client.get(
            f"{zipkin.url}/api/v2/traces", params={"serviceName": "booking", "spanName": BOOKING_REQUEST, "limit": 100}
        )
    searched = found.json()
    assert [t[0]["traceId"] for t in searched] == [request["traceId"]]
    assert appointment["contact_id"] == contact_id
