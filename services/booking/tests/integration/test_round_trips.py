"""The booking hot path stays at four database round trips: BEGIN, the slot with the patient's lock, the one
statement that takes the seat and writes the appointment and its event, COMMIT (see services/booking/README.md).
Counted with asyncpg's query logger on the pool the requests use; its statement cache is warm, as in service.
Only the request's own statements count: the contacts consumer shares the pool and writes whatever other tests
published, so the logger keeps what runs in the context of the request being counted."""

import asyncio
from contextvars import ContextVar

import asyncpg
import pytest
from booking_support import UNIT_FALKENBERG, in_process_booking, personnummer

# asyncpg calls a query logger with the context of the code that sent the query: set in the test, seen there.
COUNTED: ContextVar[list[str] | None] = ContextVar("counted", default=None)


def count_statement(logged: asyncpg.connection.LoggedQuery) -> None:
    statements = COUNTED.get()
    if statements is not None:
        statements.append(logged.query)


@pytest.fixture(scope="module")
async def counted(infrastructure):
    """An in-process booking service whose request pool reports the statements a counted request sends."""

    async def report_statements(connection: asyncpg.Connection) -> None:
        connection.add_query_logger(count_statement)

    async with in_process_booking(infrastructure) as booking:
        own_pool = booking.app.state.pool
        booking.app.state.pool = await asyncpg.create_pool(
            booking.database_url, min_size=1, max_size=1, init=report_statements
        )
        try:
            yield booking
        finally:
            await booking.app.state.pool.close()
            booking.app.state.pool = own_pool


async def test_a_web_booking_is_four_round_trips(counted):
    booking = counted
    first, second = personnummer(8101), personnummer(8102)
    slots = await booking.free_slots(first, UNIT_FALKENBERG, profession="nurse", count=2)
    await booking.book(first, slots[0]["id"])  # the connection's statement cache is warm after this one

    statements: list[str] = []
    counting = COUNTED.set(statements)
    try:
        booked = await booking.book(second, slots[1]["id"])
        await asyncio.sleep(0.2)  # the logger is called soon after each statement, not during it
    finally:
        COUNTED.reset(counting)

    assert booked.status_code == 201, booked.text
    commit = next(i for i, sql in enumerate(statements) if sql.strip().upper().startswith("COMMIT"))
    transaction, after = statements[: commit + 1], statements[commit + 1 :]
    assert len(transaction) == 4, transaction
    assert transaction[0].strip().upper().startswith("BEGIN")
    # Only asyncpg's own reset when the pool takes the connection back (pg_advisory_unlock_all; RESET ALL).
    assert all("pg_advisory_unlock_all" in sql for sql in after), after
