import datetime as dt
import uuid

import asyncpg
import pytest

SERVICES = ["booking", "triage", "guarantee-monitor"]


@pytest.mark.parametrize("service", SERVICES)
async def test_each_service_has_its_own_database_with_an_asyncpg_round_trip(infrastructure, service):
    connection = await asyncpg.connect(infrastructure.database_urls[service])
    table = f"roundtrip_{uuid.uuid4().hex[:8]}"
    try:
        await connection.execute(f"CREATE TEMP TABLE {table} (id uuid PRIMARY KEY, at timestamptz NOT NULL)")
        row_id, at = uuid.uuid4(), dt.datetime(2026, 3, 29, 1, 30, tzinfo=dt.UTC)
        await connection.execute(f"INSERT INTO {table} VALUES ($1, $2)", row_id, at)
        stored = await connection.fetchrow(f"SELECT id, at FROM {table}")
        database = await connection.fetchval("SELECT current_database()")
    finally:
        await connection.close()

    assert stored["id"] == row_id and stored["at"] == at
    assert database == service.replace("-", "_")
