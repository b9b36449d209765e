"""Ordered plain-SQL migrations: each file runs once, in its own transaction, and is recorded."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import asyncpg

MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
# Any fixed number serves; it keeps two services' instances from migrating one database at once.
MIGRATION_LOCK_KEY = 0x6E617261


class MigrationError(RuntimeError):
    pass


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        return hashlib.sha256(self.sql.encode()).hexdigest()


def read_migrations(directory: Path) -> list[Migration]:
    if not directory.is_dir():
        raise MigrationError(f"{directory}: no such migrations folder")
    migrations = []
    for path in sorted(directory.glob("*.sql")):
        match = MIGRATION_NAME.match(path.name)
        if match is None:
            raise MigrationError(f"{path.name}: migration files are named NNNN_words.sql, e.g. 0001_outbox.sql")
        migrations.append(Migration(int(match.group(1)), path.name, path.read_text()))
    versions = [m.version for m in migrations]
    if len(set(versions)) != len(versions):
        raise MigrationError(f"{directory}: two migration files share a version number")
    return migrations


# The shared library's own tables (outbox, consumed events, access log) come before a service's.
SHARED_MIGRATIONS = Path(__file__).parent / "sql"


async def apply_migrations(connection: asyncpg.Connection, sets: dict[str, Path]) -> list[str]:
    """Apply each set's files not yet applied, set by set; returns what ran. A changed applied file is an error."""
    planned = {component: read_migrations(directory) for component, directory in sets.items()}
    await connection.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_KEY)
    try:
        await connection.execute(
            """CREATE TABLE IF NOT EXISTS schema_migrations (
                   component text NOT NULL,
                   version integer NOT NULL,
                   name text NOT NULL,
                   checksum text NOT NULL,
                   applied_at timestamptz NOT NULL DEFAULT now(),
                   PRIMARY KEY (component, version))"""
        )
        applied = {
            (row["component"], row["version"]): row["checksum"]
            for row in await connection.fetch("SELECT component, version, checksum FROM schema_migrations")
        }
        newly_applied = []
        for component, migrations in planned.items():
            for migration in migrations:
                checksum = applied.get((component, migration.version))
                if checksum is not None:
                    if checksum != migration.checksum:
                        raise MigrationError(
                            f"{component}/{migration.name} changed after it was applied; add a new migration instead"
                        )
                    continue
                async with connection.transaction():
                    await connection.execute(migration.sql)
                    await connection.execute(
                        "INSERT INTO schema_migrations (component, version, name, checksum) VALUES ($1, $2, $3, $4)",
                        component,
                        migration.version,
                        migration.name,
                        migration.checksum,
                    )
                newly_applied.append(f"{component}/{migration.name}")
        return newly_applied
    finally:
        await connection.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK_KEY)


async def schema_versions(connection: asyncpg.Connection) -> dict[str, int]:
    rows = await connection.fetch("SELECT component, max(version) AS version FROM schema_migrations GROUP BY component")
    return {row["component"]: row["version"] for row in rows}
