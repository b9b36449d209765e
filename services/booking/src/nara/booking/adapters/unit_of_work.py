"""The unit of work on asyncpg: one pooled connection, one transaction; repositories, views, the outbox and
the idempotency records all write through that one transaction."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Any, Self

import asyncpg

from nara.shared.events.models import EventData
from nara.shared.outbox.writer import OutboxRow, add_row_to_outbox

from .appointments import SOURCE, PostgresAppointments
from .contacts import PostgresContacts
from .day_book import PostgresDayBooks
from .hours import PostgresHours
from .idempotency import PostgresIdempotencyRecords
from .offers import PostgresOffers
from .outgoing_messages import PostgresOutgoingMessages
from .patient_contracts import PostgresPatientContracts
from .reminders import PostgresReminders
from .schedule import PostgresSchedule
from .setup import PostgresScheduleSetup
from .slots import PostgresSlots
from .views import PostgresViews
from .waitlist import PostgresWaitlist


class PostgresUnitOfWork:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self._pool = pool
        self._acquired: Any = None
        self._transaction: Any = None

    async def __aenter__(self) -> Self:
        self._acquired = self._pool.acquire()
        self.connection = await self._acquired.__aenter__()
        try:
            self._transaction = self.connection.transaction()
            await self._transaction.start()
        except BaseException:
            await self._acquired.__aexit__(None, None, None)
            raise
        self.slots = PostgresSlots(self.connection)
        self.appointments = PostgresAppointments(self.connection)
        self.contacts = PostgresContacts(self.connection)
        self.schedule = PostgresSchedule(self.connection)
        self.setup = PostgresScheduleSetup(self.connection)
        self.hours = PostgresHours(self.connection)
        self.day_books = PostgresDayBooks(self.connection)
        self.views = PostgresViews(self.connection)
        self.patient_contracts = PostgresPatientContracts(self.connection)
        self.waitlist = PostgresWaitlist(self.connection)
        self.messages = PostgresOutgoingMessages(self.connection)
        self.offers = PostgresOffers(self.connection)
        self.reminders = PostgresReminders(self.connection)
        self.idempotency = PostgresIdempotencyRecords(self.connection)
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        try:
            if error is None:
                await self._transaction.commit()
            else:
                await self._transaction.rollback()
        finally:
            await self._acquired.__aexit__(kind, error, trace)

    async def announce(self, event: EventData, *, subject: str, time: datetime) -> None:
        await add_row_to_outbox(self.connection, OutboxRow.of_event(event, source=SOURCE, subject=subject, time=time))

    @asynccontextmanager
    async def savepoint(self) -> AsyncIterator[None]:
        async with self.connection.transaction():
            yield


@dataclass(frozen=True)
class Reads:
    views: PostgresViews
    slots: PostgresSlots
    contacts: PostgresContacts
    patient_contracts: PostgresPatientContracts


@asynccontextmanager
async def reading(pool: asyncpg.Pool) -> AsyncIterator[Reads]:
    """Reads on a pooled connection, outside any transaction: for what a page only shows."""
    async with pool.acquire() as connection:
        yield Reads(
            PostgresViews(connection),
            PostgresSlots(connection),
            PostgresContacts(connection),
            PostgresPatientContracts(connection),
        )
