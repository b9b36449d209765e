"""The whole local stack: up, status, down, and the services on top."""

from __future__ import annotations

import fcntl
import shutil
import time
from contextlib import contextmanager
from pathlib import Path

from .kafka import KafkaBroker
from .keycloak import KeycloakServer
from .layout import StackLayout
from .mailpit import MailpitServer
from .postgres import PostgresServer
from .processes import port_is_open
from .services import SERVICES, ServiceProcesses, infrastructure_environment
from .zipkin import ZipkinServer


class LocalStack:
    def __init__(self, layout: StackLayout | None = None):
        self.layout = layout or StackLayout.default()
        self.layout.ensure()
        self.record = self.layout.load_record()
        self.postgres = PostgresServer(self.layout, self.record)
        self.kafka = KafkaBroker(self.layout, self.record)
        self.zipkin = ZipkinServer(self.layout, self.record)
        self.keycloak = KeycloakServer(self.layout, self.record)
        self.mailpit = MailpitServer(self.layout, self.record)
        self.services = ServiceProcesses(self.layout, self.record)

    @contextmanager
    def _exclusive(self):
        """One stack command at a time per state folder, so two parallel 'up's don't race."""
        with open(self.layout.state_dir / ".lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                self.layout.save_record(self.record)

    def up(self) -> bool:
        """Start PostgreSQL and Kafka; returns False when both were already running."""
        with self._exclusive():
            if self.postgres.is_running() and self.kafka.is_running():
                return False
            self.postgres.start()
            self.kafka.start()
            return True

    def start_services(self, *, zipkin: bool = True, identity_provider: bool = True, mail: bool = True) -> None:
        """Zipkin first, so that the services export their spans from their first request. Keycloak starts
        meanwhile (its address is known at launch) and is waited for last: it is the slowest to come up, and the
        services fetch its keys only when a token arrives. Mailpit starts in well under a second, before the
        services, which get its SMTP address."""
        with self._exclusive():
            environment = self.environment()
            if identity_provider:
                self.keycloak.launch()
                environment.update(self.keycloak.service_environment())
            if mail:
                self.mailpit.start()
                environment.update(self.mailpit.service_environment())
            if zipkin:
                self.zipkin.start()
                environment.update(self.zipkin.service_environment())
            self.services.start_all(environment)
            if identity_provider:
                self.keycloak.wait()

    def start_identity_provider(self) -> KeycloakServer:
        """Keycloak alone, e.g. for the tests that log in; does nothing when it runs."""
        with self._exclusive():
            self.keycloak.start()
            return self.keycloak

    def start_mail_server(self, *, preferred_ports: bool = True) -> MailpitServer:
        """Mailpit alone, e.g. for the tests that read delivered mail; does nothing when it runs."""
        with self._exclusive():
            self.mailpit.start(preferred_ports=preferred_ports)
            return self.mailpit

    def environment(self) -> dict[str, str]:
        return infrastructure_environment(self)

    def down(self) -> list[str]:
        with self._exclusive():
            stopped = self.services.stop_all()
            if self.zipkin.stop():
                stopped.append("zipkin")
            if self.keycloak.stop():
                stopped.append("keycloak")
            if self.mailpit.stop():
                stopped.append("mailpit")
            if self.kafka.stop():
                stopped.append("kafka")
            if self.postgres.stop():
                stopped.append("postgres")
            return stopped

    def stop_services(self, names: list[str]) -> list[str]:
        """Stop only these services, e.g. one that keeps crashing; the rest of the stack runs on."""
        with self._exclusive():
            return self.services.stop(names)

    def destroy(self) -> None:
        """Stop everything and delete this stack's data, including PostgreSQL's folder outside it."""
        self.down()
        data_dir = self.record.get("postgres", {}).get("data_dir")
        if data_dir and not Path(data_dir).is_relative_to(self.layout.state_dir):
            shutil.rmtree(Path(data_dir).parent, ignore_errors=True)
        shutil.rmtree(self.layout.state_dir, ignore_errors=True)

    def status(self) -> dict[str, str]:
        report = {
            "postgres": self._describe(self.postgres.is_running(), self.record.get("postgres", {}).get("port")),
            "kafka": self._describe(self.kafka.is_running(), self.record.get("kafka", {}).get("port")),
            "zipkin": f"running, traces at {self.zipkin.ui_url}" if self.zipkin.is_running() else "stopped",
            "keycloak": f"running, realm at {self.keycloak.issuer}" if self.keycloak.is_running() else "stopped",
            "mailpit": (
                f"running, SMTP {self.mailpit.smtp_address}, inbox {self.mailpit.url}/"
                if self.mailpit.is_running()
                else "stopped"
            ),
        }
        for spec in SERVICES:
            report[spec.name] = self.services.describe(spec)
        return report

    def log_file(self, component: str) -> Path:
        if component == "postgres" and self.record.get("postgres", {}).get("log_file"):
            return Path(self.record["postgres"]["log_file"])
        return self.layout.log_of(component)

    def leftover_processes(self) -> list[str]:
        """Anything of this stack still running or listening; empty after a clean 'down'."""
        leftovers = [
            name for name in ("postgres", "kafka", "zipkin", "keycloak", "mailpit") if getattr(self, name).is_running()
        ]
        leftovers += [spec.name for spec in SERVICES if self.services.is_running(spec)]
        leftovers += ["supervisord"] if self.services.supervisor.is_running() else []
        ports = [
            self.record.get("postgres", {}).get("port"),
            self.record.get("kafka", {}).get("port"),
            self.record.get("kafka", {}).get("controller_port"),
            self.record.get("zipkin", {}).get("port"),
            self.record.get("keycloak", {}).get("port"),
            self.record.get("mailpit", {}).get("smtp_port"),
            self.record.get("mailpit", {}).get("http_port"),
            *self.record.get("services", {}).values(),
        ]
        leftovers += [f"port {port}" for port in ports if port and port_is_open(port)]
        return leftovers

    @staticmethod
    def _describe(running: bool, port: int | None) -> str:
        return f"running on 127.0.0.1:{port}" if running else "stopped"


def wait_for_no_leftovers(stack: LocalStack, timeout: float = 10) -> list[str]:
    deadline = time.monotonic() + timeout
    while (leftovers := stack.leftover_processes()) and time.monotonic() < deadline:
        time.sleep(0.2)
    return leftovers
