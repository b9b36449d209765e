"""Mailpit, the local mail server: every e-mail the services send lands in its web inbox, none leaves the machine.

Built once per version from the Go module github.com/axllent/mailpit with the machine's Go, into the shared cache.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import httpx

from .errors import StackError
from .layout import StackLayout
from .processes import (
    choose_port,
    free_port,
    listens_in_group,
    port_is_open,
    read_pid,
    start_detached,
    stop_group,
    wait_until,
)

MODULE = "github.com/axllent/mailpit"
VERSION = "v1.33.1"
DEFAULT_SMTP_PORT = 1025
DEFAULT_HTTP_PORT = 8025
# The sender the services use here; Mailpit takes any.
LOCAL_FROM = "Nära (lokalt) <ingen-svarsadress@nara.localhost>"
MAX_MESSAGES = 5000  # a long local session's mail, not more; the oldest go first


def find_go() -> str:
    found = shutil.which("go") or ("/usr/local/go/bin/go" if Path("/usr/local/go/bin/go").is_file() else None)
    if found is None:
        raise StackError(
            f"Go 1.26 or newer is needed to build Mailpit {VERSION}, the local mail server (once): install it "
            "from https://go.dev/doc/install (Debian's golang-go is older), or start without mail: "
            "'./nara run --no-mail'."
        )
    return found


def fetch_mailpit(layout: StackLayout) -> Path:
    """Mailpit's binary, built once per version into the shared cache with `go install`."""
    folder = layout.cache_dir / f"mailpit-{VERSION}"
    binary = folder / "mailpit"
    if binary.is_file():
        return binary
    go = find_go()
    print(f"Building Mailpit {VERSION} with the machine's Go (once; 1-2 minutes)...", flush=True)
    # Built beside the cache and moved in whole: two stacks building at once never see half a binary.
    staging = layout.cache_dir / f"mailpit-{VERSION}.{os.getpid()}"
    staging.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [go, "install", f"{MODULE}@{VERSION}"],
        env={**os.environ, "GOBIN": str(staging), "GOFLAGS": "-buildvcs=false"},
        capture_output=True,
        text=True,
    )
    if result.returncode != 0 or not (staging / "mailpit").is_file():
        shutil.rmtree(staging, ignore_errors=True)
        raise StackError(f"Go could not build Mailpit {VERSION}:\n{result.stderr[-3000:]}")
    try:
        staging.rename(folder)
    except OSError:  # another stack built it first
        shutil.rmtree(staging, ignore_errors=True)
    return binary


def mailpit_command(binary: Path, *, smtp_port: int, http_port: int, database: Path) -> list[str]:
    return [
        str(binary),
        f"--listen=127.0.0.1:{http_port}",
        f"--smtp=127.0.0.1:{smtp_port}",
        f"--database={database}",
        f"--max={MAX_MESSAGES}",
        # No network here to ask for a newer release, and none wanted.
        "--disable-version-check",
        "--smtp-disable-rdns",
        # Any login is taken, over plain SMTP: the server listens on loopback only, and a service configured with
        # a username (as against a region's relay) can then be tried here unchanged.
        "--smtp-auth-accept-any",
        "--smtp-auth-allow-insecure",
        "--quiet",
    ]


class MailpitServer:
    """One Mailpit on 127.0.0.1: SMTP for the services, the web inbox and its API for people and tests."""

    def __init__(
        self, layout: StackLayout, record: dict, *, name: str = "mailpit", extra_arguments: tuple[str, ...] = ()
    ):
        self.layout = layout
        self.name = name
        self.extra_arguments = extra_arguments  # e.g. a test's own server with Mailpit's --enable-chaos
        self.record = record.setdefault(name, {})
        self.pid_file = layout.pid_of(name)
        self.started_in: float | None = None

    @property
    def smtp_port(self) -> int:
        return int(self.record["smtp_port"])

    @property
    def url(self) -> str:
        """The web inbox; its API is under /api/v1."""
        return f"http://127.0.0.1:{self.record['http_port']}"

    @property
    def smtp_address(self) -> str:
        return f"127.0.0.1:{self.smtp_port}"

    def service_environment(self) -> dict[str, str]:
        """Points the services' e-mail (nara.shared.messaging) at this server: loopback, so no STARTTLS."""
        return {
            "NARA_SMTP_HOST": "127.0.0.1",
            "NARA_SMTP_PORT": str(self.smtp_port),
            "NARA_SMTP_STARTTLS": "false",
            "NARA_SMTP_FROM": LOCAL_FROM,
        }

    def is_running(self) -> bool:
        return read_pid(self.pid_file) is not None

    def start(self, *, preferred_ports: bool = True) -> float | None:
        """Build when needed, start, and wait for its readiness; the seconds the start took, or None when it ran."""
        binary = fetch_mailpit(self.layout)
        if self.is_running():
            return None
        for key, preferred in (("smtp_port", DEFAULT_SMTP_PORT), ("http_port", DEFAULT_HTTP_PORT)):
            if key not in self.record or port_is_open(self.record[key]):
                self.record[key] = choose_port(preferred) if preferred_ports else free_port()
        folder = self.layout.state_dir / self.name
        folder.mkdir(parents=True, exist_ok=True)
        launched_at = time.monotonic()
        start_detached(
            mailpit_command(
                binary, smtp_port=self.smtp_port, http_port=self.record["http_port"], database=folder / "mailpit.db"
            )
            + list(self.extra_arguments),
            log_file=self.layout.log_of(self.name),
            pid_file=self.pid_file,
        )
        wait_until(self._ready, timeout=60, interval=0.1, what="Mailpit")
        self.started_in = time.monotonic() - launched_at
        return self.started_in

    def stop(self) -> bool:
        return stop_group(self.pid_file, grace_seconds=10)

    def version(self) -> str:
        return VERSION

    def _ready(self) -> bool:
        pid = read_pid(self.pid_file)
        if pid is None:
            raise StackError(f"Mailpit exited while starting; see {self.layout.log_of(self.name)}")
        try:
            if httpx.get(f"{self.url}/readyz", timeout=2).status_code != 200:
                return False
        except httpx.HTTPError:
            return False
        # Ours, not another stack's that took the same free port a moment earlier.
        return listens_in_group(self.smtp_port, pid) is not False
