"""Nära's three services as real processes beside the stack's PostgreSQL and Kafka."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass

import httpx

from .errors import StackError
from .layout import StackLayout
from .processes import choose_port, port_is_open, read_pid, start_detached, stop_group, wait_until


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


HALLAND_POLICY = ('{"days_by_profession": {"physiotherapist": 7, "occupational_therapist": 7, "psychologist": 14, '
                  '"counsellor": 14}}')


def infrastructure_environment(stack) -> dict[str, str]:
    """What a service or a test needs to find this stack's servers."""
    env = {"KAFKA_BOOTSTRAP_SERVERS": stack.kafka.bootstrap_servers}
    for spec in SERVICES:
        env[f"{spec.env_prefix}DATABASE_URL"] = stack.postgres.database_url(spec.name)
    return env


class ServiceProcesses:
    def __init__(self, layout: StackLayout, record: dict):
        self.layout = layout
        self.ports = record.setdefault("services", {})

    def url(self, spec: ServiceSpec) -> str:
        return f"http://127.0.0.1:{self.ports[spec.name]}"

    def is_running(self, spec: ServiceSpec) -> bool:
        return read_pid(self.layout.pid_of(spec.name)) is not None

    def start_all(self, infrastructure: dict[str, str]) -> None:
        for spec in SERVICES:
            if not self.is_running(spec):
                port = self.ports.get(spec.name) or choose_port(spec.default_port)
                self.ports[spec.name] = choose_port(spec.default_port) if port_is_open(port) else port
        neighbours = {"BOOKING_TRIAGE_URL": self.url(SERVICES[1]), "TRIAGE_BOOKING_URL": self.url(SERVICES[0]),
                      "TRIAGE_GUARANTEE_MONITOR_URL": self.url(SERVICES[2])}
        # One care guarantee policy for all three: Region Halland's limits beside the national 3 days (domain.md).
        guarantee = {"NARA_CARE_GUARANTEE_POLICY": os.environ.get("NARA_CARE_GUARANTEE_POLICY", HALLAND_POLICY)}
        for spec in SERVICES:
            if self.is_running(spec):
                continue
            env = {**os.environ, **infrastructure, **neighbours, **guarantee,
                   f"{spec.env_prefix}PORT": str(self.ports[spec.name]),
                   f"{spec.env_prefix}LOAD_DEMO_DATA": "true"}
            start_detached([sys.executable, "-m", spec.module, "serve"], env=env,
                           log_file=self.layout.log_of(spec.name), pid_file=self.layout.pid_of(spec.name))
        for spec in SERVICES:
            wait_until(lambda spec=spec: self._ready(spec), timeout=90, interval=0.3, what=f"The {spec.name} service")

    def stop_all(self) -> list[str]:
        # uvicorn finishes in-flight requests and messages on SIGTERM; 20 s covers the broker's graceful timeout.
        return [spec.name for spec in SERVICES if stop_group(self.layout.pid_of(spec.name), grace_seconds=20)]

    def readiness(self, spec: ServiceSpec) -> str:
        if not self.is_running(spec):
            return "stopped"
        try:
            response = httpx.get(f"{self.url(spec)}/readyz", timeout=3)
        except httpx.HTTPError:
            return "starting"
        return "ready" if response.status_code == 200 else f"not ready ({response.text[:200]})"

    def _ready(self, spec: ServiceSpec) -> bool:
        if not self.is_running(spec):
            raise StackError(f"The {spec.name} service exited while starting; see {self.layout.log_of(spec.name)}")
        return self.readiness(spec) == "ready"
