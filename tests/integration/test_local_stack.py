"""The launcher's commands, end to end, on a stack of their own (own folder, own ports)."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from nara.devstack.layout import REPO_ROOT, StackLayout
from nara.devstack.processes import is_alive, read_pid
from nara.devstack.services import SERVICES
from nara.devstack.stack import LocalStack


@pytest.fixture
def isolated_stack():
    layout = StackLayout(REPO_ROOT / ".state" / f"isolated-{uuid.uuid4().hex[:8]}", StackLayout.default().cache_dir)
    env = {**os.environ, "NARA_STATE_DIR": str(layout.state_dir), "NARA_CACHE_DIR": str(layout.cache_dir)}
    for name in [n for n in env if n.endswith("DATABASE_URL") or n == "KAFKA_BOOTSTRAP_SERVERS"]:
        del env[name]

    def command(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603 -- this interpreter and our own launcher, no input
            [sys.executable, "-m", "nara.devstack", *args], env=env, capture_output=True, text=True, timeout=300
        )

    yield layout, command
    LocalStack(layout).destroy()


def readyz(url: str) -> httpx.Response:
    return httpx.get(f"{url}/readyz", timeout=10)


def assert_services_export_spans_to(zipkin: str, booking: str, monitor_pid: int) -> None:
    """A traced request to booking reaches Zipkin, and the operations page links traces to this Zipkin."""
    httpx.get(f"{booking}/openapi.json")
    deadline = time.monotonic() + 30  # the exporter sends a batch every five seconds
    while "booking" not in httpx.get(f"{zipkin}/api/v2/services").json() and time.monotonic() < deadline:
        time.sleep(0.5)
    assert "booking" in httpx.get(f"{zipkin}/api/v2/services").json()
    monitor_env = Path(f"/proc/{monitor_pid}/environ").read_bytes().decode().split("\0")
    assert f"GUARANTEE_MONITOR_TRACE_URL_TEMPLATE={zipkin}/zipkin/traces/{{trace_id}}" in monitor_env


def test_run_starts_three_ready_services_and_down_leaves_nothing_running(isolated_stack):
    layout, command = isolated_stack

    first_up, second_up = command("up"), command("up")
    assert first_up.returncode == 0, first_up.stderr
    assert "already running" in second_up.stdout

    run = command("run")
    assert run.returncode == 0, run.stderr + run.stdout
    stack = LocalStack(layout)
    urls = {spec.name: stack.services.url(spec) for spec in SERVICES}
    for name, url in urls.items():
        assert url in run.stdout
        response = readyz(url)
        assert response.status_code == 200, f"{name}: {response.text}"
        assert response.json()["checks"] == {"database": "ok", "kafka": "ok"}
        assert httpx.get(f"{url}/healthz").json()["service"] == name
        assert "python_info" in httpx.get(f"{url}/metrics").text

    status = command("status").stdout
    assert all(f"ready at {url}" in status for url in urls.values())
    zipkin = stack.zipkin.url
    assert f"{zipkin}/zipkin/" in run.stdout and f"traces at {zipkin}/zipkin/" in status
    assert httpx.get(f"{zipkin}/health").status_code == 200
    assert_services_export_spans_to(zipkin, urls["booking"], stack.services.pid(SERVICES[2]))
    assert "Serving HTTP" in command("logs", "zipkin").stdout
    keycloak = stack.keycloak
    assert keycloak.account_console_url in run.stdout and f"realm at {keycloak.issuer}" in status
    assert httpx.get(keycloak.discovery_url).json()["issuer"] == keycloak.issuer
    booking_env = Path(f"/proc/{stack.services.pid(SERVICES[0])}/environ").read_bytes().decode().split("\0")
    assert f"NARA_OIDC_ISSUER={keycloak.issuer}" in booking_env
    assert _eventually_in_log(command, "keycloak", "Realm 'nara' imported")  # its log is written behind
    mailpit = stack.mailpit
    assert f"{mailpit.url}/" in run.stdout and f"inbox {mailpit.url}/" in status
    assert httpx.get(f"{mailpit.url}/api/v1/messages").json()["total"] == 0
    assert f"NARA_SMTP_PORT={mailpit.smtp_port}" in booking_env and "NARA_SMTP_HOST=127.0.0.1" in booking_env

    pids = [read_pid(layout.pid_of(name)) for name in ["kafka", "zipkin", "keycloak", "mailpit", "supervisord"]]
    pids += [stack.services.pid(spec) for spec in SERVICES]
    assert None not in pids
    postgres_pid = int(Path(stack.postgres.record["data_dir"], "postmaster.pid").read_text().splitlines()[0])

    down = command("down")
    assert down.returncode == 0, down.stderr
    assert "Stopped: booking, triage, guarantee-monitor, zipkin, keycloak, mailpit, kafka, postgres." in down.stdout
    assert [pid for pid in [*pids, postgres_pid] if is_alive(pid)] == []
    assert LocalStack(layout).leftover_processes() == []
    for name in urls:
        assert "Application shutdown complete" in layout.log_of(name).read_text()
    assert "Nothing was running." in command("down").stdout


def test_readiness_fails_when_kafka_is_gone_and_recovers_when_it_returns(isolated_stack):
    layout, command = isolated_stack
    run = command("run", "--no-zipkin", "--no-idp")
    assert run.returncode == 0, run.stderr
    assert "the pages use the development login" in run.stdout
    stack = LocalStack(layout)
    booking = stack.services.url(SERVICES[0])

    stack.kafka.stop()
    not_ready = readyz(booking)
    stack.up()
    deadline = time.monotonic() + 60
    while (ready := readyz(booking)).status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.5)

    assert not_ready.status_code == 503
    assert not_ready.json()["checks"] == {"database": "ok", "kafka": "failing"}
    assert ready.status_code == 200


def _eventually_in_log(command, component: str, line: str, within_seconds: float = 60) -> bool:
    """Whether `line` shows up in the component's log within the time: a JVM writes its log with a delay, so a
    server can answer before its log says so."""
    deadline = time.monotonic() + within_seconds
    while time.monotonic() < deadline:
        if line in command("logs", component).stdout:
            return True
        time.sleep(1)
    return False
