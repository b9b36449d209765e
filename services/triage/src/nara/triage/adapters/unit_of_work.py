"""The unit of work on PostgreSQL: one connection and one transaction, the repositories and views on it, the
outbox and the idempotency records in the same transaction."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import datetime, timedelta

import asyncpg

from nara.shared.events.models import EventData
from nara.shared.identity.access_log import record_repeated_staff_reads, record_staff_read
from nara.shared.identity.caller import Caller
from nara.shared.outbox import add_event_to_outbox

from .contacts import PostgresContacts, PostgresContactViews, PostgresPatients
from .guardianships import PostgresGuardianships
from .idempotency import PostgresIdempotencyRecords
from .listings import PostgresListings

SOURCE = "/nara/triage"  # the CloudEvents source of every event triage announces


class PostgresAccessLog:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def record_read(self, caller: Caller, *, patient: str, action: str, resource: str, at: datetime) -> None:
        await record_staff_read(self._connection, caller, patient=patient, action=action, resource=resource, at=at)

    async def record_repeated_reads(
        self, caller: Caller, reads: list[tuple[str, str]], *, action: str, at: datetime, window: timedelta
    ) -> int:
        return await record_repeated_staff_reads(self._connection, caller, reads, action=action, at=at, window=window)


class PostgresUnitOfWork:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection
        self.patients = PostgresPatients(connection)
        self.contacts = PostgresContacts(connection)
        self.contact_views = PostgresContactViews(connection)
        self.listings = PostgresListings(connection)
        self.guardianships = PostgresGuardianships(connection)
        self.access_log = PostgresAccessLog(connection)
        self.idempotency = PostgresIdempotencyRecords(connection)

    async def announce(self, event: EventData, *, subject: str, time: datetime) -> None:
        await add_event_to_outbox(self._connection, event, source=SOURCE, subject=subject, time=time)

    def savepoint(self) -> AbstractAsyncContextManager[object]:
        transaction: AbstractAsyncContextManager[object] = self._connection.transaction()
        return transaction


class PostgresUnitsOfWork:
    """Starts units of work on the service's connection pool."""

    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool

    @asynccontextmanager
    async def start(self) -> AsyncIterator[PostgresUnitOfWork]:
        async with self._pool.acquire() as connection, connection.transaction():
            yield PostgresUnitOfWork(connection)
