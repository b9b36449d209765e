"""Demo data for './nara run': the demo citizen 19121212-1212 is guardian of two children whose ages stay
the same whatever the day (an infant of two months and a four-year-old), so the infant path can be tried."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import asyncpg

from nara.shared.clock import to_stockholm

from .adapters.guardianships import PostgresGuardianships

DEMO_GUARDIAN = "191212121212"


def personnummer_for(birth_date: date, serial: int) -> str:
    """A valid 12-digit personnummer: the birth date, three serial digits (odd last digit: male), a Luhn digit."""
    body = f"{birth_date:%y%m%d}{serial:03d}"
    total = 0
    for index, digit in enumerate(map(int, body)):
        doubled = digit * (2 if index % 2 == 0 else 1)
        total += doubled - 9 if doubled > 9 else doubled
    return f"{birth_date:%Y}{body[2:]}{(10 - total % 10) % 10}"


def demo_children(today: date) -> list[tuple[str, str]]:
    infant = today - timedelta(days=61)
    toddler = date(today.year - 4, today.month, 1)
    return [(personnummer_for(infant, 242), "Alva"), (personnummer_for(toddler, 253), "Vidar")]


async def load_demo_data(connection: asyncpg.Connection, now: datetime) -> None:
    rows = [(DEMO_GUARDIAN, child, name) for child, name in demo_children(to_stockholm(now).date())]
    await PostgresGuardianships(connection).replace_demo(rows, now)
