"""A service that dies under './nara run' comes back: supervisord restarts it, says so in its log, and
'./nara status' counts the restart. On the test run's PostgreSQL and Kafka, with only booking started, so it
takes seconds (triage lints its guidelines for 15-30 s at start)."""

import os
import signal
import subprocess
import sys
import time
import uuid

import httpx
import pytest

from nara.devstack.layout import REPO_ROOT, StackLayout
from nara.devstack.processes import free_port
from nara.devstack.services import SERVICES
from nara.devstack.stack import LocalStack
from nara.devstack.testing import scratch_schema

pytestmark = pytest.mark.integration
BOOKING = SERVICES[0]


@pytest.fixture
async def booking_database(infrastructure):
    async with scratch_schema(infrastructure.database_urls["booking"], prefix="restarts") as url:
        yield url


@pytest.fixture
def supervised_stack(infrastructure, booking_database):
    """A stack folder of its own (own supervisord, logs, free ports) whose services use the tests' servers."""
    layout = StackLayout(REPO_ROOT / ".state" / f"restarts-{uuid.uuid4().hex[:8]}", StackLayout.default().cache_dir)
    layout.ensure()
    layout.save_record({"services": {spec.name: free_port() for spec in SERVICES}})
    environment = {
        **infrastructure.environment(),
        "BOOKING_DATABASE_URL": booking_database,
        "BOOKING_CONTACTS_CONSUMER_GROUP": f"booking-restarts-{uuid.uuid4().hex[:8]}",
    }
    stack = LocalStack(layout)
    try:
        yield stack, environment
    finally:
        stack.destroy()


def status_of(stack: LocalStack) -> dict[str, str]:
    """'./nara status' of that stack folder, line by line."""
    env = {**os.environ, "NARA_STATE_DIR": str(stack.layout.state_dir)}
    result = subprocess.run(
        [sys.executable, "-m", "nara.devstack", "status"], env=env, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    return dict(line.split(maxsplit=1) for line in result.stdout.splitlines())


def answers_again(stack: LocalStack, killed: int) -> bool:
    if stack.services.pid(BOOKING) in (None, killed):
        return False
    try:
        return httpx.get(f"{stack.services.url(BOOKING)}/healthz", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


@pytest.mark.timeout(60)
def test_a_service_killed_with_sigkill_is_restarted_logged_and_counted(supervised_stack):
    stack, environment = supervised_stack
    stack.services.start_all(environment, only=(BOOKING,))
    url = stack.services.url(BOOKING)
    assert status_of(stack)["booking"] == f"ready at {url}; restarts: 0"

    killed = stack.services.pid(BOOKING)
    os.kill(killed, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while not answers_again(stack, killed) and time.monotonic() < deadline:
        time.sleep(0.2)

    assert answers_again(stack, killed), f"booking did not come back; see {stack.layout.log_of('booking')}"
    log = stack.layout.log_of("booking").read_text()
    assert "booking exited (terminated by SIGKILL; not expected); supervisord restarted it after a back-off" in log
    status = status_of(stack)["booking"]
    assert f" at {url}; restarts: 1, last " in status and "terminated by SIGKILL" in status, status
