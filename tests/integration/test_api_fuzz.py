"""Schemathesis against the three OpenAPI documents, with a valid token of every role: no 500, no answer off the spec.

The services run in a thread of their own (uvicorn, real PostgreSQL and Kafka, scratch schemas), because
schemathesis calls them synchronously. Each generated case is sent once per role, so a path is tried by a caller
it serves and by callers it must refuse. The checks are the ones the issue names: no server error, and status
code, content type, headers and body as the OpenAPI documents them. NARA_FUZZ_EXAMPLES sets how many cases per
path (default 12, to keep the suite well under its half hour); the figures are printed at the end.
"""

from __future__ import annotations

import asyncio
import os
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import AsyncExitStack

import pytest
import schemathesis
import uvicorn
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode, checks

from nara.booking.app import create_app as create_booking
from nara.booking.settings import BookingSettings
from nara.devstack.processes import free_port
from nara.devstack.testing import scratch_schema
from nara.guarantee_monitor.app import create_app as create_monitor
from nara.guarantee_monitor.settings import GuaranteeMonitorSettings
from nara.shared.identity import issue_dev_token
from nara.triage.app import create_app as create_triage
from nara.triage.settings import TriageSettings

UNIT = "SE2321000115-E00000000011"
CITIZEN = "19121212-1212"
# One caller of each kind: a citizen, and staff of every role at one unit.
CALLERS = {
    "citizen": ("citizen", CITIZEN),
    "reception": ("reception", "SE2321000115-P000000301"),
    "clinician": ("clinician", "SE2321000115-P000000101"),
    "ops": ("ops", "SE2321000115-P000000902"),
    "admin": ("admin", "SE2321000115-P000000999"),
}
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
]
EXAMPLES = int(os.environ.get("NARA_FUZZ_EXAMPLES", "12"))


class ServicesInAThread:
    """The three services on ports of their own, served from a thread with its own event loop."""

    def __init__(self, infrastructure) -> None:
        self.infrastructure = infrastructure
        self.urls: dict[str, str] = {}
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._failure: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="fuzzed-services", daemon=True)

    def __enter__(self) -> ServicesInAThread:
        self._thread.start()
        if not self._ready.wait(120) or self._failure:
            raise RuntimeError("the services did not start") from self._failure
        return self

    def __exit__(self, *exc) -> None:
        if self._loop and self._stop:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(60)

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as failure:
            self._failure = failure
            self._ready.set()

    async def _serve(self) -> None:
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        run = uuid.uuid4().hex[:8]
        kafka = self.infrastructure.kafka_bootstrap_servers
        databases = self.infrastructure.database_urls
        ports = {name: free_port() for name in ("booking", "triage", "guarantee-monitor")}
        self.urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
        async with AsyncExitStack() as stack:
            booking_db = await stack.enter_async_context(scratch_schema(databases["booking"], prefix="fuzz"))
            triage_db = await stack.enter_async_context(scratch_schema(databases["triage"], prefix="fuzz"))
            monitor_db = await stack.enter_async_context(scratch_schema(databases["guarantee-monitor"], prefix="fuzz"))
            apps = {
                "booking": create_booking(
                    BookingSettings(
                        database_url=booking_db,
                        kafka_bootstrap_servers=kafka,
                        load_demo_data=True,
                        triage_url=self.urls["triage"],
                        contacts_consumer_group=f"fuzz-booking-{run}",
                    )
                ),
                "triage": create_triage(
                    TriageSettings(
                        database_url=triage_db,
                        kafka_bootstrap_servers=kafka,
                        booking_url=self.urls["booking"],
                        guarantee_monitor_url=self.urls["guarantee-monitor"],
                    )
                ),
                "guarantee-monitor": create_monitor(
                    GuaranteeMonitorSettings(
                        database_url=monitor_db, kafka_bootstrap_servers=kafka, consumer_group=f"fuzz-monitor-{run}"
                    )
                ),
            }
            servers = [
                uvicorn.Server(
                    uvicorn.Config(
                        app, host="127.0.0.1", port=ports[name], lifespan="on", log_config=None, log_level=None
                    )
                )
                for name, app in apps.items()
            ]
            tasks = [asyncio.create_task(server.serve()) for server in servers]
            async with asyncio.timeout(90):
                while not all(server.started for server in servers):
                    for task in tasks:
                        if task.done():
                            task.result()
                    await asyncio.sleep(0.05)
            self._ready.set()
            await self._stop.wait()
            for server in servers:
                server.should_exit = True
            await asyncio.gather(*tasks)


@pytest.fixture(scope="module")
def services(infrastructure) -> Iterator[ServicesInAThread]:
    with ServicesInAThread(infrastructure) as running:
        yield running


def _headers(role: str) -> dict[str, str]:
    kind, subject = CALLERS[role]
    units = [] if kind == "citizen" else [UNIT]
    return {"Authorization": f"Bearer {issue_dev_token(kind, subject, units)}"}


def _fuzz(service: str, services: ServicesInAThread) -> None:
    """Every operation, with valid and with invalid data, as every caller; all failures at once, then the figures."""
    schema = schemathesis.openapi.from_url(f"{services.urls[service]}/openapi.json")
    figures: Counter = Counter()
    statuses: Counter = Counter()
    failures: list[str] = []

    def send(case) -> None:
        for role in CALLERS:
            figures["cases"] += 1
            response = case.call_and_validate(
                base_url=services.urls[service], headers=_headers(role), checks=CHECKS, timeout=30
            )
            statuses[response.status_code] += 1

    for result in schema.get_all_operations():
        operation = result.ok()
        if _streams(operation):
            continue  # a stream never ends, so no check can read its answer; its own tests cover it
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                FUZZ(given(operation.as_strategy(generation_mode=mode))(send))()
            except Unsatisfiable:
                continue  # no invalid data can be made for, say, a path without parameters
            # schemathesis raises a FailureGroup, a BaseExceptionGroup: caught by name so Ctrl-C still stops the run.
            except (Exception, BaseExceptionGroup) as failure:
                text = str(failure)
                figures["server errors"] += text.count("Server error")
                figures["schema violations"] += sum(text.count(f"ST{n}") for n in range(102, 200))
                failures.append(f"{operation.label} ({mode.value}): {text[:2000]}")
    print(
        f"\n{service}: {figures['cases']} cases, {figures['server errors']} server errors, "
        f"{figures['schema violations']} schema violations; statuses {dict(sorted(statuses.items()))}"
    )
    assert not failures, f"{len(failures)} failures:\n" + "\n\n".join(failures[:20])


def _streams(operation) -> bool:
    answers = operation.definition.raw.get("responses", {}).values()
    return any("text/event-stream" in answer.get("content", {}) for answer in answers)


FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],
)


def test_booking_answers_every_case_as_its_openapi_says(services):
    _fuzz("booking", services)


def test_triage_answers_every_case_as_its_openapi_says(services):
    _fuzz("triage", services)


def test_the_monitor_answers_every_case_as_its_openapi_says(services):
    _fuzz("guarantee-monitor", services)
