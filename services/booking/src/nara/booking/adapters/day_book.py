"""The day's book in SQL: a day's slots with their holds and bookings."""

from __future__ import annotations

import asyncpg


class PostgresDayBooks:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection
