"""A real PostgreSQL server from the OS's binaries, with one database and role per service."""

from __future__ import annotations

import glob
import hashlib
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from pathlib import Path

import asyncpg

from .errors import StackError
from .layout import StackLayout
from .processes import choose_port, port_is_open, run_coroutine, wait_until

SERVICE_DATABASES = {"booking": "booking", "triage": "triage", "guarantee-monitor": "guarantee_monitor"}
SUPERUSER = "nara_admin"


def find_server_binaries(install_if_missing: bool = True) -> Path:
    """The folder holding initdb and pg_ctl, installing Debian's postgresql package when it is missing."""
    found = _newest_server_bin()
    if found is None and install_if_missing:
        _apt_install_postgresql()
        found = _newest_server_bin()
    if found is None:
        raise StackError(
            "PostgreSQL's server binaries (initdb, pg_ctl) were not found. "
            "Install them with 'sudo apt-get install postgresql' and run the command again."
        )
    return found


def _newest_server_bin() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if candidates:
        return Path(candidates[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).resolve().parent if on_path else None


def _apt_install_postgresql() -> None:
    if shutil.which("apt-get") is None:
        raise StackError("PostgreSQL is missing and this machine has no apt-get: install a PostgreSQL 14+ server.")
    if os.geteuid() != 0:
        raise StackError("PostgreSQL is missing. Install it with 'sudo apt-get install postgresql', then retry.")
    print("Installing PostgreSQL from the OS packages (apt-get install postgresql)...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    # Keep the package from starting its own cluster on 5432: the stack runs its own.
    policy = Path("/usr/sbin/policy-rc.d")
    added_policy = not policy.exists()
    if added_policy:
        policy.write_text("#!/bin/sh\nexit 101\n")
        policy.chmod(0o755)
    try:
        for command in (["apt-get", "update", "-qq"], ["apt-get", "install", "-y", "-qq", "postgresql"]):
            result = subprocess.run(command, env=env, capture_output=True, text=True)
            if result.returncode != 0:
                raise StackError(f"'{' '.join(command)}' failed:\n{result.stderr[-2000:]}")
    finally:
        if added_policy:
            policy.unlink(missing_ok=True)


class PostgresServer:
    """One PostgreSQL cluster owned by this stack."""

    def __init__(self, layout: StackLayout, record: dict):
        self.layout = layout
        self.record = record.setdefault("postgres", {})

    @property
    def port(self) -> int:
        return self.record["port"]

    def database_url(self, service: str) -> str:
        database = SERVICE_DATABASES[service]
        password = self.record["passwords"][database]
        return f"postgresql://{database}:{password}@127.0.0.1:{self.port}/{database}"

    def admin_url(self) -> str:
        return f"postgresql://{SUPERUSER}:{self.record['passwords'][SUPERUSER]}@127.0.0.1:{self.port}/postgres"

    def is_running(self) -> bool:
        data_dir = self.record.get("data_dir")
        if not data_dir:
            return False
        result = self._pg_ctl("status", check=False)
        return result.returncode == 0

    def start(self) -> None:
        bin_dir = find_server_binaries()
        self.record["bin_dir"] = str(bin_dir)
        if "data_dir" not in self.record:
            self._init_cluster(bin_dir)
        if self.is_running():
            return
        if port_is_open(self.port):  # taken since last time by something else: any free port will do
            self.record["port"] = choose_port(5432)
        log = Path(self.record["log_file"])
        log.touch()
        self._chown_to_server_user(log)
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories='' "
            "-c max_connections=400 -c shared_buffers=128MB"
        )
        self._pg_ctl("start", "-w", "-t", "60", "-l", str(log), "-o", options)
        wait_until(lambda: port_is_open(self.port), timeout=30, what="PostgreSQL")
        run_coroutine(self._ensure_service_databases())

    def stop(self) -> bool:
        if not self.record.get("data_dir") or not self.is_running():
            return False
        self._pg_ctl("stop", "-w", "-t", "60", "-m", "fast")
        return True

    def version(self) -> str:
        result = subprocess.run(
            [str(Path(self.record["bin_dir"]) / "postgres"), "--version"], capture_output=True, text=True
        )
        return result.stdout.strip()

    def _init_cluster(self, bin_dir: Path) -> None:
        base_dir = self._choose_base_dir()
        data_dir = base_dir / "data"
        passwords = {SUPERUSER: secrets.token_urlsafe(18)}
        passwords.update({db: secrets.token_urlsafe(18) for db in SERVICE_DATABASES.values()})
        with tempfile.NamedTemporaryFile("w", delete=False) as pwfile:
            pwfile.write(passwords[SUPERUSER])
        self._chown_to_server_user(Path(pwfile.name))
        try:
            self._run_as_server_user(
                [
                    str(bin_dir / "initdb"),
                    "-D",
                    str(data_dir),
                    "-U",
                    SUPERUSER,
                    "-E",
                    "UTF8",
                    "--no-locale",
                    "--auth-local=peer",
                    "--auth-host=scram-sha-256",
                    f"--pwfile={pwfile.name}",
                ]
            )
        finally:
            os.unlink(pwfile.name)
        self.record.update(
            data_dir=str(data_dir), log_file=str(base_dir / "postgres.log"), port=choose_port(5432), passwords=passwords
        )
        self.layout.save_record(self._whole_record())

    def _choose_base_dir(self) -> Path:
        """The stack's own folder; when running as root, one the postgres user can actually reach."""
        preferred = self.layout.state_dir / "postgres"
        preferred.mkdir(parents=True, exist_ok=True)
        if os.geteuid() != 0:
            return preferred
        self._chown_to_server_user(preferred)
        reachable = subprocess.run(["runuser", "-u", "postgres", "--", "test", "-w", str(preferred)]).returncode == 0
        if reachable:
            return preferred
        # The checkout sits below a folder the postgres user cannot enter (a private temp dir, say).
        digest = hashlib.sha1(str(self.layout.state_dir).encode(), usedforsecurity=False).hexdigest()[:12]
        fallback = Path("/var/lib/nara") / digest
        fallback.mkdir(parents=True, exist_ok=True)
        self._chown_to_server_user(fallback)
        print(f"PostgreSQL data goes to {fallback}: the postgres user cannot reach {preferred}.", flush=True)
        return fallback

    def _whole_record(self) -> dict:
        record = self.layout.load_record()
        record["postgres"] = self.record
        return record

    async def _ensure_service_databases(self) -> None:
        connection = await asyncpg.connect(self.admin_url())
        try:
            for database in SERVICE_DATABASES.values():
                password = self.record["passwords"][database]
                if not await connection.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", database):
                    await connection.execute(f"CREATE ROLE {database} LOGIN PASSWORD '{password}'")
                if not await connection.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", database):
                    await connection.execute(f"CREATE DATABASE {database} OWNER {database}")
        finally:
            await connection.close()

    def _pg_ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = [str(Path(self.record["bin_dir"]) / "pg_ctl"), "-D", self.record["data_dir"], *args]
        return self._run_as_server_user(command, check=check)

    @staticmethod
    def _run_as_server_user(command: list[str], check: bool = True) -> subprocess.CompletedProcess:
        # PostgreSQL refuses to run as root; as root we run it as the OS package's postgres user.
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, stdin=subprocess.DEVNULL)
        if check and result.returncode != 0:
            raise StackError(f"PostgreSQL command failed: {' '.join(command)}\n{result.stdout}{result.stderr}")
        return result

    @staticmethod
    def _chown_to_server_user(path: Path) -> None:
        if os.geteuid() != 0:
            return
        try:
            server_user = pwd.getpwnam("postgres")
        except KeyError as missing:
            raise StackError("Running as root needs the 'postgres' OS user that Debian's package creates.") from missing
        os.chown(path, server_user.pw_uid, server_user.pw_gid)
