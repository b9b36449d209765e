"""Waitlist offers and the freed-slot queue in PostgreSQL (0011_waitlist_offers.sql)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import asyncpg

from ..domain.offers import DEFAULT_OFFER_TIME, OfferState
from ..service.offer_records import NewOffer, StoredOffer

OFFER_QUERY = """
    SELECT o.id, o.slot_id, o.entry_id, o.contact_id, o.patient, o.unit, u.name AS unit_name, t.profession,
           s.start_at, s.end_at, o.hold_id, o.state, o.offered_at, o.hold_until, o.decided_at, o.appointment_id
    FROM waitlist_offers o
    JOIN slots s ON s.id = o.slot_id
    JOIN time_types t ON t.code = s.time_type
    JOIN care_units u ON u.hsa_id = o.unit"""

# Give a held seat back: only when the hold is still there (a lapsed hold gave its seat back when it was swept, a
# taken one became the booking's seat).
DROP_HOLD = """
    WITH dropped AS (DELETE FROM holds WHERE id = $1 RETURNING slot_id)
    UPDATE slots SET reserved = reserved - 1 FROM dropped WHERE slots.id = dropped.slot_id"""


class PostgresOffers:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def note_freed(self, slot_ids: Iterable[uuid.UUID]) -> None:
        # In the slot's id order, so two transactions noting the same slots never wait for each other both ways.
        await self._connection.execute(
            """INSERT INTO freed_slots (slot_id, freed_at)
               SELECT id, clock_timestamp() FROM slots WHERE id = ANY($1::uuid[]) ORDER BY id
               ON CONFLICT (slot_id) DO NOTHING""",
            sorted(set(slot_ids)),
        )

    async def next_freed(self) -> uuid.UUID | None:
        slot_id: uuid.UUID | None = await self._connection.fetchval(
            """DELETE FROM freed_slots WHERE slot_id = (
                   SELECT slot_id FROM freed_slots ORDER BY freed_at FOR UPDATE SKIP LOCKED LIMIT 1)
               RETURNING slot_id"""
        )
        return slot_id

    async def offer_minutes(self, unit: str) -> int:
        minutes = await self._connection.fetchval("SELECT offer_minutes FROM care_units WHERE hsa_id = $1", unit)
        return int(minutes) if minutes is not None else int(DEFAULT_OFFER_TIME.total_seconds() // 60)

    async def open_on_slot(self, slot_id: uuid.UUID) -> bool:
        return bool(
            await self._connection.fetchval(
                "SELECT EXISTS (SELECT FROM waitlist_offers WHERE slot_id = $1 AND state = 'open')", slot_id
            )
        )

    async def not_to_ask(self, slot_id: uuid.UUID, entry_ids: Iterable[str]) -> frozenset[str]:
        # Offered this slot before (declined, lapsed) or holding an open offer elsewhere: not asked. (A booked
        # time not later than this one is the domain rule's, WaitingEntry.fits.)
        rows = await self._connection.fetch(
            """SELECT w.id::text AS entry_id FROM waitlist_entries w
               WHERE w.id = ANY($2::uuid[])
                 AND EXISTS (SELECT FROM waitlist_offers o WHERE o.entry_id = w.id
                             AND (o.slot_id = $1 OR o.state = 'open'))""",
            slot_id,
            [uuid.UUID(entry_id) for entry_id in entry_ids],
        )
        return frozenset(row["entry_id"] for row in rows)

    async def add(self, offer: NewOffer) -> None:
        await self._connection.execute(
            """INSERT INTO waitlist_offers (id, token_sha256, slot_id, entry_id, contact_id, patient, unit, hold_id,
                   offered_at, hold_until)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)""",
            offer.offer_id,
            offer.token_digest,
            offer.slot_id,
            offer.entry_id,
            offer.contact_id,
            offer.patient,
            offer.unit,
            offer.hold_id,
            offer.offered_at,
            offer.hold_until,
        )

    async def mark_hold(self, hold_id: uuid.UUID, offer_id: uuid.UUID) -> None:
        await self._connection.execute("UPDATE holds SET offer_id = $2 WHERE id = $1", hold_id, offer_id)

    async def get(self, offer_id: uuid.UUID, *, lock: bool = False) -> StoredOffer | None:
        return await self._one("o.id = $1", offer_id, lock=lock)

    async def by_token(self, digest: bytes, *, lock: bool = False) -> StoredOffer | None:
        return await self._one("o.token_sha256 = $1", digest, lock=lock)

    async def open_of_entry(self, entry_id: uuid.UUID) -> StoredOffer | None:
        return await self._one("o.entry_id = $1 AND o.state = 'open'", entry_id, lock=True)

    async def open_of_slots(self, slot_ids: list[uuid.UUID]) -> list[StoredOffer]:
        rows = await self._connection.fetch(
            f"{OFFER_QUERY} WHERE o.slot_id = ANY($1::uuid[]) AND o.state = 'open' ORDER BY o.id FOR UPDATE OF o",
            slot_ids,
        )
        return [_offer(row) for row in rows]

    async def due_to_lapse(self, now: datetime) -> StoredOffer | None:
        row = await self._connection.fetchrow(
            f"""{OFFER_QUERY} WHERE o.id = (
                    SELECT id FROM waitlist_offers WHERE state = 'open' AND hold_until <= $1
                    ORDER BY hold_until FOR UPDATE SKIP LOCKED LIMIT 1)""",  # noqa: S608 - constant query
            now,
        )
        return None if row is None else _offer(row)

    async def decide(
        self, offer_id: uuid.UUID, state: OfferState, now: datetime, appointment_id: uuid.UUID | None = None
    ) -> None:
        await self._connection.execute(
            "UPDATE waitlist_offers SET state = $2, decided_at = $3, appointment_id = $4 WHERE id = $1",
            offer_id,
            state.value,
            now,
            appointment_id,
        )

    async def drop_hold(self, hold_id: uuid.UUID) -> None:
        await self._connection.execute(DROP_HOLD, hold_id)

    async def of_contact(self, contact_id: str) -> list[StoredOffer]:
        rows = await self._connection.fetch(
            f"{OFFER_QUERY} WHERE o.contact_id = $1 ORDER BY o.offered_at DESC, o.id",
            contact_id,
        )
        return [_offer(row) for row in rows]

    async def _one(self, condition: str, value: Any, *, lock: bool) -> StoredOffer | None:
        # The lock is the offer's row alone: two tabs accepting at once queue here, and the second sees the first.
        suffix = " FOR UPDATE OF o" if lock else ""
        row = await self._connection.fetchrow(f"{OFFER_QUERY} WHERE {condition}{suffix}", value)
        return None if row is None else _offer(row)


def _offer(row: Any) -> StoredOffer:
    return StoredOffer(
        offer_id=row["id"],
        slot_id=row["slot_id"],
        entry_id=row["entry_id"],
        contact_id=row["contact_id"],
        patient=row["patient"],
        unit=row["unit"],
        unit_name=row["unit_name"],
        profession=row["profession"],
        slot_start=row["start_at"],
        slot_end=row["end_at"],
        hold_id=row["hold_id"],
        state=OfferState(row["state"]),
        offered_at=row["offered_at"],
        hold_until=row["hold_until"],
        decided_at=row["decided_at"],
        appointment_id=row["appointment_id"],
    )
