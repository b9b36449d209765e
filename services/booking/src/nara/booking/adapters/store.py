"""SQL for the schedule and appointments. Capacity is enforced here, by conditional updates and constraints."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import asyncpg

from nara.shared.outbox.writer import serialised_insert, wake_local_relays

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
    unit_name: str
    unit_address: str


def time_type_from(row) -> TimeType:
    return TimeType(
        code=row["code"],
        name=row["name"],
        profession=row["profession"],
        contact_form=row["contact_form"],
        length=timedelta(minutes=row["length_minutes"]),
        visible=row["visible"],
        web_cancel_allowed=row["web_cancel_allowed"],
        web_rebook_allowed=row["web_rebook_allowed"],
        cancel_notice=timedelta(minutes=row["cancel_notice_minutes"]),
        rebook_notice=timedelta(minutes=row["rebook_notice_minutes"]),
        reason_required=row["reason_required"],
        capacity=row["capacity"],
    )


SLOT_COLUMNS = """s.id, s.unit, s.practitioner, p.name AS practitioner_name, s.start_at, s.end_at, s.capacity,
                  s.reserved, s.blocked, t.code, t.name, t.profession, t.contact_form, t.length_minutes, t.visible,
                  t.web_cancel_allowed, t.web_rebook_allowed, t.cancel_notice_minutes, t.rebook_notice_minutes,
                  t.reason_required, t.capacity AS type_capacity, u.name AS unit_name, u.address AS unit_address"""
SLOT_FROM = """slots s JOIN time_types t ON t.code = s.time_type JOIN practitioners p ON p.hsa_id = s.practitioner
               JOIN care_units u ON u.hsa_id = s.unit"""


def slot_from(row) -> Slot:
    time_type = time_type_from({**dict(row), "capacity": row["type_capacity"]})
    return Slot(
        row["id"],
        row["unit"],
        row["practitioner"],
        row["practitioner_name"],
        time_type,
        row["start_at"],
        row["end_at"],
        row["capacity"],
        row["reserved"],
        row["blocked"],
        row["unit_name"],
        row["unit_address"],
    )


async def slot(connection: asyncpg.Connection, slot_id: uuid.UUID) -> Slot | None:
    row = await connection.fetchrow(f"SELECT {SLOT_COLUMNS} FROM {SLOT_FROM} WHERE s.id = $1", slot_id)
    return slot_from(row) if row else None


# The slot, and (for a patient) the lock serialising their bookings at its unit, in one round trip: the
# statements after it take fresh snapshots, so they see whatever an earlier holder of the lock committed.
SLOT_LOCKING_PATIENT_AT_UNIT = f"""
    SELECT {SLOT_COLUMNS}, pg_advisory_xact_lock($2, hashtext($3 || '|' || s.unit))
    FROM {SLOT_FROM} WHERE s.id = $1"""


async def slot_locking_patient_at_unit(connection: asyncpg.Connection, slot_id: uuid.UUID, patient: str) -> Slot | None:
    """The slot, with one patient's bookings at its unit serialised until commit (the per-unit limit)."""
    row = await connection.fetchrow(SLOT_LOCKING_PATIENT_AT_UNIT, slot_id, PATIENT_UNIT_LOCK_CLASS, patient)
    return slot_from(row) if row else None


def _seat_ctes(also_required: str = "true") -> str:
    """Takes a seat on slot $1 for patient $2 at $3: the patient's own live hold becomes the seat, else a free
    seat is taken; holds that lapsed give theirs back first. The conditional update is what refuses a full
    slot: a concurrent taker waits for the row lock and re-checks `reserved` (the CHECK reserved <= capacity
    stands behind it). When nothing is seated the caller refuses, and its rollback undoes the deleted holds."""
    return f"""
    lapsed AS (DELETE FROM holds WHERE slot_id = $1 AND expires_at <= $3 RETURNING 1),
    own_hold AS (DELETE FROM holds WHERE slot_id = $1 AND patient = $2 AND expires_at > $3 RETURNING 1),
    seated AS (
        UPDATE slots SET reserved = reserved - (SELECT count(*) FROM lapsed)
                                  + CASE WHEN EXISTS (SELECT FROM own_hold) THEN 0 ELSE 1 END
        WHERE id = $1 AND NOT blocked AND start_at > $3 AND ({also_required})
          AND (EXISTS (SELECT FROM own_hold) OR reserved - (SELECT count(*) FROM lapsed) < capacity)
        RETURNING id)"""


TAKE_SEAT = "WITH" + _seat_ctes() + " SELECT count(*) FROM seated"

# A whole booking after the slot was read (and the patient's lock at its unit taken, so this statement's fresh
# snapshot counts every booking the patient made there): the per-unit limit $13 (NULL: none), the seat, the
# appointment and its event, in one round trip. The answer says which refusal applies, if any; a unique
# violation means the patient already has this slot (or the lineage is already active).
BOOK = f"""
    WITH existing AS (
        SELECT count(*) AS n FROM appointments a JOIN slots s ON s.id = a.slot_id
        WHERE $13::int IS NOT NULL AND a.patient = $2 AND a.unit = $6 AND a.status = 'booked' AND s.start_at > $3),
    {_seat_ctes("$13::int IS NULL OR (SELECT n FROM existing) < $13::int").lstrip()},
    booked AS (
        INSERT INTO appointments (id, lineage, slot_id, patient, unit, contact_id, status, booked_by, booked_by_id,
                                  reason, earlier_time_offered_within_guarantee, replaces, created_at)
        SELECT $4, $5, seated.id, $2, $6, $7, 'booked', $8, $9, $10, $11, $12, $3 FROM seated
        RETURNING id),
    announced AS ({serialised_insert(14, for_each_row_of="booked")} RETURNING 1)
    SELECT (SELECT n FROM existing) AS booked_at_unit, EXISTS (SELECT FROM booked) AS seated"""


@dataclass(frozen=True)
class BookingAttempt:
    booked_at_unit: int  # the patient's future bookings at the unit before this one (0 when no limit applies)
    seated: bool


async def take_seat(connection: asyncpg.Connection, slot_id: uuid.UUID, patient: str, now: datetime) -> bool:
    """The patient's live hold on the slot, else a free seat; False when the slot has none for them."""
    return await connection.fetchval(TAKE_SEAT, slot_id, patient, now) == 1


async def book(
    connection: asyncpg.Connection,
    *,
    slot_id: uuid.UUID,
    patient: str,
    now: datetime,
    appointment_id: uuid.UUID,
    unit: str,
    contact_id: str | None,
    booked_by: str,
    booked_by_id: str,
    reason: str | None,
    chose_to_wait: bool,
    limit_at_unit: int | None,
    event: tuple,
) -> BookingAttempt:
    """Seat, appointment and event (`event`: outbox event_parameters) in one statement, unless the patient has
    `limit_at_unit` future bookings at the unit already or the slot has no seat for them. Raises
    asyncpg.UniqueViolationError when the patient already has this slot."""
    row = await connection.fetchrow(
        BOOK,
        slot_id,
        patient,
        now,
        appointment_id,
        appointment_id,
        unit,
        contact_id,
        booked_by,
        booked_by_id,
        reason,
        chose_to_wait,
        None,
        limit_at_unit,
        *event,
    )
    if row["seated"]:
        wake_local_relays()
    return BookingAttempt(row["booked_at_unit"], row["seated"])


async def release_expired_holds(
    connection: asyncpg.Connection, now: datetime, slot_id: uuid.UUID | None = None
) -> None:
    """Holds lapse by themselves: whoever looks at a slot after expiry gives its seat back first."""
    await connection.execute(
        """WITH expired AS (
               DELETE FROM holds WHERE expires_at <= $1 AND ($2::uuid IS NULL OR slot_id = $2) RETURNING slot_id),
           counts AS (SELECT slot_id, count(*) AS n FROM expired GROUP BY slot_id)
           UPDATE slots SET reserved = reserved - counts.n FROM counts WHERE slots.id = counts.slot_id""",
        now,
        slot_id,
    )


async def release_seat(connection: asyncpg.Connection, slot_id: uuid.UUID) -> None:
    await connection.execute("UPDATE slots SET reserved = reserved - 1 WHERE id = $1", slot_id)


async def drop_holds_of(connection: asyncpg.Connection, patient: str) -> None:
    """One hold at a time per patient: an earlier hold gives its seat back."""
    await connection.execute(
        """WITH dropped AS (DELETE FROM holds WHERE patient = $1 RETURNING slot_id),
           counts AS (SELECT slot_id, count(*) AS n FROM dropped GROUP BY slot_id)
           UPDATE slots SET reserved = reserved - counts.n FROM counts WHERE slots.id = counts.slot_id""",
        patient,
    )


async def insert_hold(
    connection: asyncpg.Connection, slot_id: uuid.UUID, patient: str, now: datetime, expires_at: datetime
) -> uuid.UUID:
    hold_id = uuid.uuid4()
    await connection.execute(
        "INSERT INTO holds (id, slot_id, patient, created_at, expires_at) VALUES ($1,$2,$3,$4,$5)",
        hold_id,
        slot_id,
        patient,
        now,
        expires_at,
    )
    return hold_id


async def contact(connection: asyncpg.Connection, contact_id: str) -> TriagedContact | None:
    row = await connection.fetchrow("SELECT * FROM contacts WHERE contact_id = $1", contact_id)
    if row is None:
        return None
    return TriagedContact(
        contact_id=row["contact_id"],
        patient=row["patient"],
        unit=row["unit"],
        sought_at=row["sought_at"],
        guarantee_deadline=row["guarantee_deadline"],
        care_level=row["care_level"],
        professions=tuple(row["professions"]),
        closed=row["closed_at"] is not None,
        offered_within_guarantee=row["offered_within_guarantee"],
        listed_unit=row["listed_unit"],
    )


async def note_offer_within_guarantee(connection: asyncpg.Connection, contact_id: str) -> None:
    await connection.execute(
        "UPDATE contacts SET offered_within_guarantee = true WHERE contact_id = $1 AND NOT offered_within_guarantee",
        contact_id,
    )


async def insert_planned_slots(connection: asyncpg.Connection, planned: list[PlannedSlot]) -> None:
    """Store generated slots; ones that exist already (same practitioner and start) are left as they are."""
    await connection.executemany(
        """INSERT INTO slots (id, unit, practitioner, time_type, start_at, end_at, capacity)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING""",
        [(s.id, s.unit, s.practitioner, s.time_type, s.start_at, s.end_at, s.capacity) for s in planned],
    )
