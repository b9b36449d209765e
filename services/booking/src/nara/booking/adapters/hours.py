"""Weekly templates, closures and absences in SQL, and withdrawing the slots a change takes away."""

from __future__ import annotations

import asyncpg


class PostgresHours:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection
