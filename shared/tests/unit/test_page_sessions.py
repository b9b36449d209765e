"""The page sessions' rules without a database: the stored key is a hash, both timeouts end a session on read,
`seen` is written about once a minute, the stored contents
open only with the browser's id, a refresh runs once however many ask; the timeouts as settings; and a
production app with the provider refuses to start without its pages' signing key."""

from __future__ import annotations

import asyncio
import hashlib
import logging
from datetime import UTC, datetime, timedelta

import pytest

from nara.shared.identity import Caller, IdentitySettings, Role
from nara.shared.web.login import StaffLogin
from nara.shared.web.page_session_sealing import caller_of, seal, unseal
from nara.shared.web.page_session_settings import (
    PageSessionConfigurationError,
    read_page_session_settings,
    require_signing_key,
)
from nara.shared.web.page_sessions import (
    MemorySessions,
    ProviderSession,
    SessionTimeouts,
    needs_refresh,
    session_key,
)
from nara.shared.web.pages import PageKit, Site
from nara.shared.web.routing import PageRoute

T0 = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
TIMEOUTS = SessionTimeouts(idle=timedelta(minutes=30), absolute=timedelta(hours=10))
CALLER = Caller(subject="SE2321000115-P000000301", role=Role.OPS, units=("SE2321000115-E00000000011",))


def session(session_id: str = "the-browsers-id", *, started: datetime = T0, expires_at: float | None = None):
    expiry = expires_at if expires_at is not None else (T0 + timedelta(minutes=5)).timestamp()
    return ProviderSession(session_id, CALLER, "Olle Drift", "access", "refresh", "id", expiry, started, started)


@pytest.mark.unit
def test_the_store_keys_a_session_by_the_sha256_of_its_id_never_the_id():
    assert session_key("the-browsers-id") == hashlib.sha256(b"the-browsers-id").digest()
    assert session_key("the-browsers-id") != session_key("another-id")
    assert b"the-browsers-id" not in session_key("the-browsers-id")


@pytest.mark.unit
async def test_a_read_after_the_idle_time_refuses_the_session_and_forgets_it():
    store = MemorySessions(TIMEOUTS)
    await store.add(session())

    assert await store.read("the-browsers-id", T0 + timedelta(minutes=29)) is not None
    assert await store.read("the-browsers-id", T0 + timedelta(minutes=29, seconds=59) + TIMEOUTS.idle) is None
    assert await store.remove("the-browsers-id") is None  # gone, not only refused


@pytest.mark.unit
async def test_a_read_after_the_absolute_time_refuses_the_session_however_busy():
    store = MemorySessions(TIMEOUTS)
    await store.add(session())
    for minutes in range(0, 600, 20):  # a page every 20 minutes for ten hours
        assert await store.read("the-browsers-id", T0 + timedelta(minutes=minutes)) is not None

    assert await store.read("the-browsers-id", T0 + timedelta(hours=10)) is None


@pytest.mark.unit
async def test_seen_is_written_about_once_a_minute_and_a_page_view_keeps_the_session():
    store = MemorySessions(TIMEOUTS)
    await store.add(session())

    assert (await store.read("the-browsers-id", T0 + timedelta(seconds=30))).seen == T0  # type: ignore[union-attr]
    assert (await store.read("the-browsers-id", T0 + timedelta(minutes=20))).seen == T0 + timedelta(minutes=20)  # type: ignore[union-attr]
    assert await store.read("the-browsers-id", T0 + timedelta(minutes=45)) is not None  # idle since 20 min


@pytest.mark.unit
def test_the_access_token_is_refreshed_within_half_a_minute_of_running_out():
    runs_out = (T0 + timedelta(minutes=5)).timestamp()

    assert not needs_refresh(session(expires_at=runs_out), T0 + timedelta(minutes=4))
    assert needs_refresh(session(expires_at=runs_out), T0 + timedelta(minutes=4, seconds=30))


@pytest.mark.unit
async def test_two_refreshes_at_once_ask_the_provider_once_and_both_get_the_new_tokens():
    store = MemorySessions(TIMEOUTS)
    await store.add(session(expires_at=T0.timestamp()))
    now = T0 + timedelta(seconds=10)
    asked = []
    rotated = "the-provider-rotated-it"

    async def renew(stale: ProviderSession) -> ProviderSession:
        asked.append(stale.refresh_token)
        await asyncio.sleep(0.01)  # the provider's answer takes a while: the other request comes meanwhile
        return ProviderSession(**{**stale.__dict__, "refresh_token": rotated, "expires_at": now.timestamp() + 300})

    first, second = await asyncio.gather(
        store.refresh("the-browsers-id", now, renew), store.refresh("the-browsers-id", now, renew)
    )

    assert asked == ["refresh"]
    assert first is not None and second is not None
    assert first.refresh_token == second.refresh_token == rotated


@pytest.mark.unit
async def test_a_refresh_the_provider_refuses_ends_the_session():
    store = MemorySessions(TIMEOUTS)
    await store.add(session(expires_at=T0.timestamp()))

    async def refused(stale: ProviderSession) -> None:
        return None

    assert await store.refresh("the-browsers-id", T0, refused) is None
    assert await store.read("the-browsers-id", T0) is None


@pytest.mark.unit
def test_the_timeouts_come_from_the_environment_or_a_settings_file(monkeypatch, tmp_path):
    for name in ("NARA_PAGE_SESSION_IDLE_MINUTES", "NARA_PAGE_SESSION_ABSOLUTE_HOURS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NARA_SETTINGS_DIR", str(tmp_path))
    assert read_page_session_settings().timeouts == SessionTimeouts(timedelta(minutes=30), timedelta(hours=10))

    (tmp_path / "NARA_PAGE_SESSION_ABSOLUTE_HOURS").write_text("8\n")
    monkeypatch.setenv("NARA_PAGE_SESSION_IDLE_MINUTES", "15")

    assert read_page_session_settings().timeouts == SessionTimeouts(timedelta(minutes=15), timedelta(hours=8))


@pytest.mark.unit
@pytest.mark.parametrize(
    ("idle", "absolute", "says"),
    [
        ("0", "10", "must be positive"),
        ("30", "-1", "must be positive"),
        ("121", "2", "must not be longer than NARA_PAGE_SESSION_ABSOLUTE_HOURS"),
        ("soon", "10", "NARA_PAGE_SESSION_IDLE_MINUTES"),
    ],
)
def test_timeouts_that_do_not_hold_stop_the_start_with_a_clear_error(monkeypatch, idle, absolute, says):
    monkeypatch.delenv("NARA_SETTINGS_DIR", raising=False)
    monkeypatch.setenv("NARA_PAGE_SESSION_IDLE_MINUTES", idle)
    monkeypatch.setenv("NARA_PAGE_SESSION_ABSOLUTE_HOURS", absolute)

    with pytest.raises(PageSessionConfigurationError, match=says):
        read_page_session_settings()


PRODUCTION = IdentitySettings(environment="production", oidc_issuer="https://idp.example.se/realms/nara")


@pytest.mark.unit
def test_production_with_the_provider_needs_the_pages_signing_key_and_the_log_names_it(monkeypatch, caplog):
    monkeypatch.delenv("NARA_OPS_TEST_SECRET", raising=False)
    monkeypatch.delenv("NARA_SETTINGS_DIR", raising=False)

    with caplog.at_level(logging.ERROR), pytest.raises(PageSessionConfigurationError, match="NARA_OPS_TEST_SECRET"):
        require_signing_key("NARA_OPS_TEST_SECRET", PRODUCTION)
    assert "NARA_OPS_TEST_SECRET is not set" in caplog.text

    monkeypatch.setenv("NARA_OPS_TEST_SECRET", "one-key-for-every-replica")
    require_signing_key("NARA_OPS_TEST_SECRET", PRODUCTION)
    monkeypatch.delenv("NARA_OPS_TEST_SECRET")
    require_signing_key("NARA_OPS_TEST_SECRET", IdentitySettings(oidc_issuer=PRODUCTION.oidc_issuer))  # development


@pytest.mark.unit
def test_a_production_staff_app_without_its_signing_key_stops_as_its_routes_are_built(monkeypatch, tmp_path):
    login = StaffLogin(
        home="/ops",
        cookie="nara_ops_test",
        key_variable="NARA_OPS_TEST_SECRET",
        units={"SE2321000115-E00000000011": "Vårdcentralen Falkenberg"},
        roles={"ops": "drift"},
        example_hsa_id="SE2321000115-P000000301",
    )
    kit = PageKit(tmp_path, Site(name="Nära", product="drift", home="/ops"))
    monkeypatch.delenv("NARA_OPS_TEST_SECRET", raising=False)
    monkeypatch.setenv("NARA_SETTINGS_DIR", str(tmp_path))
    monkeypatch.setenv("NARA_ENVIRONMENT", "production")
    monkeypatch.setenv("NARA_OIDC_ISSUER", "https://idp.example.se/realms/nara")

    with pytest.raises(PageSessionConfigurationError, match="NARA_OPS_TEST_SECRET is not set"):
        login.router(kit, PageRoute)

    (tmp_path / "NARA_OPS_TEST_SECRET").write_text("from-a-secret\n")
    assert login.router(kit, PageRoute).routes


@pytest.mark.unit
def test_a_sealed_session_opens_only_with_its_own_id_and_login():
    sealed = seal(session(), "nara_ops")

    opened = unseal("the-browsers-id", "nara_ops", sealed)
    assert opened is not None
    assert (caller_of(opened), opened["name"], opened["refresh_token"]) == (CALLER, "Olle Drift", "refresh")
    assert unseal("another-id", "nara_ops", sealed) is None
    assert unseal("the-browsers-id", "nara_console", sealed) is None  # another app's login
    assert unseal("the-browsers-id", "nara_ops", sealed[:-1] + bytes([sealed[-1] ^ 1])) is None  # altered
    assert b"Olle Drift" not in sealed and CALLER.subject.encode() not in sealed
    assert seal(session(), "nara_ops") != sealed  # a fresh nonce every time
