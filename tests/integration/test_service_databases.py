import datetime as dt
import uuid

import asyncpg
import pytest

SERVICES = ["booking", "triage", "guarantee-monitor"]


@pytest.mark.parametrize("service", SERVICES)
async def test_each_service_has_its_own_database_with_an_asyncpg_round_trip(infrastructure, service):
    connection = await asyncpg.connect(infrastructure.database_urls[service])
    try:
        # A temporary table is this connection's own: no other test sees the name.
        await connection.execute("CREATE TEMP TABLE roundtrip (id uuid PRIMARY KEY, at timestamptz NOT NULL)")
        row_id, at = uuid.uuid4(), dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC)
        await connection.execute("INSERT INTO roundtrip VALUES ($1, $2)", row_id, at)
        stored = await connection.fetchrow("SELECT id, at FROM roundtrip")
        database = await connection.fetchval("SELECT current_database()")
    finally:
        await connection.close()

    assert stored["id"] == row_id and stored["at"] == at
    assert database == service.replace("-", "_")
