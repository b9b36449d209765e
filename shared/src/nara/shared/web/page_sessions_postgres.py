"""The provider login's sessions in the service's own database (table page_sessions, shared migration 0009),
so that every replica of an app knows them and a restart forgets none."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime
from typing import Any

import asyncpg

from nara.shared.identity import Caller

from .page_sessions import (
    ProviderSession,
    Renew,
    SessionTimeouts,
    is_alive,
    needs_refresh,
    seen_is_stale,
    session_key,
)

_COLUMNS = "caller, name, access_token, refresh_token, id_token, expires_at, started, seen"


class PostgresSessions:
    """One app login's sessions (`login`, its cookie's name) in the page_sessions table."""

    def __init__(self, pool: asyncpg.Pool, login: str, timeouts: SessionTimeouts):
        self.pool = pool
        self.login = login
        self.timeouts = timeouts

    async def add(self, session: ProviderSession) -> None:
        await self.pool.execute(
            f"""INSERT INTO page_sessions (id_hash, login, {_COLUMNS}, ends_at)
                VALUES ($1, $2, $3::jsonb, $4, $5, $6, $7, $8, $9, $10, $11)""",  # noqa: S608 -- _COLUMNS is a constant
            session_key(session.id),
            self.login,
            _caller_json(session.caller),
            session.name,
            session.access_token,
            session.refresh_token,
            session.id_token,
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
                """UPDATE page_sessions SET caller = $3::jsonb, access_token = $4, refresh_token = $5, expires_at = $6
                   WHERE id_hash = $1 AND login = $2""",
                session_key(session_id),
                self.login,
                _caller_json(renewed.caller),
                renewed.access_token,
                renewed.refresh_token,
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
        return _session(session_id, row) if row else None

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
        session = _session(session_id, row)
        if not is_alive(session, now, self.timeouts.idle, self.timeouts.absolute):
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

    async def _delete(self, connection: asyncpg.Connection, session_id: str) -> None:
        await connection.execute(
            "DELETE FROM page_sessions WHERE id_hash = $1 AND login = $2", session_key(session_id), self.login
        )


def _caller_json(caller: Caller) -> str:
    return json.dumps({"role": str(caller.role), "sub": caller.subject, "units": list(caller.units)})


def _session(session_id: str, row: Any) -> ProviderSession:
    caller = json.loads(row["caller"])
    return ProviderSession(
        id=session_id,
        caller=Caller.of(caller["role"], caller["sub"], caller["units"]),
        name=row["name"],
        access_token=row["access_token"],
        refresh_token=row["refresh_token"],
        id_token=row["id_token"],
        expires_at=row["expires_at"],
        started=row["started"],
        seen=row["seen"],
    )
