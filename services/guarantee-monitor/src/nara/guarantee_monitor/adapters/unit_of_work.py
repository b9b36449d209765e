"""The unit of work: one PostgreSQL transaction holding the clocks, the alert log, the offers' outcomes and the
outbox together."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AsyncExitStack
from types import TracebackType
from typing import Self

import asyncpg

from nara.shared.outbox.writer import add_events_to_outbox

from ..service.ports import OutgoingEvent
from .clock_repository import PostgresAlertLog, PostgresClockRepository
from .offer_counts import PostgresOfferOutcomes


class PostgresOutbox:
    """The transactional outbox: an event written here is published by the relay once the transaction commits."""

    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def add(self, events: Sequence[OutgoingEvent]) -> None:
        if events:  # one round trip for a whole midnight tier
            await add_events_to_outbox(
                self._connection,
                [(event.data, event.source, event.key, event.time) for event in events],
                event_ids=[event.event_id for event in events],
            )


class _Repositories:
    """The writers over one connection, in whatever transaction it is in."""

    def _attach(self, connection: asyncpg.Connection) -> None:
        self._clocks = PostgresClockRepository(connection)
        self._alerts = PostgresAlertLog(connection)
        self._outbox = PostgresOutbox(connection)
        self._offers = PostgresOfferOutcomes(connection)

    @property
    def clocks(self) -> PostgresClockRepository:
        return self._clocks

    @property
    def alerts(self) -> PostgresAlertLog:
        return self._alerts

    @property
    def outbox(self) -> PostgresOutbox:
        return self._outbox

    @property
    def offers(self) -> PostgresOfferOutcomes:
        return self._offers


class PostgresUnitOfWork(_Repositories):
    """A transaction of its own on a pooled connection: committed when the block ends, rolled back on an error."""

    def __init__(self, pool: Callable[[], asyncpg.Pool]) -> None:
        self._pool = pool
        self._stack = AsyncExitStack()

    async def __aenter__(self) -> Self:
        # Entered in a stack of its own and handed over only when both are in: cancelled in between (the
        # scheduler at shutdown), the connection goes back to the pool rather than holding its close up.
        async with AsyncExitStack() as entering:
            connection = await entering.enter_async_context(self._pool().acquire())
            await entering.enter_async_context(connection.transaction())
            self._attach(connection)
            self._stack = entering.pop_all()
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        await self._stack.__aexit__(kind, error, trace)


class ConsumerUnitOfWork(_Repositories):
    """The consumer's transaction, which the shared IdempotentConsumer opened and in which it recorded the events'
    ids: the clocks and alerts written here commit with that record, or neither does."""

    def __init__(self, connection: asyncpg.Connection) -> None:
        self._attach(connection)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        return None  # the consumer commits or rolls back its own transaction
