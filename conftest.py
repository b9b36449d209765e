"""Fixtures every test folder shares: the real PostgreSQL and Kafka, found or started once per run."""

from __future__ import annotations

import uuid

import asyncpg
import pytest

from nara.devstack.testing import Infrastructure, real_infrastructure


@pytest.fixture(scope="session")
def infrastructure() -> Infrastructure:
    with real_infrastructure() as found:
        yield found


@pytest.fixture(scope="session")
def kafka_bootstrap(infrastructure: Infrastructure) -> str:
    return infrastructure.kafka_bootstrap_servers


@pytest.fixture
def unique_topic() -> str:
    """A topic of the test's own, so tests never read each other's messages."""
    return f"test.{uuid.uuid4().hex[:12]}"


@pytest.fixture
async def fresh_schema(infrastructure: Infrastructure):
    """A connection to the booking database inside a throwaway schema, dropped afterwards."""
    schema = f"test_{uuid.uuid4().hex[:12]}"
    connection = await asyncpg.connect(infrastructure.database_urls["booking"])
    await connection.execute(f"CREATE SCHEMA {schema}")
    await connection.execute(f"SET search_path TO {schema}")
    try:
        yield connection
    finally:
        await connection.execute(f"DROP SCHEMA {schema} CASCADE")
        await connection.close()
