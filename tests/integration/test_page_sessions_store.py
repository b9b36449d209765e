"""The page sessions in the real PostgreSQL (shared migration 0009), as two replicas see them: each has its own
pool on one schema. A refresh two replicas start at once asks the provider once and stores that answer; the
row holds the session id's SHA-256 and
sealed contents only; an ended row is refused on read and forgotten in the background."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import asyncpg
import pytest

from nara.shared.identity import Caller, Role
from nara.shared.retention import keep_forgetting
from nara.shared.web.page_sessions import ProviderSession, SessionTimeouts
from nara.shared.web.page_sessions_postgres import PostgresSessions

TIMEOUTS = SessionTimeouts(idle=timedelta(minutes=30), absolute=timedelta(hours=10))
CALLER = Caller(subject="SE2321000115-P000000301", role=Role.OPS, units=("SE2321000115-E00000000011",))
SESSION_ID = "the-random-id-only-the-browser-holds"


def session(now: datetime, *, expires_at: float) -> ProviderSession:
    return ProviderSession(SESSION_ID, CALLER, "Olle Drift", "access-1", "refresh-1", "id-token", expires_at, now, now)


@pytest.fixture
async def two_replicas(backbone_database):
    first, second = await asyncpg.create_pool(backbone_database), await asyncpg.create_pool(backbone_database)
    try:
        yield PostgresSessions(first, "nara_ops", TIMEOUTS), PostgresSessions(second, "nara_ops", TIMEOUTS)
    finally:
        await first.close()
        await second.close()


async def test_what_one_replica_stores_the_other_reads_and_a_logout_on_either_ends_it(two_replicas):
    one, other = two_replicas
    now = datetime.now(UTC)
    await one.add(session(now, expires_at=now.timestamp() + 300))

    found = await other.read(SESSION_ID, now + timedelta(minutes=5))

    assert found is not None
    assert (found.caller, found.name, found.access_token, found.refresh_token) == (
        CALLER,
        "Olle Drift",
        "access-1",
        "refresh-1",
    )
    assert await PostgresSessions(one.pool, "nara_console", TIMEOUTS).read(SESSION_ID, now) is None  # another app's
    assert await other.remove(SESSION_ID) is not None
    assert await one.read(SESSION_ID, now) is None


async def test_the_row_holds_the_sha256_of_the_session_id_and_names_nobody_and_no_token(two_replicas):
    one, _ = two_replicas
    now = datetime.now(UTC)
    await one.add(session(now, expires_at=now.timestamp() + 300))

    row = await one.pool.fetchrow("SELECT * FROM page_sessions")

    assert bytes(row["id_hash"]) == hashlib.sha256(SESSION_ID.encode()).digest()
    everything = " ".join(str(value) for value in row.values()) + bytes(row["sealed"]).decode("latin-1")
    for secret in (SESSION_ID, CALLER.subject, "Olle Drift", "access-1", "refresh-1", "id-token"):
        assert secret not in everything


async def test_two_replicas_refreshing_one_session_at_once_ask_the_provider_once_and_store_its_answer(two_replicas):
    one, other = two_replicas
    now = datetime.now(UTC)
    await one.add(session(now, expires_at=now.timestamp()))  # the access token has run out
    sent = []

    async def provider_refresh(stale: ProviderSession) -> ProviderSession:
        sent.append(stale.refresh_token)
        await asyncio.sleep(0.3)  # the provider takes its time: the other replica asks meanwhile
        number = len(sent) + 1
        return ProviderSession(
            **{
                **stale.__dict__,
                "access_token": f"access-{number}",
                "refresh_token": f"refresh-{number}",
                "expires_at": now.timestamp() + 300,
            }
        )

    answers = await asyncio.gather(
        one.refresh(SESSION_ID, now, provider_refresh), other.refresh(SESSION_ID, now, provider_refresh)
    )

    assert sent == ["refresh-1"]  # a used-up refresh token was never sent again
    assert [answer.refresh_token for answer in answers if answer] == ["refresh-2", "refresh-2"]
    stored = await other.read(SESSION_ID, now)
    assert stored is not None and (stored.access_token, stored.refresh_token) == ("access-2", "refresh-2")


async def test_a_refresh_the_provider_refuses_ends_the_session_for_every_replica(two_replicas):
    one, other = two_replicas
    now = datetime.now(UTC)
    await one.add(session(now, expires_at=now.timestamp()))

    async def refused(stale: ProviderSession) -> None:
        return None

    assert await one.refresh(SESSION_ID, now, refused) is None
    assert await other.read(SESSION_ID, now) is None


async def test_a_page_view_moves_seen_about_once_a_minute_and_an_idle_row_is_refused_and_deleted(two_replicas):
    one, other = two_replicas
    now = datetime.now(UTC)
    await one.add(session(now, expires_at=now.timestamp() + 300))

    await other.read(SESSION_ID, now + timedelta(seconds=20))
    assert await one.pool.fetchval("SELECT seen FROM page_sessions") == now  # not written: within the minute
    await other.read(SESSION_ID, now + timedelta(minutes=20))
    assert await one.pool.fetchval("SELECT seen FROM page_sessions") == now + timedelta(minutes=20)
    assert await one.pool.fetchval("SELECT ends_at FROM page_sessions") == now + timedelta(minutes=50)

    assert await one.read(SESSION_ID, now + timedelta(minutes=50)) is None
    assert await one.pool.fetchval("SELECT count(*) FROM page_sessions") == 0


async def test_the_background_task_forgets_sessions_that_have_ended(two_replicas):
    one, _ = two_replicas
    now = datetime.now(UTC)
    await one.add(session(now - timedelta(hours=1), expires_at=now.timestamp()))  # idle for an hour
    alive = ProviderSession(**{**session(now, expires_at=now.timestamp()).__dict__, "id": "another-browser"})
    await one.add(alive)
    forget = keep_forgetting("page_sessions", "ends_at", timedelta(0), now=lambda _: datetime.now(UTC))

    task = asyncio.create_task(forget(SimpleNamespace(state=SimpleNamespace(pool=one.pool))))  # type: ignore[arg-type]
    try:
        for _ in range(50):
            if await one.pool.fetchval("SELECT count(*) FROM page_sessions") == 1:
                break
            await asyncio.sleep(0.1)
    finally:
        task.cancel()

    assert await one.read("another-browser", now) is not None
    assert await one.read(SESSION_ID, now - timedelta(minutes=59)) is None  # gone, whatever the clock says
