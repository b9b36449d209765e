"""Keycloak, the local OpenID Connect provider: its distribution from Maven Central, on a JDK 21+, the realm
`nara` imported from the repository at every start."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import time
import zipfile
from pathlib import Path

import httpx

from .errors import StackError
from .java import require_java_home
from .layout import KEYCLOAK_POM, KEYCLOAK_REALM, StackLayout
from .processes import choose_port, listens_in_group, port_is_open, read_pid, start_detached, stop_group, wait_until

DEFAULT_PORT = 8080
REALM = "nara"
MIN_JAVA = 21
HEAP = "-Xms64m -Xmx512m"
# Development-only bootstrap administrator of the master realm, for the admin console on this machine.
ADMIN_USER = "admin"
ADMIN_PASSWORD = "nara-keycloak-dev"  # noqa: S105 - a local development default, printed in the README
# Parts of the distribution a server writes to: copied into each stack's own home. The rest is shared.
WRITTEN_PARTS = ("bin", "conf", "lib/quarkus", "lib/quarkus-run.jar")
SHARED_PARTS = ("lib/lib", "lib/app", "themes", "providers", "version.txt")
BUILT_MARKER = ".built"
# Keycloak's build output for the options below, kept beside the distribution after the first build on this
# machine: a new stack starts from it warm. Keycloak checks the options it was built with, and rebuilds if they differ.
BUILD_TEMPLATE = "built-quarkus"


def fetch_keycloak(layout: StackLayout) -> Path:
    """Fetch the distribution's zip with Maven and unpack it once per pom version into the shared cache."""
    pom_digest = hashlib.sha256(KEYCLOAK_POM.read_bytes()).hexdigest()[:12]
    folder = layout.cache_dir / f"keycloak-{pom_digest}"
    homes = sorted(folder.glob("keycloak-*/bin/kc.sh"))
    if (folder / ".complete").exists() and homes:
        return homes[0].parents[1]
    mvn = shutil.which("mvn")
    if mvn is None:
        raise StackError("Maven is needed to fetch Keycloak. Install it with 'apt-get install maven'.")
    print("Fetching Keycloak from Maven Central (about 180 MB, once)...", flush=True)
    result = subprocess.run(
        [mvn, "-q", "-B", "-f", str(KEYCLOAK_POM), "dependency:copy-dependencies", f"-Dkeycloak.libs={folder}"],
        capture_output=True,
        text=True,
    )
    zips = sorted(folder.glob("keycloak-quarkus-dist-*.zip"))
    if result.returncode != 0 or not zips:
        raise StackError(f"Maven could not fetch Keycloak:\n{result.stdout[-3000:]}{result.stderr[-2000:]}")
    _unpack(zips[0], folder)
    zips[0].unlink()
    (folder / ".complete").write_text(pom_digest)
    return next(folder.glob("keycloak-*/bin/kc.sh")).parents[1]


def _unpack(archive: Path, into: Path) -> None:
    """Unzip keeping the scripts' executable bits, which zipfile alone drops."""
    with zipfile.ZipFile(archive) as bundle:
        for entry in bundle.infolist():
            target = Path(bundle.extract(entry, into))
            mode = entry.external_attr >> 16 & 0o777
            if mode and not entry.is_dir():
                target.chmod(mode)


def prepare_home(distribution: Path, home: Path) -> Path:
    """A stack's own Keycloak home: the parts the server writes (its build, its data) are the stack's; the
    jars and themes are links into the shared cache. Two stacks can then run and build side by side."""
    if (home / "version.txt").exists() and (home / ".distribution").read_text() == str(distribution):
        return home
    shutil.rmtree(home, ignore_errors=True)
    (home / "lib").mkdir(parents=True)
    template = distribution.parent / BUILD_TEMPLATE
    for part in WRITTEN_PARTS:
        source = template if part == "lib/quarkus" and template.is_dir() else distribution / part
        if source.is_dir():
            shutil.copytree(source, home / part)
        else:
            shutil.copy2(source, home / part)
    for part in SHARED_PARTS:
        (home / part).symlink_to(distribution / part)
    (home / ".distribution").write_text(str(distribution))
    if template.is_dir():
        (home / BUILT_MARKER).touch()
    return home


def keep_build(home: Path, distribution: Path) -> None:
    """Keep a home's build output as the template for later stacks, unless one is kept already."""
    template = distribution.parent / BUILD_TEMPLATE
    if template.exists():
        return
    staging = distribution.parent / f"{BUILD_TEMPLATE}.{os.getpid()}"
    shutil.copytree(home / "lib" / "quarkus", staging)
    try:
        staging.rename(template)
    except OSError:  # another stack kept its build first
        shutil.rmtree(staging, ignore_errors=True)


def keycloak_command(home: Path, port: int) -> list[str]:
    """Development mode (in-memory H2), on loopback, importing the repository's realm at every start."""
    return [
        "bash",
        str(home / "bin" / "kc.sh"),
        "start-dev",
        "--http-host=127.0.0.1",
        f"--http-port={port}",
        "--db=dev-mem",
        "--import-realm",
        # One issuer whatever address a service asks at (127.0.0.1 or localhost), as in docker-compose and
        # production; the token and key endpoints answer on the address asked (a back channel).
        f"--hostname=http://127.0.0.1:{port}",
        "--hostname-backchannel-dynamic=true",
        # The management interface (health, metrics) would take port 9000 for every stack; nothing here uses it.
        "--health-enabled=false",
        "--metrics-enabled=false",
    ]


def keycloak_environment(java_home: str) -> dict[str, str]:
    return {
        **os.environ,
        "JAVA_HOME": java_home,
        "JAVA_OPTS_KC_HEAP": HEAP,
        "KC_BOOTSTRAP_ADMIN_USERNAME": ADMIN_USER,
        "KC_BOOTSTRAP_ADMIN_PASSWORD": ADMIN_PASSWORD,
    }


class KeycloakServer:
    """One Keycloak in development mode, listening on 127.0.0.1 only, serving the realm `nara`."""

    def __init__(self, layout: StackLayout, record: dict):
        self.layout = layout
        self.record = record.setdefault("keycloak", {})
        self.pid_file = layout.pid_of("keycloak")
        # Set by a start in this command: seconds until the realm answered, and whether Keycloak built first.
        self.started_in: float | None = None
        self.cold_start = False
        self._launched_at: float | None = None

    @property
    def home(self) -> Path:
        return self.layout.state_dir / "keycloak"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.record['port']}"

    @property
    def issuer(self) -> str:
        return f"{self.url}/realms/{REALM}"

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    @property
    def account_console_url(self) -> str:
        return f"{self.issuer}/account"

    @property
    def admin_console_url(self) -> str:
        return f"{self.url}/admin/master/console/"

    def service_environment(self) -> dict[str, str]:
        """Points the services' token checks (nara.shared.identity) at this realm; the audience `nara-api` is
        their default. The development tokens stay accepted outside production. The pages' clients (dev-only
        secrets from the realm file) make the pages log in through Keycloak (nara.shared.web.oidc)."""
        return {
            "NARA_OIDC_ISSUER": self.issuer,
            "NARA_STAFF_OIDC_CLIENT_ID": "nara-staff",
            "NARA_STAFF_OIDC_CLIENT_SECRET": "nara-staff-dev-secret",
            "NARA_CITIZEN_OIDC_CLIENT_ID": "nara-citizen",
            "NARA_CITIZEN_OIDC_CLIENT_SECRET": "nara-citizen-dev-secret",
        }

    def is_running(self) -> bool:
        return read_pid(self.pid_file) is not None

    def start(self) -> float | None:
        """Start Keycloak and wait for the realm's discovery document; returns the seconds that took, or None
        when it already ran. The first start in a home includes Keycloak's build step."""
        self.launch()
        return self.wait()

    def launch(self) -> None:
        """Start the process without waiting, so the stack can start the services meanwhile (see `wait`)."""
        java_home = require_java_home(MIN_JAVA, needed_by="Keycloak")
        distribution = fetch_keycloak(self.layout)
        self.record["distribution"] = str(distribution)
        if self.is_running():
            return
        home = prepare_home(distribution, self.home)
        # The realm is copied at every start, so the server always runs the repository's file.
        (home / "data" / "import").mkdir(parents=True, exist_ok=True)
        shutil.copy2(KEYCLOAK_REALM, home / "data" / "import" / KEYCLOAK_REALM.name)
        if "port" not in self.record or port_is_open(self.record["port"]):
            self.record["port"] = choose_port(DEFAULT_PORT)
        self.cold_start = not (home / BUILT_MARKER).exists()
        self._launched_at = time.monotonic()
        start_detached(
            keycloak_command(home, self.record["port"]),
            env=keycloak_environment(java_home),
            log_file=self.layout.log_of("keycloak"),
            pid_file=self.pid_file,
        )

    def wait(self) -> float | None:
        """Wait for the realm after `launch`; the seconds since the launch, or None when it ran before."""
        if self._launched_at is None:
            return None
        wait_until(self._serves_realm, timeout=300, interval=0.5, what="Keycloak")
        (self.home / BUILT_MARKER).touch()
        keep_build(self.home, Path(self.record["distribution"]))
        self.started_in = time.monotonic() - self._launched_at
        self._launched_at = None
        return self.started_in

    def stop(self) -> bool:
        return stop_group(self.pid_file, grace_seconds=20)

    def version(self) -> str:
        try:
            return (Path(self.record["distribution"]) / "version.txt").read_text().split()[-1]
        except (KeyError, OSError, IndexError):
            return "unknown"

    def _serves_realm(self) -> bool:
        pid = read_pid(self.pid_file)
        if pid is None:
            raise StackError(f"Keycloak exited while starting; see {self.layout.log_of('keycloak')}")
        try:
            if httpx.get(self.discovery_url, timeout=2).status_code != 200:
                return False
        except httpx.HTTPError:
            return False
        # The answer must come from our Keycloak: another stack's, started on the same free port at the same
        # moment, answers too while ours fails to bind and exits.
        return listens_in_group(self.record["port"], pid) is not False
