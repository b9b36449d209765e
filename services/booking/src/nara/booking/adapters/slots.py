"""Slots, their seats and holds in SQL. Seats.take (domain/seats.py) is the rule; the conditional updates here
apply it atomically under concurrency, and the CHECK on slots.reserved (0001_schedule.sql) stands behind them."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from ..domain.appointment import Hold
from ..domain.schedule import Slot
from .rows import SLOT_COLUMNS, SLOT_FROM, slot_from

PATIENT_UNIT_LOCK_CLASS = 0x626B6E67  # "bkng"

SLOT = f"SELECT {SLOT_COLUMNS} FROM {SLOT_FROM} WHERE s.id = $1"  # noqa: S608 - constant column lists, no values

# The slot, and (for a patient) the lock serialising their bookings at its unit, in one round trip: the
# statements after it take fresh snapshots, so they see whatever an earlier holder of the lock committed.
SLOT_LOCKING_PATIENT_AT_UNIT = f"""
    SELECT {SLOT_COLUMNS}, pg_advisory_xact_lock($2, hashtext($3 || '|' || s.unit))
    FROM {SLOT_FROM} WHERE s.id = $1"""  # noqa: S608 - constant column lists, no values


def seat_ctes(also_required: str = "true") -> str:
    """Seats.take for patient $2 on slot $1 at $3: the patient's own live hold becomes the seat, else a free
    seat is taken; holds that lapsed give theirs back first. The conditional update is what refuses a full
    slot: a concurrent taker waits for the row lock and re-checks `reserved` (the CHECK reserved <= capacity
    stands behind it). When nothing is seated the caller refuses, and its rollback undoes the deleted holds."""
    return f"""
    lapsed AS (DELETE FROM holds WHERE slot_id = $1 AND expires_at <= $3 RETURNING 1),
    own_hold AS (DELETE FROM holds WHERE slot_id = $1 AND patient = $2 AND expires_at > $3 RETURNING 1),
    seated AS (
        UPDATE slots SET reserved = reserved - (SELECT count(*) FROM lapsed)
                                  + CASE WHEN EXISTS (SELECT FROM own_hold) THEN 0 ELSE 1 END
        WHERE id = $1 AND NOT blocked AND withdrawn_at IS NULL AND start_at > $3 AND ({also_required})
          AND (EXISTS (SELECT FROM own_hold) OR reserved - (SELECT count(*) FROM lapsed) < capacity)
        RETURNING id)"""  # noqa: S608 - the caller's constant condition only, no values


TAKE_SEAT = "WITH" + seat_ctes() + " SELECT count(*) FROM seated"  # noqa: S608 - constants only

# Holds that lapsed give their seats back (Seats.release), whoever looks at a slot after expiry.
RELEASE_EXPIRED_HOLDS = """
    WITH expired AS (DELETE FROM holds WHERE expires_at <= $1 RETURNING slot_id),
         counts AS (SELECT slot_id, count(*) AS n FROM expired GROUP BY slot_id)
    UPDATE slots SET reserved = reserved - counts.n FROM counts WHERE slots.id = counts.slot_id"""

# One hold at a time per patient: an earlier hold gives its seat back. A waitlist offer's hold stays: it is the
# patient's until they answer it or it lapses (0011_waitlist_offers.sql).
DROP_HOLDS_OF = """
    WITH dropped AS (DELETE FROM holds WHERE patient = $1 AND offer_id IS NULL RETURNING slot_id),
         counts AS (SELECT slot_id, count(*) AS n FROM dropped GROUP BY slot_id)
    UPDATE slots SET reserved = reserved - counts.n FROM counts WHERE slots.id = counts.slot_id"""


class PostgresSlots:
    def __init__(self, connection: Any) -> None:
        self._connection = connection

    async def slot(self, slot_id: uuid.UUID) -> Slot | None:
        row = await self._connection.fetchrow(SLOT, slot_id)
        return slot_from(row) if row else None

    async def slot_locking_patient_at_unit(self, slot_id: uuid.UUID, patient: str) -> Slot | None:
        row = await self._connection.fetchrow(SLOT_LOCKING_PATIENT_AT_UNIT, slot_id, PATIENT_UNIT_LOCK_CLASS, patient)
        return slot_from(row) if row else None

    async def take_seat(self, slot_id: uuid.UUID, patient: str, now: datetime) -> bool:
        return bool(await self._connection.fetchval(TAKE_SEAT, slot_id, patient, now) == 1)

    async def release_seat(self, slot_id: uuid.UUID) -> None:
        await self._connection.execute("UPDATE slots SET reserved = reserved - 1 WHERE id = $1", slot_id)

    async def release_expired_holds(self, now: datetime) -> None:
        await self._connection.execute(RELEASE_EXPIRED_HOLDS, now)

    async def drop_holds_of(self, patient: str) -> None:
        await self._connection.execute(DROP_HOLDS_OF, patient)

    async def add_hold(self, slot_id: uuid.UUID, patient: str, now: datetime, expires_at: datetime) -> Hold:
        hold = Hold(uuid.uuid4(), slot_id, expires_at)
        await self._connection.execute(
            "INSERT INTO holds (id, slot_id, patient, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
            hold.id,
            slot_id,
            patient,
            now,
            expires_at,
        )
        return hold

    async def set_blocked(self, slot_id: uuid.UUID, blocked: bool) -> None:
        await self._connection.execute("UPDATE slots SET blocked = $2 WHERE id = $1", slot_id, blocked)
