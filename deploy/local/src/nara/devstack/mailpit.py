"""Mailpit, the local mail server: every e-mail the services send lands in its web inbox, none leaves the machine.

Built once per version from the Go module github.com/axllent/mailpit, with the machine's Go and npm, into the
shared cache.
"""

from __future__ import annotations

import contextlib
import json
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
    """Mailpit's binary, built once per version into the shared cache from the Go module's source.

    The module holds the web inbox's sources but not their build (server/ui/dist), so a plain `go install` gives
    a Mailpit with SMTP and an API but a blank inbox: the UI is bundled with npm first, then embedded by `go build`.
    """
    folder = layout.cache_dir / f"mailpit-{VERSION}"
    binary = folder / "mailpit"
    if binary.is_file():
        return binary
    go, npm = find_go(), shutil.which("npm")
    if npm is None:
        raise StackError(
            "npm is needed once to build Mailpit's web inbox ('apt-get install npm'), or start without mail: "
            "'./nara run --no-mail'."
        )
    print(f"Building Mailpit {VERSION} with the machine's Go and npm (once; about 3 minutes)...", flush=True)
    # Built beside the cache and moved in whole: two stacks building at once never see half a binary.
    staging = layout.cache_dir / f"mailpit-{VERSION}.{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        source = _module_source(go, staging / "src")
        _bundle_web_inbox(npm, source)
        _run(
            [go, "build", "-trimpath", "-ldflags", f"-s -w -X {MODULE}/config.Version={VERSION}", "-o", str(staging)],
            cwd=source,
            what="Go could not build Mailpit",
            env={"GOFLAGS": "-buildvcs=false"},
        )
        shutil.rmtree(source)  # node_modules and a copy of the source: 200 MB nobody needs again
        with contextlib.suppress(OSError):  # another stack built it first
            staging.rename(folder)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    if not binary.is_file():
        raise StackError(f"Mailpit {VERSION} was built, but {binary} is missing")
    return binary


# The web inbox's JavaScript dependencies, pinned where the module's own lock names versions the npm registry does
# not serve here (rapidoc 12, sass-embedded 1.108.1); only what the bundle needs, no linters or browser tests.
UI_BUILD_DEPENDENCIES = ("esbuild", "esbuild-plugin-vue-next", "esbuild-sass-plugin", "@vue/compiler-sfc")
UI_PINS = {"rapidoc": "9.3.8"}
UI_OVERRIDES = {"sass-embedded": "1.105.0"}


def _module_source(go: str, into: Path) -> Path:
    """A writable copy of the module's source, fetched through the Go module proxy into Go's module cache."""
    answer = _run([go, "mod", "download", "-json", f"{MODULE}@{VERSION}"], what="Go could not fetch Mailpit")
    shutil.copytree(json.loads(answer)["Dir"], into)
    for path in [into, *into.rglob("*")]:  # the module cache is read-only
        path.chmod(path.stat().st_mode | 0o200)
    return into


def _bundle_web_inbox(npm: str, source: Path) -> None:
    package = json.loads((source / "package.json").read_text())
    package["dependencies"].update(UI_PINS)
    package["devDependencies"] = {
        name: version for name, version in package["devDependencies"].items() if name in UI_BUILD_DEPENDENCIES
    }
    package["overrides"] = {**package.get("overrides", {}), **UI_OVERRIDES}
    (source / "package.json").write_text(json.dumps(package, indent=2))
    (source / "package-lock.json").unlink(missing_ok=True)
    _run(
        [npm, "install", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=source,
        what="npm could not fetch the packages of Mailpit's web inbox",
    )
    node = shutil.which("node") or "node"
    _run([node, "esbuild.config.mjs"], cwd=source, what="Mailpit's web inbox did not build", env={"MINIFY": "true"})
    if not (source / "server" / "ui" / "dist" / "app.js").is_file():
        raise StackError("Mailpit's web inbox did not build: server/ui/dist/app.js is missing")


def _run(command: list[str], *, what: str, cwd: Path | None = None, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(command, cwd=cwd, env={**os.environ, **(env or {})}, capture_output=True, text=True)
    if result.returncode != 0:
        raise StackError(f"{what} ({VERSION}):\n{result.stdout[-1500:]}{result.stderr[-3000:]}")
    return result.stdout


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
