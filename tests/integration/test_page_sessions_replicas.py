"""Two booking processes on one database, as two replicas behind a load balancer, with the real Keycloak: a
citizen who logged in on one is known on the other, a logout on one ends the session on both, the session
outlives a restart of every process, and an idle session is refused and forgotten.

The browser is played by hand: one httpx client for the two processes (cookies go by host, not port, as in a
browser behind one address), another for Keycloak's own login form."""

from __future__ import annotations

import html
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg
import httpx
import pytest

from nara.devstack.processes import free_port
from nara.devstack.testing import IdentityProvider, scratch_schema, service_process

CITIZEN = "19850709-9805"  # Karin Berg in the realm file


@pytest.fixture(scope="module")
async def schema(infrastructure):
    async with scratch_schema(infrastructure.database_urls["booking"], prefix="replicas") as url:
        yield url


@pytest.fixture(scope="module")
def replica_env(identity_provider: IdentityProvider) -> dict[str, str]:
    return {
        "BOOKING_LOAD_DEMO_DATA": "true",
        "BOOKING_CONTACTS_CONSUMER_GROUP": f"booking-replicas-{uuid.uuid4().hex[:8]}",
        "BOOKING_TRIAGE_URL": f"http://127.0.0.1:{free_port()}",  # nothing is booked here
        "BOOKING_PAGES_SECRET": "one-key-for-every-replica",  # the cookie signed on one is taken by the other
        "NARA_OIDC_ISSUER": identity_provider.issuer,
        "NARA_CITIZEN_OIDC_CLIENT_ID": "nara-citizen",
        "NARA_CITIZEN_OIDC_CLIENT_SECRET": "nara-citizen-dev-secret",
    }


@pytest.fixture(scope="module")
def log_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("replicas")


@contextmanager
def replica(infrastructure, schema: str, env: dict[str, str], log_dir: Path) -> Iterator[str]:
    with service_process("booking", infrastructure, schema, env, log_dir) as base:
        yield base


@pytest.fixture(scope="module")
def two_replicas(infrastructure, schema, replica_env, log_dir) -> Iterator[tuple[str, str]]:
    with (
        replica(infrastructure, schema, replica_env, log_dir) as one,
        replica(infrastructure, schema, replica_env, log_dir) as other,
    ):
        yield one, other


def provider_browser() -> httpx.Client:
    """A browser at Keycloak. Its cookies are Secure and of version 1: a browser sends them to 127.0.0.1 over
    http, httpx's cookie jar does not, so they are kept by hand (one realm, one path)."""
    kept: dict[str, str] = {}

    def remember(response: httpx.Response) -> None:
        for header in response.headers.get_list("set-cookie"):
            name, _, rest = header.partition("=")
            if "max-age=0" in header.lower():
                kept.pop(name, None)
            else:
                kept[name] = rest.split(";", 1)[0]

    def send(request: httpx.Request) -> None:
        if kept:
            request.headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in kept.items())

    return httpx.Client(timeout=30, event_hooks={"request": [send], "response": [remember]})


def log_in(browser: httpx.Client, base: str) -> None:
    """Open a page on `base` logged out, log in at Keycloak's own form, and come back logged in."""
    login = browser.get(f"{base}/mina-tider")
    assert login.status_code == 303, login.text
    to_provider = browser.get(f"{base}{login.headers['location']}")
    assert to_provider.status_code == 303, to_provider.text
    with provider_browser() as provider:
        form = provider.get(to_provider.headers["location"])
        assert form.status_code == 200, form.text
        action = html.unescape(re.search(r'id="kc-form-login"[^>]*action="([^"]+)"', form.text, re.S).group(1))
        answer = provider.post(action, data={"username": CITIZEN, "password": "nara-dev"})
        assert answer.status_code == 302, answer.text
    landing = browser.get(answer.headers["location"])
    assert landing.status_code == 200, landing.text


def log_out(browser: httpx.Client, base: str, csrf: str) -> httpx.Response:
    return browser.post(f"{base}/logga-ut", data={"csrf": csrf})


def my_times(browser: httpx.Client, base: str) -> httpx.Response:
    return browser.get(f"{base}/mina-tider")


def is_logged_in(browser: httpx.Client, base: str) -> bool:
    page = my_times(browser, base)
    assert page.status_code in (200, 303), page.text
    return page.status_code == 200 and "Karin Berg" in page.text


async def session_rows(schema: str) -> int:
    connection = await asyncpg.connect(schema)
    try:
        return int(await connection.fetchval("SELECT count(*) FROM page_sessions WHERE login = 'nara_session'"))
    finally:
        await connection.close()


async def test_a_session_outlives_a_restart_of_every_replica(infrastructure, schema, replica_env, log_dir):
    with httpx.Client(timeout=30) as browser:
        with replica(infrastructure, schema, replica_env, log_dir) as before:
            log_in(browser, before)
            assert is_logged_in(browser, before)

        # Runs before the module's two replicas start: no process that saw the login is left.
        with replica(infrastructure, schema, replica_env, log_dir) as after:  # a deploy: a new process, a new port
            assert is_logged_in(browser, after)


async def test_a_login_on_one_replica_counts_on_the_other_and_a_logout_on_either_ends_it(two_replicas, schema):
    one, other = two_replicas
    with httpx.Client(timeout=30) as browser:
        log_in(browser, one)

        assert is_logged_in(browser, one)
        assert is_logged_in(browser, other)

        cookie = browser.cookies.get("nara_session")
        rows = await session_rows(schema)
        csrf = re.search(r'name="csrf" value="([^"]+)"', my_times(browser, one).text).group(1)
        bye = log_out(browser, other, csrf)  # the form from one, sent to the other
        assert bye.status_code == 200, bye.text

        with httpx.Client(timeout=30, cookies={"nara_session": cookie}) as kept_cookie:  # kept by someone: no use
            assert not is_logged_in(kept_cookie, one)
            assert not is_logged_in(kept_cookie, other)
    assert await session_rows(schema) == rows - 1  # the row went with the logout


async def test_an_idle_session_is_refused_on_every_replica_and_its_row_forgotten(two_replicas, schema):
    one, other = two_replicas
    with httpx.Client(timeout=30) as browser:
        log_in(browser, one)
        assert is_logged_in(browser, other)
        rows = await session_rows(schema)
        connection = await asyncpg.connect(schema)
        try:  # the last page view 31 minutes ago: past the default idle time of 30
            await connection.execute(
                "UPDATE page_sessions SET seen = seen - interval '31 minutes' WHERE seen > now() - interval '1 minute'"
            )
        finally:
            await connection.close()

        assert not is_logged_in(browser, other)
        assert await session_rows(schema) == rows - 1
        assert not is_logged_in(browser, one)
