"""Nära's three services as real processes beside the stack's PostgreSQL and Kafka."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from .errors import StackError
from .layout import StackLayout
from .processes import choose_port, port_is_open, stop_group, wait_until
from .supervision import ALIVE_STATES, Supervisor


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    module: str
    default_port: int

    @property
    def env_prefix(self) -> str:
        return self.name.upper().replace("-", "_") + "_"


SERVICES = (
    ServiceSpec("booking", "nara.booking", 8001),
    ServiceSpec("triage", "nara.triage", 8002),
    ServiceSpec("guarantee-monitor", "nara.guarantee_monitor", 8003),
)


GAVE_UP = "gave up: it exited right after every start"  # supervisord's FATAL

HALLAND_POLICY = (
    '{"days_by_profession": {"physiotherapist": 7, "occupational_therapist": 7, "psychologist": 14, "counsellor": 14}}'
)


def infrastructure_environment(stack) -> dict[str, str]:
    """What a service or a test needs to find this stack's servers."""
    env = {"KAFKA_BOOTSTRAP_SERVERS": stack.kafka.bootstrap_servers}
    for spec in SERVICES:
        env[f"{spec.env_prefix}DATABASE_URL"] = stack.postgres.database_url(spec.name)
    return env


class ServiceProcesses:
    """The three services as programs of the stack's supervisord, which restarts one that dies."""

    def __init__(self, layout: StackLayout, record: dict):
        self.layout = layout
        self.ports = record.setdefault("services", {})
        self.supervisor = Supervisor(layout)

    def url(self, spec: ServiceSpec) -> str:
        return f"http://127.0.0.1:{self.ports[spec.name]}"

    def is_running(self, spec: ServiceSpec) -> bool:
        return self.supervisor.state_of(spec.name) in ALIVE_STATES

    def pid(self, spec: ServiceSpec) -> int | None:
        info = self.supervisor.info(spec.name)
        return info["pid"] if info and info["pid"] else None

    def start_all(self, infrastructure: dict[str, str], only: tuple[ServiceSpec, ...] = SERVICES) -> None:
        """Start the services that do not run (or `only` these), and wait until they are ready."""
        self.supervisor.start([spec.name for spec in SERVICES])
        for spec in SERVICES:
            if not self.is_running(spec):
                port = self.ports.get(spec.name) or choose_port(spec.default_port)
                self.ports[spec.name] = choose_port(spec.default_port) if port_is_open(port) else port
        neighbours = {
            "BOOKING_TRIAGE_URL": self.url(SERVICES[1]),
            "TRIAGE_BOOKING_URL": self.url(SERVICES[0]),
            "TRIAGE_GUARANTEE_MONITOR_URL": self.url(SERVICES[2]),
            # The links in reminders and offers lead to the citizens' pages, on whichever port booking got.
            "BOOKING_PUBLIC_BASE_URL": self.url(SERVICES[0]),
        }
        # One care guarantee policy for all three: Region Halland's limits beside the national 3 days (domain.md).
        guarantee = {"NARA_CARE_GUARANTEE_POLICY": os.environ.get("NARA_CARE_GUARANTEE_POLICY", HALLAND_POLICY)}
        for spec in only:
            if self.is_running(spec):
                continue
            env = {
                **os.environ,
                **infrastructure,
                **neighbours,
                **guarantee,
                f"{spec.env_prefix}PORT": str(self.ports[spec.name]),
                f"{spec.env_prefix}LOAD_DEMO_DATA": "true",
            }
            self.supervisor.start_program(spec.name, [sys.executable, "-m", spec.module, "serve"], env)
        for spec in only:
            wait_until(lambda spec=spec: self._ready(spec), timeout=90, interval=0.3, what=f"The {spec.name} service")

    def stop(self, names: list[str]) -> list[str]:
        """Stop these services only (supervisord leaves them stopped); the next './nara run' starts them."""
        return [spec.name for spec in SERVICES if spec.name in names and self.supervisor.stop_program(spec.name)]

    def stop_all(self) -> list[str]:
        running = {spec.name for spec in SERVICES if self.is_running(spec)}
        # Services started before they ran under supervisord have pid files of their own.
        running |= {spec.name for spec in SERVICES if stop_group(self.layout.pid_of(spec.name), grace_seconds=20)}
        self.supervisor.stop()
        return [spec.name for spec in SERVICES if spec.name in running]

    def readiness(self, spec: ServiceSpec) -> str:
        state = self.supervisor.state_of(spec.name)
        if state == "FATAL":
            return GAVE_UP
        if state in ("EXITED", "BACKOFF"):  # supervisord starts it again, at once or after a back-off
            return "restarting"
        if state not in ALIVE_STATES:
            return "stopped"
        try:
            response = httpx.get(f"{self.url(spec)}/readyz", timeout=3)
        except httpx.HTTPError:
            return "starting"
        return "ready" if response.status_code == 200 else f"not ready ({response.text[:200]})"

    def describe(self, spec: ServiceSpec) -> str:
        """The status line: readiness, where, and how often supervisord restarted it."""
        state = self.readiness(spec)
        line = f"{state} at {self.url(spec)}" if state not in ("stopped", GAVE_UP) else state
        if not self.supervisor.is_running():  # counts are per supervisord run
            return line
        restarts = self.supervisor.restarts(spec.name)
        if not restarts["count"]:
            return f"{line}; restarts: 0"
        last = datetime.fromisoformat(restarts["last"])
        ago = _ago(int((datetime.now(UTC) - last).total_seconds()))
        return f"{line}; restarts: {restarts['count']}, last {last:%Y-%m-%d %H:%M:%S} UTC ({ago}, {restarts['reason']})"

    def _ready(self, spec: ServiceSpec) -> bool:
        state = self.readiness(spec)
        if state in ("stopped", GAVE_UP):
            raise StackError(f"The {spec.name} service exited while starting; see {self.layout.log_of(spec.name)}")
        return state == "ready"


def _ago(seconds: int) -> str:
    if seconds < 120:
        return f"{seconds} s ago"
    return f"{seconds // 60} min ago" if seconds < 7200 else f"{seconds // 3600} h ago"
