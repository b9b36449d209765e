"""SQL for the schedule and appointments. Capacity is enforced here, by conditional updates and constraints."""

from __future__ import annotations

import uuid
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta

import asyncpg

from ..domain.rules import TriagedContact
from ..domain.schedule import PlannedSlot, TimeType

PATIENT_UNIT_LOCK_CLASS = 0x626B6E67  # "bkng"


@dataclass(frozen=True)
class Slot:
    id: uuid.UUID
    unit: str
    practitioner: str
    practitioner_name: str
    time_type: TimeType
    start_at: datetime
    end_at: datetime
    capacity: int
    reserved: int
    blocked: bool


def time_type_from(row) -> TimeType:
    return TimeType(
        code=row["code"], name=row["name"], profession=row["profession"], contact_form=row["contact_form"],
        length=timedelta(minutes=row["length_minutes"]), visible=row["visible"],
        web_cancel_allowed=row["web_cancel_allowed"], web_rebook_allowed=row["web_rebook_allowed"],
        cancel_notice=timedelta(minutes=row["cancel_notice_minutes"]),
        rebook_notice=timedelta(minutes=row["rebook_notice_minutes"]),
        reason_required=row["reason_required"], capacity=row["capacity"],
    )


SLOT_COLUMNS = """s.id, s.unit, s.practitioner, p.name AS practitioner_name, s.start_at, s.end_at, s.capacity,
                  s.reserved, s.blocked, t.code, t.name, t.profession, t.contact_form, t.length_minutes, t.visible,
                  t.web_cancel_allowed, t.web_rebook_allowed, t.cancel_notice_minutes, t.rebook_notice_minutes,
                  t.reason_required, t.capacity AS type_capacity"""
SLOT_FROM = "slots s JOIN time_types t ON t.code = s.time_type JOIN practitioners p ON p.hsa_id = s.practitioner"


def slot_from(row) -> Slot:
    time_type = time_type_from({**dict(row), "capacity": row["type_capacity"]})
    return Slot(row["id"], row["unit"], row["practitioner"], row["practitioner_name"], time_type, row["start_at"],
                row["end_at"], row["capacity"], row["reserved"], row["blocked"])


async def slot(connection: asyncpg.Connection, slot_id: uuid.UUID) -> Slot | None:
    row = await connection.fetchrow(f"SELECT {SLOT_COLUMNS} FROM {SLOT_FROM} WHERE s.id = $1", slot_id)
    return slot_from(row) if row else None


async def release_expired_holds(connection: asyncpg.Connection, now: datetime, slot_id: uuid.UUID | None = None) -> None:
    """Holds lapse by themselves: whoever looks at a slot after expiry gives its seat back first."""
    await connection.execute(
        """WITH expired AS (
               DELETE FROM holds WHERE expires_at <= $1 AND ($2::uuid IS NULL OR slot_id = $2) RETURNING slot_id),
           counts AS (SELECT slot_id, count(*) AS n FROM expired GROUP BY slot_id)
           UPDATE slots SET reserved = reserved - counts.n FROM counts WHERE slots.id = counts.slot_id""",
        now, slot_id,
    )


async def reserve_seat(connection: asyncpg.Connection, slot_id: uuid.UUID, now: datetime) -> bool:
    """Take one seat if one is free: the row lock makes concurrent takers queue and re-check."""
    return await connection.fetchval(
        """UPDATE slots SET reserved = reserved + 1
           WHERE id = $1 AND NOT blocked AND start_at > $2 AND reserved < capacity RETURNING true""",
        slot_id, now,
    ) is not None


async def release_seat(connection: asyncpg.Connection, slot_id: uuid.UUID) -> None:
    await connection.execute("UPDATE slots SET reserved = reserved - 1 WHERE id = $1", slot_id)


async def take_live_hold(connection: asyncpg.Connection, slot_id: uuid.UUID, patient: str, now: datetime) -> bool:
    """Turn the patient's live hold on this slot into the booking's seat; False when there is none."""
    return await connection.fetchval(
        "DELETE FROM holds WHERE slot_id = $1 AND patient = $2 AND expires_at > $3 RETURNING true",
        slot_id, patient, now,
    ) is not None


async def drop_holds_of(connection: asyncpg.Connection, patient: str) -> None:
    """One hold at a time per patient: an earlier hold gives its seat back."""
    await connection.execute(
        """WITH dropped AS (DELETE FROM holds WHERE patient = $1 RETURNING slot_id),
           counts AS (SELECT slot_id, count(*) AS n FROM dropped GROUP BY slot_id)
           UPDATE slots SET reserved = reserved - counts.n FROM counts WHERE slots.id = counts.slot_id""",
        patient,
    )


async def insert_hold(connection: asyncpg.Connection, slot_id: uuid.UUID, patient: str, now: datetime,
                      expires_at: datetime) -> uuid.UUID:
    hold_id = uuid.uuid4()
    await connection.execute("INSERT INTO holds (id, slot_id, patient, created_at, expires_at) VALUES ($1,$2,$3,$4,$5)",
                             hold_id, slot_id, patient, now, expires_at)
    return hold_id


async def lock_patient_at_unit(connection: asyncpg.Connection, patient: str, unit: str) -> None:
    """Serialises one patient's bookings at one unit, so the per-unit limit cannot be raced past."""
    key = zlib.crc32(f"{patient}|{unit}".encode()) - 2**31
    await connection.execute("SELECT pg_advisory_xact_lock($1, $2)", PATIENT_UNIT_LOCK_CLASS, key)


async def future_web_bookings(connection: asyncpg.Connection, patient: str, unit: str, now: datetime) -> int:
    return await connection.fetchval(
        """SELECT count(*) FROM appointments a JOIN slots s ON s.id = a.slot_id
           WHERE a.patient = $1 AND a.unit = $2 AND a.status = 'booked' AND s.start_at > $3""",
        patient, unit, now,
    )


async def contact(connection: asyncpg.Connection, contact_id: str) -> TriagedContact | None:
    row = await connection.fetchrow("SELECT * FROM contacts WHERE contact_id = $1", contact_id)
    if row is None:
        return None
    return TriagedContact(
        contact_id=row["contact_id"], patient=row["patient"], unit=row["unit"], sought_at=row["sought_at"],
        guarantee_deadline=row["guarantee_deadline"], care_level=row["care_level"],
        professions=tuple(row["professions"]), closed=row["closed_at"] is not None,
        offered_within_guarantee=row["offered_within_guarantee"],
    )


async def note_offer_within_guarantee(connection: asyncpg.Connection, contact_id: str) -> None:
    await connection.execute(
        "UPDATE contacts SET offered_within_guarantee = true WHERE contact_id = $1 AND NOT offered_within_guarantee",
        contact_id)


async def insert_planned_slots(connection: asyncpg.Connection, planned: list[PlannedSlot]) -> None:
    """Store generated slots; ones that exist already (same practitioner and start) are left as they are."""
    await connection.executemany(
        """INSERT INTO slots (id, unit, practitioner, time_type, start_at, end_at, capacity)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING""",
        [(s.id, s.unit, s.practitioner, s.time_type, s.start_at, s.end_at, s.capacity) for s in planned],
    )
