"""The provider login's sessions in the service's own database (table page_sessions, shared migration 0009),
so that every replica of an app knows them and a restart forgets none. The row is keyed by the id's SHA-256 and
its person and tokens are sealed (nara.shared.web.page_session_sealing)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

import asyncpg

from .page_session_sealing import caller_of, seal, unseal
from .page_sessions import (
    ProviderSession,
    Renew,
    SessionTimeouts,
    is_alive,
    needs_refresh,
    seen_is_stale,
    session_key,
)

_COLUMNS = "sealed, expires_at, started, seen"


class PostgresSessions:
    """One app login's sessions (`login`, its cookie's name) in the page_sessions table."""

    def __init__(self, pool: asyncpg.Pool, login: str, timeouts: SessionTimeouts):
        self.pool = pool
        self.login = login
        self.timeouts = timeouts

    async def add(self, session: ProviderSession) -> None:
        await self.pool.execute(
            f"""INSERT INTO page_sessions (id_hash, login, {_COLUMNS}, ends_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7)""",  # noqa: S608 -- _COLUMNS is a constant
            session_key(session.id),
            self.login,
            seal(session, self.login),
            session.expires_at,
            session.started,
            session.seen,
            self.timeouts.ends_at(session),
        )

    async def read(self, session_id: str, now: datetime) -> ProviderSession | None:
        async with self.pool.acquire() as connection:
            return await self._read(connection, session_id, now, lock=False)

    async def refresh(self, session_id: str, now: datetime, renew: Renew) -> ProviderSession | None:
        # The row is the lock: a second replica refreshing this session waits here, then finds fresh tokens and
        # does not send the refresh token the first one just used up (the provider may revoke it once used).
        async with self.pool.acquire() as connection, connection.transaction():
            session = await self._read(connection, session_id, now, lock=True)
            if session is None or not needs_refresh(session, now):
                return session
            renewed = await renew(session)
            if renewed is None:
                await self._delete(connection, session_id)
                return None
            await connection.execute(
                "UPDATE page_sessions SET sealed = $3, expires_at = $4 WHERE id_hash = $1 AND login = $2",
                session_key(session_id),
                self.login,
                seal(renewed, self.login),
                renewed.expires_at,
            )
            return renewed

    async def remove(self, session_id: str) -> ProviderSession | None:
        async with self.pool.acquire() as connection:
            row = await connection.fetchrow(
                f"DELETE FROM page_sessions WHERE id_hash = $1 AND login = $2 RETURNING {_COLUMNS}",  # noqa: S608 -- _COLUMNS is a constant
                session_key(session_id),
                self.login,
            )
        return self._session(session_id, row) if row else None

    async def _read(
        self, connection: asyncpg.Connection, session_id: str, now: datetime, *, lock: bool
    ) -> ProviderSession | None:
        row = await connection.fetchrow(
            f"SELECT {_COLUMNS} FROM page_sessions WHERE id_hash = $1 AND login = $2"  # noqa: S608 -- constants only
            + (" FOR UPDATE" if lock else ""),
            session_key(session_id),
            self.login,
        )
        if row is None:
            return None
        session = self._session(session_id, row)
        if session is None or not is_alive(session, now, self.timeouts.idle, self.timeouts.absolute):
            await self._delete(connection, session_id)
            return None
        if seen_is_stale(session, now):
            session = replace(session, seen=now)
            await connection.execute(
                "UPDATE page_sessions SET seen = $3, ends_at = $4 WHERE id_hash = $1 AND login = $2",
                session_key(session_id),
                self.login,
                now,
                self.timeouts.ends_at(session),
            )
        return session

    def _session(self, session_id: str, row: Any) -> ProviderSession | None:
        opened = unseal(session_id, self.login, bytes(row["sealed"]))
        if opened is None:  # a row this id does not open (altered in the database): nobody's session
            return None
        return ProviderSession(
            id=session_id,
            caller=caller_of(opened),
            name=opened["name"],
            access_token=opened["access_token"],
            refresh_token=opened["refresh_token"],
            id_token=opened["id_token"],
            expires_at=row["expires_at"],
            started=row["started"],
            seen=row["seen"],
        )

    async def _delete(self, connection: asyncpg.Connection, session_id: str) -> None:
        await connection.execute(
            "DELETE FROM page_sessions WHERE id_hash = $1 AND login = $2", session_key(session_id), self.login
        )
