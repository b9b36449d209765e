"""The clocks as stored: the facts of each contact's clock, and the alerts each clock has raised."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import asyncpg

from ..domain.clock_record import ClockRecord
from ..domain.facts import ContactFacts
from ..service.ports import RaisedAlert

# One statement for a whole batch of clocks (each contact once), its columns as arrays: a row per
# statement execution would cost the database as much again as the rest of the batch.
CLOCK_COLUMNS = (
    ("contact_id", "text"),
    ("patient", "text"),
    ("unit", "text"),
    ("listed_unit", "text"),
    ("channel", "text"),
    ("profession", "text"),
    ("sought_at", "timestamptz"),
    ("deadline", "timestamptz"),
    ("status", "text"),
    ("status_reason", "text"),
    ("facts", "text"),
    ("next_alert_at", "timestamptz"),
    ("assessed_at", "timestamptz"),
    ("assessment_profession", "text"),
    ("assessment_form", "text"),
    ("patient_chose_to_wait", "boolean"),
    ("last_traceparent", "text"),
    ("updated_at", "timestamptz"),
    ("last_event_at", "timestamptz"),
    ("listing", "text"),
    ("sex", "text"),
    ("age_group", "text"),
    ("registered_at", "timestamptz"),
    ("contact_same_day", "boolean"),
    ("regional_days", "integer"),
    ("regional_deadline", "timestamptz"),
    ("regional_status", "text"),
    ("regional_reason", "text"),
    ("booking_id", "text"),
    ("booking_start", "timestamptz"),
    ("booking_end", "timestamptz"),
    ("closed_at", "timestamptz"),
)
_NAMES = [name for name, _ in CLOCK_COLUMNS]
_KEPT = {"contact_id", "last_traceparent", "last_event_at"}  # the key, and the two columns merged below
UPSERT_CLOCKS = f"""
    INSERT INTO clocks ({", ".join(_NAMES)}, change)
    SELECT {", ".join("facts::jsonb" if name == "facts" else name for name in _NAMES)}, nextval('clock_changes')
    FROM unnest({", ".join(f"${n}::{kind}[]" for n, (_, kind) in enumerate(CLOCK_COLUMNS, start=1))})
         AS batch ({", ".join(_NAMES)})
    ON CONFLICT (contact_id) DO UPDATE SET
        {", ".join(f"{name} = EXCLUDED.{name}" for name in _NAMES if name not in _KEPT)}, change = EXCLUDED.change,
        last_traceparent = CASE WHEN EXCLUDED.last_event_at >= coalesce(clocks.last_event_at, '-infinity')
                                THEN coalesce(EXCLUDED.last_traceparent, clocks.last_traceparent)
                                ELSE clocks.last_traceparent END,
        last_event_at = greatest(clocks.last_event_at, EXCLUDED.last_event_at)"""  # noqa: S608  # names from CLOCK_COLUMNS; values are parameters


class PostgresClockRepository:
    """The clocks table, inside the unit of work's transaction."""

    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def lock(self, contact_ids: Sequence[str]) -> dict[str, ContactFacts]:
        rows = await self._connection.fetch(
            "SELECT contact_id, facts FROM clocks WHERE contact_id = ANY($1::text[]) FOR UPDATE", list(contact_ids)
        )
        return {row["contact_id"]: ContactFacts.from_json(json.loads(row["facts"])) for row in rows}

    async def lock_due(self, now: datetime, limit: int) -> list[tuple[ContactFacts, str | None]]:
        rows = await self._connection.fetch(
            """SELECT facts, last_traceparent FROM clocks WHERE next_alert_at <= $1
               ORDER BY next_alert_at LIMIT $2 FOR UPDATE SKIP LOCKED""",
            now,
            limit,
        )
        return [(ContactFacts.from_json(json.loads(row["facts"])), row["last_traceparent"]) for row in rows]

    async def save(self, records: Sequence[ClockRecord]) -> None:
        if records:
            await self._connection.execute(UPSERT_CLOCKS, *_columns(records))


def _columns(records: Sequence[ClockRecord]) -> list[list[Any]]:
    """The records as one array per column, in CLOCK_COLUMNS' order; the facts as their JSON text."""
    columns = [[getattr(record, name) for record in records] for name in _NAMES]
    columns[_FACTS] = [json.dumps(record.facts.to_json(), default=_iso) for record in records]
    return columns


_FACTS = _NAMES.index("facts")


def _iso(value: datetime) -> str:
    return value.isoformat()


ADD_NEW_ALERTS = """
    INSERT INTO alerts (contact_id, key, kind, level, at, deadline, hours_left, reason, unit, patient,
                        traceparent, raised_at)
    SELECT *, $12::timestamptz FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[],
        $6::timestamptz[], $7::float8[], $8::text[], $9::text[], $10::text[], $11::text[])
    ON CONFLICT (contact_id, key) DO NOTHING RETURNING contact_id, key"""


class PostgresAlertLog:
    """The alerts table: each alert once per contact and key (its unique constraint), inside the unit of work."""

    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def add_new(self, alerts: Sequence[RaisedAlert], raised_at: datetime) -> set[tuple[str, str]]:
        if not alerts:
            return set()
        rows = [
            (
                due.facts.contact_id,
                due.alert.key,
                due.alert.kind,
                due.alert.level,
                due.alert.at,
                due.alert.deadline,
                due.alert.hours_left(),
                due.alert.reason,
                due.facts.unit,
                due.facts.patient,
                due.traceparent,
            )
            for due in alerts
        ]
        raised = await self._connection.fetch(
            ADD_NEW_ALERTS, *(list(column) for column in zip(*rows, strict=True)), raised_at
        )
        return {(row["contact_id"], row["key"]) for row in raised}
