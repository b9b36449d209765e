"""Care units, practitioners and time types in SQL, as staff set them up."""

from __future__ import annotations

import asyncpg


class PostgresScheduleSetup:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection
