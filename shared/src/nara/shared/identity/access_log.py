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
        at, caller.subject, str(caller.role), list(caller.units), patient, action, resource, purpose,
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
    """Log a list shown again and again (a queue a page refreshes), each (patient, resource) once per `window`:
    the same staff member seeing the same row again within it is the read already logged. One statement for
    the whole list; returns how many rows were logged."""
    for patient, resource in reads:
        _check_read(caller, patient, action, resource, at)
    if not reads:
        return 0
    logged = await connection.fetch(
        """INSERT INTO access_log (read_at, staff_id, staff_role, units, patient, action, resource, purpose)
           SELECT $1::timestamptz, $2, $3, $4, shown.patient, $5, shown.resource, $6
           FROM unnest($7::text[], $8::text[]) AS shown (patient, resource)
           WHERE NOT EXISTS (SELECT FROM access_log seen
                             WHERE seen.staff_id = $2 AND seen.resource = shown.resource AND seen.action = $5
                               AND seen.read_at > $1::timestamptz - $9::interval)
           RETURNING id""",
        at, caller.subject, str(caller.role), list(caller.units), action, purpose,
        [patient for patient, _ in reads], [resource for _, resource in reads], window)
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
        """SELECT read_at, staff_id, staff_role, units, patient, action, resource, purpose
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
