"""Finding free times: earliest first, within the guarantee first, the patient's fixed care contacts first."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

import asyncpg

from ..adapters import store
from ..domain import rules
from ..domain.errors import ContactNotBookable, InvalidRequest, NotFound


@dataclass(frozen=True)
class SlotQuery:
    unit: str
    date_from: datetime
    date_to: datetime
    profession: str | None = None
    contact_form: str | None = None
    contact_id: str | None = None
    page: int = 1
    page_size: int = 20


@dataclass(frozen=True)
class FreeSlot:
    id: uuid.UUID
    unit: str
    practitioner: str
    practitioner_name: str
    profession: str
    contact_form: str
    time_type: str
    time_type_name: str
    start_at: datetime
    end_at: datetime
    free_seats: int
    within_guarantee: bool | None
    fixed_care_contact: bool


@dataclass(frozen=True)
class SlotPage:
    slots: list[FreeSlot]
    page: int
    has_more: bool


async def free_slots(
    connection: asyncpg.Connection,
    query: SlotQuery,
    *,
    patient: str | None,
    by_staff: bool,
    now: datetime,
    units: tuple[str, ...] = (),
) -> SlotPage:
    """`units`: the staff member's; a contact sought or listed elsewhere is not theirs to search for."""
    if query.date_to <= query.date_from:
        raise InvalidRequest("Slutdatumet måste komma efter startdatumet.")
    if not 1 <= query.page_size <= 100 or query.page < 1:
        raise InvalidRequest("Sidan måste vara 1 eller mer, och sidstorleken mellan 1 och 100.")
    contact = await _contact(connection, query.contact_id, patient, units if by_staff else None)
    professions = list(contact.professions) if contact is not None else None
    latest = rules.latest_start_for(contact, now) if contact is not None else None
    deadline = contact.guarantee_deadline if contact is not None else None
    await store.release_expired_holds(connection, now)
    rows = await connection.fetch(
        """SELECT s.id, s.unit, s.practitioner, p.name AS practitioner_name, t.profession, t.contact_form,
                  t.code AS time_type, t.name AS time_type_name, s.start_at, s.end_at, s.capacity - s.reserved AS free,
                  ($9::timestamptz IS NOT NULL AND s.end_at <= $9) AS within_guarantee,
                  (f.practitioner IS NOT NULL) AS fixed
           FROM slots s
           JOIN time_types t ON t.code = s.time_type
           JOIN practitioners p ON p.hsa_id = s.practitioner
           LEFT JOIN fixed_care_contacts f ON f.practitioner = s.practitioner AND f.patient = $10
           WHERE s.unit = $1 AND NOT s.blocked AND s.reserved < s.capacity
             AND s.start_at > $2 AND s.start_at >= $3 AND s.start_at < $4
             AND ($5::text IS NULL OR t.profession = $5)
             AND ($6::text IS NULL OR t.contact_form = $6)
             AND ($7::text[] IS NULL OR t.profession = ANY($7))
             AND ($8::timestamptz IS NULL OR s.start_at < $8)
             AND (t.visible OR $11 OR ($7::text[] IS NOT NULL AND t.profession = ANY($7)))
           ORDER BY within_guarantee DESC, fixed DESC, s.start_at, p.name
           LIMIT $12 OFFSET $13""",
        query.unit,
        now,
        query.date_from,
        query.date_to,
        query.profession,
        query.contact_form,
        professions,
        latest,
        deadline,
        patient,
        by_staff,
        query.page_size + 1,
        (query.page - 1) * query.page_size,
    )
    slots = [
        FreeSlot(
            r["id"],
            r["unit"],
            r["practitioner"],
            r["practitioner_name"],
            r["profession"],
            r["contact_form"],
            r["time_type"],
            r["time_type_name"],
            r["start_at"],
            r["end_at"],
            r["free"],
            r["within_guarantee"] if deadline is not None else None,
            r["fixed"],
        )
        for r in rows[: query.page_size]
    ]
    if contact is not None and any(slot.within_guarantee for slot in slots):
        # What was shown decides whether a later choice is the patient's own (patientvald väntan).
        await store.note_offer_within_guarantee(connection, contact.contact_id)
    return SlotPage(slots, query.page, has_more=len(rows) > query.page_size)


async def _contact(connection, contact_id: str | None, patient: str | None, staff_units: tuple[str, ...] | None):
    if contact_id is None:
        return None
    by_staff = staff_units is not None
    contact = await store.contact(connection, contact_id)
    # Another's contact is answered as one not known yet: never a hint that it exists.
    if contact is None or not rules.may_use_contact(contact, None if by_staff else patient, staff_units):
        raise NotFound("Vi hittar inte din bedömning än. Vänta en stund och försök igen.")
    if not contact.triaged:
        raise ContactNotBookable(
            "Ärendet är inte bedömt än. Svara på frågorna först, så visar vi vilka tider som passar."
        )
    if contact.closed:
        raise ContactNotBookable("Ärendet är redan avslutat. Gör en ny bedömning om du fortfarande har besvär.")
    if contact.care_level in rules.NOT_WEB_BOOKABLE and not by_staff:  # staff book whatever the care level
        raise ContactNotBookable(rules.NOT_WEB_BOOKABLE[contact.care_level])
    return contact


async def care_units(connection: asyncpg.Connection) -> list[dict]:
    rows = await connection.fetch("SELECT hsa_id, name, address, opening_hours FROM care_units ORDER BY name")
    return [
        {"hsa_id": r["hsa_id"], "name": r["name"], "address": r["address"], "opening_hours": _json(r["opening_hours"])}
        for r in rows
    ]


def _json(value):
    import json

    return json.loads(value) if isinstance(value, str) else value
