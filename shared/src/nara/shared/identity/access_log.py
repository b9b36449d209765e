"""The patientdatalagen access log: which staff member read which patient's data, when, and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import asyncpg

from nara.shared.personnummer import InvalidPersonnummer, normalise

from .caller import Caller


class AccessLogRefused(ValueError):
    """A read that cannot be logged as asked; the read must not happen either."""


@dataclass(frozen=True)
class StaffRead:
    read_at: datetime
    staff_id: str
    staff_role: str
    units: tuple[str, ...]
    patient: str
    action: str
    resource: str
    purpose: str | None
    repeats: int = 0  # the same staff member shown the same thing again within a window (a refreshed list)
    last_read_at: datetime | None = None


async def record_staff_read(
    connection: asyncpg.Connection,
    caller: Caller,
    *,
    patient: str,
    action: str,
    resource: str,
    purpose: str | None = None,
    at: datetime,
) -> None:
    """Log one staff read; run it in the read's own transaction so read and log row commit together."""
    _check_read(caller, patient, action, resource, at)
    await connection.execute(
        """INSERT INTO access_log (read_at, staff_id, staff_role, units, patient, action, resource, purpose)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""",
        at,
        caller.subject,
        str(caller.role),
        list(caller.units),
        patient,
        action,
        resource,
        purpose,
    )


async def record_repeated_staff_reads(
    connection: asyncpg.Connection,
    caller: Caller,
    reads: list[tuple[str, str]],
    *,
    action: str,
    at: datetime,
    window: timedelta,
    purpose: str | None = None,
) -> int:
    """Log a list shown again and again (a queue a page refreshes). Each (patient, resource) shown is a read:
    the first in `window` gets a row of its own; a showing again within it is counted on that row (`repeats`,
    `last_read_at`), so every read is in the log without a row every few seconds. One statement for the list;
    returns how many new rows were written."""
    for patient, resource in reads:
        _check_read(caller, patient, action, resource, at)
    if not reads:
        return 0
    logged = await connection.fetch(
        """WITH shown AS (SELECT * FROM unnest($7::text[], $8::text[]) AS shown (patient, resource)),
           seen AS (
               UPDATE access_log logged SET repeats = logged.repeats + 1, last_read_at = $1::timestamptz
               FROM shown
               WHERE logged.id = (SELECT id FROM access_log earlier
                                  WHERE earlier.staff_id = $2 AND earlier.resource = shown.resource
                                    AND earlier.action = $5 AND earlier.read_at > $1::timestamptz - $9::interval
                                  ORDER BY earlier.read_at DESC LIMIT 1)
               RETURNING shown.resource)
           INSERT INTO access_log (read_at, staff_id, staff_role, units, patient, action, resource, purpose)
           SELECT $1::timestamptz, $2, $3, $4, shown.patient, $5, shown.resource, $6 FROM shown
           WHERE shown.resource NOT IN (SELECT resource FROM seen)
           RETURNING id""",
        at,
        caller.subject,
        str(caller.role),
        list(caller.units),
        action,
        purpose,
        [patient for patient, _ in reads],
        [resource for _, resource in reads],
        window,
    )
    return len(logged)


def _check_read(caller: Caller, patient: str, action: str, resource: str, at: datetime) -> None:
    if not caller.is_staff:
        # A citizen reading their own data is not a staff read; logging it would blur the audit.
        raise AccessLogRefused(f"only staff reads are logged, and this caller is a {caller.role}")
    if at.tzinfo is None or at.utcoffset() is None:
        raise AccessLogRefused("the time of a read must carry a time zone")
    if not patient or not patient.strip():
        raise AccessLogRefused("a logged read needs the patient's pseudonym")
    if _is_personnummer(patient):
        raise AccessLogRefused("log the patient's pseudonym, never the personnummer")
    if not action.strip() or not resource.strip():
        raise AccessLogRefused("a logged read needs what was done (action) and to what (resource)")


async def reads_of_patient(connection: asyncpg.Connection, patient: str) -> list[StaffRead]:
    """Every logged staff read of one patient's data, oldest first, for an audit."""
    rows = await connection.fetch(
        """SELECT read_at, staff_id, staff_role, units, patient, action, resource, purpose, repeats, last_read_at
           FROM access_log WHERE patient = $1 ORDER BY read_at, id""",
        patient,
    )
    return [StaffRead(**{**dict(row), "units": tuple(row["units"])}) for row in rows]


def _is_personnummer(value: str) -> bool:
    try:
        normalise(value)
    except InvalidPersonnummer:
        return False
    return True
