"""Zipkin, the local trace viewer: its server's exec jar from Maven Central, on the machine's JDK, spans in memory."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import httpx

from .errors import StackError
from .kafka import require_java
from .layout import ZIPKIN_POM, StackLayout
from .processes import choose_port, port_is_open, read_pid, start_detached, stop_group, wait_until

DEFAULT_PORT = 9411
# Spans live in memory only: a bounded store keeps a long local session within the small heap.
HEAP = "-Xmx256m"
MAX_SPANS = 50_000


def fetch_zipkin_jar(layout: StackLayout) -> Path:
    """Copy Zipkin's exec jar once per pom version into the shared cache, with Maven."""
    pom_digest = hashlib.sha256(ZIPKIN_POM.read_bytes()).hexdigest()[:12]
    folder = layout.cache_dir / f"zipkin-{pom_digest}"
    jars = sorted(folder.glob("zipkin-server-*-exec.jar"))
    if (folder / ".complete").exists() and jars:
        return jars[0]
    mvn = shutil.which("mvn")
    if mvn is None:
        raise StackError("Maven is needed to fetch Zipkin's server. Install it with 'apt-get install maven'.")
    print("Fetching Zipkin's server from Maven Central...", flush=True)
    result = subprocess.run(
        [mvn, "-q", "-B", "-f", str(ZIPKIN_POM), "dependency:copy-dependencies", f"-Dzipkin.libs={folder}"],
        capture_output=True,
        text=True,
    )
    jars = sorted(folder.glob("zipkin-server-*-exec.jar"))
    if result.returncode != 0 or not jars:
        raise StackError(f"Maven could not fetch Zipkin's server:\n{result.stdout[-3000:]}{result.stderr[-2000:]}")
    (folder / ".complete").write_text(pom_digest)
    return jars[0]


def zipkin_environment(port: int) -> dict[str, str]:
    """Only the HTTP collector and in-memory storage; a KAFKA_BOOTSTRAP_SERVERS in the shell must not start
    Zipkin's Kafka collector."""
    return {
        **os.environ,
        "STORAGE_TYPE": "mem",
        "MEM_MAX_SPANS": str(MAX_SPANS),
        "QUERY_PORT": str(port),
        "COLLECTOR_KAFKA_ENABLED": "false",
        "COLLECTOR_GRPC_ENABLED": "false",
        "COLLECTOR_RABBITMQ_ENABLED": "false",
        "COLLECTOR_ACTIVEMQ_ENABLED": "false",
        "COLLECTOR_PULSAR_ENABLED": "false",
        "SELF_TRACING_ENABLED": "false",
    }


class ZipkinServer:
    """Zipkin's collector, query API and web UI in one process, listening on 127.0.0.1 only."""

    def __init__(self, layout: StackLayout, record: dict):
        self.layout = layout
        self.record = record.setdefault("zipkin", {})
        self.pid_file = layout.pid_of("zipkin")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.record['port']}"

    @property
    def ui_url(self) -> str:
        return f"{self.url}/zipkin/"

    @property
    def spans_endpoint(self) -> str:
        """Where OpenTelemetry's Zipkin exporter posts spans (OTEL_EXPORTER_ZIPKIN_ENDPOINT)."""
        return f"{self.url}/api/v2/spans"

    @property
    def trace_url_template(self) -> str:
        """A trace's page in the UI, in the form the guarantee monitor's settings expect."""
        return f"{self.url}/zipkin/traces/{{trace_id}}"

    def service_environment(self) -> dict[str, str]:
        """What the services need to send their spans here, and for the operations page to link to them.

        Only the services started by 'run' get it, not 'env': a test or benchmark pointed at the stack should not
        pay for exporting spans unless it asks to.
        """
        return {
            "OTEL_EXPORTER_ZIPKIN_ENDPOINT": self.spans_endpoint,
            "GUARANTEE_MONITOR_TRACE_URL_TEMPLATE": self.trace_url_template,
        }

    def is_running(self) -> bool:
        return read_pid(self.pid_file) is not None

    def start(self) -> None:
        java = require_java("Zipkin")
        jar = fetch_zipkin_jar(self.layout)
        self.record["jar"] = str(jar)
        if self.is_running():
            return
        if "port" not in self.record or port_is_open(self.record["port"]):
            self.record["port"] = choose_port(DEFAULT_PORT)
        port = self.record["port"]
        # Armeria would listen on every interface; the viewer shows trace data, so keep it on loopback.
        start_detached(
            [
                java,
                HEAP,
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Djava.awt.headless=true",
                "-jar",
                str(jar),
                "--armeria.ports[0].ip=127.0.0.1",
                f"--armeria.ports[0].port={port}",
                "--armeria.ports[0].protocols[0]=http",
            ],
            env=zipkin_environment(port),
            log_file=self.layout.log_of("zipkin"),
            pid_file=self.pid_file,
        )
        wait_until(self._healthy, timeout=120, interval=0.5, what="Zipkin")

    def stop(self) -> bool:
        return stop_group(self.pid_file, grace_seconds=10)

    def version(self) -> str:
        name = Path(self.record.get("jar", "")).name
        return name.removeprefix("zipkin-server-").removesuffix("-exec.jar") or "unknown"

    def _healthy(self) -> bool:
        if not self.is_running():
            raise StackError(f"Zipkin exited while starting; see {self.layout.log_of('zipkin')}")
        try:
            return httpx.get(f"{self.url}/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False
