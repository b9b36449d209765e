"""The provider login's server-side sessions: what one holds, when it ends, and the store that keeps them.

Every replica of an app reads the same store (PostgreSQL, nara.shared.web.page_sessions_postgres), so a person
stays logged in whichever pod answers and over a deploy. The memory store here is for an app without a database
(the kit's small test apps); it is one process's only.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Protocol

from nara.shared.identity import Caller

REFRESH_MARGIN_SECONDS = 30
# `seen` is written at most this often per session: a page view is then a read, not a write, while idle expiry
# is at most this much early (the last view within the minute is not recorded).
SEEN_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class ProviderSession:
    id: str
    caller: Caller
    name: str  # from the ID token, for the header
    access_token: str
    refresh_token: str | None
    id_token: str
    expires_at: float  # the access token's, seconds since the epoch
    started: datetime
    seen: datetime


@dataclass(frozen=True)
class SessionTimeouts:
    idle: timedelta = timedelta(minutes=30)
    absolute: timedelta = timedelta(hours=10)

    def ends_at(self, session: ProviderSession) -> datetime:
        """When the session ends if nobody opens a page before: the earlier of the two timeouts."""
        return min(session.seen + self.idle, session.started + self.absolute)


def is_alive(session: ProviderSession, now: datetime, idle: timedelta, absolute: timedelta) -> bool:
    """A session lives until `idle` after the last page view and `absolute` after the login, whichever is first."""
    return now - session.seen < idle and now - session.started < absolute


def needs_refresh(session: ProviderSession, now: datetime) -> bool:
    """The access token runs out within the margin (a page's calls to other services must not carry a dead one)."""
    return session.expires_at - REFRESH_MARGIN_SECONDS <= now.timestamp()


def seen_is_stale(session: ProviderSession, now: datetime) -> bool:
    return now - session.seen >= SEEN_EVERY


def session_key(session_id: str) -> bytes:
    """What the store keys a session by: the SHA-256 of its id, so a read of the store gives no usable id."""
    return hashlib.sha256(session_id.encode()).digest()


# Gives the refreshed session, or None when the provider refused (the session then ends).
Renew = Callable[[ProviderSession], Awaitable[ProviderSession | None]]


class SessionStore(Protocol):
    """One app login's sessions. Reads check both timeouts; an ended session is removed and not returned."""

    async def add(self, session: ProviderSession) -> None: ...

    async def read(self, session_id: str, now: datetime) -> ProviderSession | None:
        """The session if alive, its `seen` moved to now (written at most every SEEN_EVERY)."""

    async def refresh(self, session_id: str, now: datetime, renew: Renew) -> ProviderSession | None:
        """The session with fresh tokens: `renew` runs while no other replica can refresh this session, and only
        if the stored session still needs it (another may just have done it)."""

    async def remove(self, session_id: str) -> ProviderSession | None: ...


class MemorySessions:
    """The sessions in this process's memory: only for an app without a database."""

    def __init__(self, timeouts: SessionTimeouts):
        self.timeouts = timeouts
        self._sessions: dict[bytes, ProviderSession] = {}
        self._refreshing = asyncio.Lock()

    async def add(self, session: ProviderSession) -> None:
        self._sessions[session_key(session.id)] = session

    async def read(self, session_id: str, now: datetime) -> ProviderSession | None:
        session = self._sessions.get(session_key(session_id))
        if session is None:
            return None
        if not is_alive(session, now, self.timeouts.idle, self.timeouts.absolute):
            await self.remove(session_id)
            return None
        if seen_is_stale(session, now):
            session = replace(session, seen=now)
            self._sessions[session_key(session_id)] = session
        return session

    async def refresh(self, session_id: str, now: datetime, renew: Renew) -> ProviderSession | None:
        async with self._refreshing:
            session = await self.read(session_id, now)
            if session is None or not needs_refresh(session, now):
                return session
            renewed = await renew(session)
            if renewed is None:
                await self.remove(session_id)
                return None
            self._sessions[session_key(session_id)] = renewed
            return renewed

    async def remove(self, session_id: str) -> ProviderSession | None:
        return self._sessions.pop(session_key(session_id), None)
