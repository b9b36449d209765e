"""How tests find real servers: explicit environment, else testcontainers where Docker answers, else our launcher."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import uuid
from collections.abc import Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import httpx
import pytest

from .keycloak import REALM
from .layout import KEYCLOAK_REALM, REPO_ROOT, StackLayout
from .mailpit import MailpitServer
from .postgres import SERVICE_DATABASES
from .services import SERVICES
from .sms_gateway import SmsGatewayStandIn, sms_gateway_standin
from .stack import LocalStack
from .zipkin import ZipkinServer

Answer = TypeVar("Answer")

# Benchmarks set NARA_TEST_STATE_DIR to a stack of their own: what they publish stays off the tests' topics.
TEST_STATE_DIR = Path(os.environ.get("NARA_TEST_STATE_DIR", REPO_ROOT / ".state" / "test-stack"))


@dataclass(frozen=True)
class Infrastructure:
    kafka_bootstrap_servers: str
    database_urls: dict[str, str]  # service name -> URL of that service's own database
    origin: str

    def environment(self) -> dict[str, str]:
        env = {"KAFKA_BOOTSTRAP_SERVERS": self.kafka_bootstrap_servers}
        for spec in SERVICES:
            env[f"{spec.env_prefix}DATABASE_URL"] = self.database_urls[spec.name]
        return env


def _from_environment() -> Infrastructure | None:
    names = ["KAFKA_BOOTSTRAP_SERVERS", *(f"{spec.env_prefix}DATABASE_URL" for spec in SERVICES)]
    if not all(os.environ.get(name) for name in names):
        return None
    return Infrastructure(
        os.environ["KAFKA_BOOTSTRAP_SERVERS"],
        {spec.name: os.environ[f"{spec.env_prefix}DATABASE_URL"] for spec in SERVICES},
        origin="environment",
    )


def docker_answers() -> bool:
    if shutil.which("docker") is None:
        return False
    try:
        return subprocess.run(["docker", "info"], capture_output=True, timeout=10).returncode == 0
    except subprocess.TimeoutExpired:
        return False


@contextmanager
def _from_testcontainers() -> Iterator[Infrastructure]:
    from testcontainers.kafka import KafkaContainer
    from testcontainers.postgres import PostgresContainer

    with KafkaContainer().with_kraft() as kafka, PostgresContainer("postgres:16") as postgres:
        admin = postgres.get_connection_url(driver=None)
        urls = {}
        for service, database in SERVICE_DATABASES.items():
            postgres.exec(["psql", "-U", postgres.username, "-c", f"CREATE DATABASE {database}"])
            urls[service] = admin.rsplit("/", 1)[0] + f"/{database}"
        yield Infrastructure(kafka.get_bootstrap_server(), urls, origin="testcontainers")


@contextmanager
def _from_launcher() -> Iterator[Infrastructure]:
    stack = LocalStack(StackLayout(TEST_STATE_DIR, StackLayout.default().cache_dir))
    started_here = stack.up()
    try:
        yield Infrastructure(
            stack.kafka.bootstrap_servers,
            {spec.name: stack.postgres.database_url(spec.name) for spec in SERVICES},
            origin="launcher",
        )
    finally:
        if started_here:  # leave a stack someone else started running
            stack.down()


@contextmanager
def real_infrastructure() -> Iterator[Infrastructure]:
    explicit = _from_environment()
    if explicit is not None:
        yield explicit
        return
    source = _from_testcontainers if docker_answers() else _from_launcher
    with source() as infrastructure:
        yield infrastructure


@asynccontextmanager
async def scratch_schema(base_url: str, *, prefix: str = "test", with_shared_tables: bool = False):
    """A throwaway schema in a service database, as a URL whose connections use it; dropped afterwards."""
    import asyncpg

    from nara.shared.migrations import SHARED_MIGRATIONS, apply_migrations

    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(base_url)
    await admin.execute(f"CREATE SCHEMA {schema}")
    url = f"{base_url}?search_path={schema}"
    try:
        if with_shared_tables:
            connection = await asyncpg.connect(url)
            await apply_migrations(connection, {"shared": SHARED_MIGRATIONS})
            await connection.close()
        yield url
    finally:
        await admin.execute(f"DROP SCHEMA {schema} CASCADE")
        await admin.close()


@contextmanager
def zipkin_server(state_dir: Path) -> Iterator[ZipkinServer]:
    """A Zipkin of the caller's own on a free port, its log and pid in `state_dir`; stopped afterwards.

    Only the tests that look at traces start one, so the rest of the suite does not wait for it.
    """
    from .processes import free_port

    layout = StackLayout(Path(state_dir), StackLayout.default().cache_dir)
    server = ZipkinServer(layout, {"zipkin": {"port": free_port()}})
    layout.ensure()
    try:
        server.start()
        yield server
    finally:
        server.stop()


@dataclass(frozen=True)
class IdentityProvider:
    """A Keycloak serving the realm `nara` from deploy/keycloak/nara-realm.json."""

    url: str
    origin: str

    @property
    def issuer(self) -> str:
        return f"{self.url}/realms/{REALM}"

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"

    def client_settings(self, *clients: str) -> dict[str, str]:
        """The settings that point a service at this provider with the realm's clients ("staff", "citizen")."""
        settings = {"NARA_OIDC_ISSUER": self.issuer}
        for client in clients:
            settings[f"NARA_{client.upper()}_OIDC_CLIENT_ID"] = f"nara-{client}"
            settings[f"NARA_{client.upper()}_OIDC_CLIENT_SECRET"] = f"nara-{client}-dev-secret"
        return settings

    def password_grant(self, client_id: str, username: str, password: str | None = None) -> httpx.Response:
        """The token endpoint's answer for a test user (the realm file's password unless given): the development
        realm allows the password grant so that API tests and scripts get real tokens."""
        realm = json.loads(KEYCLOAK_REALM.read_text())
        secrets = {client["clientId"]: client.get("secret", "") for client in realm["clients"]}
        passwords = {user["username"]: user["credentials"][0]["value"] for user in realm["users"]}
        return httpx.post(
            f"{self.issuer}/protocol/openid-connect/token",
            data={
                "grant_type": "password",
                "client_id": client_id,
                "client_secret": secrets[client_id],
                "username": username,
                "password": passwords[username] if password is None else password,
                "scope": "openid",
            },
            timeout=30,
        )


@contextmanager
def keycloak_server() -> Iterator[IdentityProvider]:
    """NARA_TEST_KEYCLOAK_URL's Keycloak (e.g. docker-compose's), else the test stack's own: started when it does
    not run, and then stopped afterwards. Its home stays in the test stack's folder, so only the first start on
    a machine pays Keycloak's build step."""
    explicit = os.environ.get("NARA_TEST_KEYCLOAK_URL")
    if explicit:
        yield IdentityProvider(explicit.rstrip("/"), origin="environment")
        return
    stack = LocalStack(StackLayout(TEST_STATE_DIR, StackLayout.default().cache_dir))
    started_here = not stack.keycloak.is_running()
    stack.start_identity_provider()
    try:
        yield IdentityProvider(stack.keycloak.url, origin="launcher")
    finally:
        if started_here:  # leave a Keycloak someone else started running
            stack.keycloak.stop()


@pytest.fixture(scope="session")
def identity_provider() -> Iterator[IdentityProvider]:
    """The real Keycloak, started once per test session and only when a test asks for it."""
    if os.environ.get("NARA_UNIT_STAGE"):
        pytest.fail("a unit test asked for Keycloak: it belongs in an integration/ folder")
    with keycloak_server() as provider:
        yield provider


@dataclass(frozen=True)
class MailServer:
    """A Mailpit: SMTP for the code under test, its API (`/api/v1`) to read what arrived."""

    smtp_host: str
    smtp_port: int
    url: str
    origin: str

    def smtp_settings(self, **overrides: str) -> dict[str, str]:
        """NARA_SMTP_* pointing a sender (nara.shared.messaging) at this server."""
        return {
            "NARA_SMTP_HOST": self.smtp_host,
            "NARA_SMTP_PORT": str(self.smtp_port),
            "NARA_SMTP_STARTTLS": "false",
            **overrides,
        }

    def messages_to(self, address: str) -> list[dict]:
        """The summaries (Mailpit's `/api/v1/search`) of the messages to `address`, newest first. Tests share the
        server, so each writes to an address of its own rather than emptying the inbox."""
        answer = httpx.get(f"{self.url}/api/v1/search", params={"query": f'to:"{address}"'}, timeout=10)
        answer.raise_for_status()
        return list(answer.json()["messages"])

    def message(self, mailpit_id: str) -> dict:
        """One message in full (`/api/v1/message/{ID}`): headers parsed, `Text` the decoded plain-text body."""
        answer = httpx.get(f"{self.url}/api/v1/message/{mailpit_id}", timeout=10)
        answer.raise_for_status()
        return dict(answer.json())

    def headers(self, mailpit_id: str) -> dict[str, list[str]]:
        answer = httpx.get(f"{self.url}/api/v1/message/{mailpit_id}/headers", timeout=10)
        answer.raise_for_status()
        return dict(answer.json())

    def raw(self, mailpit_id: str) -> bytes:
        """The message exactly as it arrived over SMTP."""
        answer = httpx.get(f"{self.url}/api/v1/message/{mailpit_id}/raw", timeout=10)
        answer.raise_for_status()
        return answer.content


@contextmanager
def mailpit_server() -> Iterator[MailServer]:
    """NARA_TEST_MAILPIT_URL's Mailpit with its SMTP at NARA_TEST_MAILPIT_SMTP (host:port; e.g. docker-compose's),
    else the test stack's own on free ports: built once per machine, started when it does not run, stopped
    afterwards."""
    explicit = os.environ.get("NARA_TEST_MAILPIT_URL")
    if explicit:
        host, _, port = os.environ.get("NARA_TEST_MAILPIT_SMTP", "127.0.0.1:1025").rpartition(":")
        yield MailServer(host, int(port), explicit.rstrip("/"), origin="environment")
        return
    stack = LocalStack(StackLayout(TEST_STATE_DIR, StackLayout.default().cache_dir))
    started_here = not stack.mailpit.is_running()
    server: MailpitServer = stack.start_mail_server(preferred_ports=False)
    try:
        yield MailServer("127.0.0.1", server.smtp_port, server.url, origin="launcher")
    finally:
        if started_here:  # leave a Mailpit someone else started running
            server.stop()


@pytest.fixture(scope="session")
def mail_server() -> Iterator[MailServer]:
    """The real Mailpit, started once per test session and only when a test asks for it."""
    if os.environ.get("NARA_UNIT_STAGE"):
        pytest.fail("a unit test asked for Mailpit: it belongs in an integration/ folder")
    with mailpit_server() as server:
        yield server


@pytest.fixture
def sms_gateway() -> Iterator[SmsGatewayStandIn]:
    """A stand-in for 46elks' SMS API on a free loopback port, of the test's own (see nara.devstack.sms_gateway)."""
    with sms_gateway_standin() as gateway:
        yield gateway


@contextmanager
def service_process(
    service: str,
    infrastructure: Infrastructure,
    database_url: str,
    extra_env: dict[str, str],
    log_dir,
    *,
    port: int | None = None,
) -> Iterator[str]:
    """One real service process on `port` (else a free one), against the given database; yields its base URL.
    A port chosen beforehand lets two services that call each other know each other's address."""
    import sys
    import time

    import httpx

    from .processes import free_port

    spec = next(s for s in SERVICES if s.name == service)
    port = port or free_port()
    env = {
        **os.environ,
        **infrastructure.environment(),
        f"{spec.env_prefix}DATABASE_URL": database_url,
        f"{spec.env_prefix}PORT": str(port),
        **extra_env,
    }
    url = f"http://127.0.0.1:{port}"
    with open(log_dir / f"{service}.log", "ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", spec.module, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + 90
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"{service} exited at start; see {log_dir / f'{service}.log'}")
                try:
                    if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{service} did not become ready; see {log_dir / f'{service}.log'}")
                time.sleep(0.3)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


async def eventually(
    probe: Callable[[], Awaitable[Answer]], *, what: str, within_seconds: float = 60, every_seconds: float = 0.1
) -> Answer:
    """The first truthy answer of `probe`, asked every `every_seconds`; fails after `within_seconds`.

    For state another process changes (a row, a Kafka offset, a service's answer): nothing in this process
    could announce it, so asking again is the only way to see it."""
    try:
        async with asyncio.timeout(within_seconds):
            while True:
                if answer := await probe():
                    return answer
                await asyncio.sleep(every_seconds)
    except TimeoutError:
        raise AssertionError(f"{what}: not within {within_seconds:g} s") from None
