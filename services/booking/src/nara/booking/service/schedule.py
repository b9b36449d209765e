"""Staff's schedule work: slots from weekly templates, blocking, and patients' fixed care contacts."""

from __future__ import annotations

import uuid
from datetime import date, datetime

import asyncpg

from ..adapters import store
from ..domain.errors import Forbidden, InvalidRequest, NotFound
from ..domain.schedule import WeeklyTemplate, slots_from_templates
from .actors import Actor

MAX_FIXED_CARE_CONTACTS = 9  # plus one fixed doctor contact (patientkontrakt)


async def generate_slots(
    connection: asyncpg.Connection, first_day: date, last_day: date, units: tuple[str, ...] | None = None
) -> int:
    """Create the slots the weekly templates give for these days; existing ones are kept. Returns how many exist."""
    time_types = {row["code"]: store.time_type_from(row) for row in await connection.fetch("SELECT * FROM time_types")}
    rows = await connection.fetch(
        """SELECT w.*, p.unit FROM weekly_templates w JOIN practitioners p ON p.hsa_id = w.practitioner
           WHERE $1::text[] IS NULL OR p.unit = ANY($1::text[])""",
        list(units) if units else None,
    )
    templates = [
        WeeklyTemplate(r["practitioner"], r["unit"], r["time_type"], r["weekday"], r["starts"], r["ends"]) for r in rows
    ]
    planned = slots_from_templates(templates, time_types, first_day, last_day)
    await store.insert_planned_slots(connection, planned)
    return len(planned)


async def set_blocked(connection: asyncpg.Connection, actor: Actor, slot_id: uuid.UUID, blocked: bool) -> dict:
    """Staff block a slot (no new bookings) or open it again; existing bookings stay."""
    slot = await store.slot(connection, slot_id)
    if slot is None or not actor.is_staff or slot.unit not in actor.units:
        raise NotFound("Vi hittar inte den tiden på dina enheter.")
    await connection.execute("UPDATE slots SET blocked = $2 WHERE id = $1", slot_id, blocked)
    return {"id": str(slot_id), "blocked": blocked}


async def record_fixed_care_contact(
    connection: asyncpg.Connection, actor: Actor, *, patient: str, practitioner: str, fixed_doctor: bool, now: datetime
) -> list[dict]:
    unit = await connection.fetchval("SELECT unit FROM practitioners WHERE hsa_id = $1", practitioner)
    if unit is None:
        raise NotFound("Vi hittar ingen sådan behandlare.")
    if unit not in actor.units:
        raise Forbidden("Du kan bara ange fast vårdkontakt på dina egna enheter.")
    profession = await connection.fetchval("SELECT profession FROM practitioners WHERE hsa_id = $1", practitioner)
    if fixed_doctor and profession != "doctor":
        raise InvalidRequest("Fast läkarkontakt måste vara en läkare.")
    # Serialise changes to one patient's list so the limits hold under concurrency.
    await connection.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"fixed-care:{patient}")
    if fixed_doctor:
        await connection.execute("UPDATE fixed_care_contacts SET is_fixed_doctor = false WHERE patient = $1", patient)
    await connection.execute(
        """INSERT INTO fixed_care_contacts (patient, practitioner, is_fixed_doctor, recorded_by, recorded_at)
           VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (patient, practitioner) DO UPDATE SET is_fixed_doctor = $3, recorded_by = $4, recorded_at = $5""",
        patient,
        practitioner,
        fixed_doctor,
        actor.id,
        now,
    )
    others = await connection.fetchval(
        "SELECT count(*) FROM fixed_care_contacts WHERE patient = $1 AND NOT is_fixed_doctor", patient
    )
    if others > MAX_FIXED_CARE_CONTACTS:
        raise InvalidRequest(
            f"En patient kan ha högst {MAX_FIXED_CARE_CONTACTS} fasta vårdkontakter och en fast "
            "läkarkontakt. Ta bort en först."
        )
    return await fixed_care_contacts(connection, patient, actor.units)


async def remove_fixed_care_contact(
    connection: asyncpg.Connection, actor: Actor, *, patient: str, practitioner: str
) -> list[dict]:
    unit = await connection.fetchval("SELECT unit FROM practitioners WHERE hsa_id = $1", practitioner)
    if unit is None or unit not in actor.units:
        raise NotFound("Vi hittar ingen sådan fast vårdkontakt på dina enheter.")
    await connection.execute(
        "DELETE FROM fixed_care_contacts WHERE patient = $1 AND practitioner = $2", patient, practitioner
    )
    return await fixed_care_contacts(connection, patient, actor.units)


async def fixed_care_contacts(connection: asyncpg.Connection, patient: str, units: tuple[str, ...]) -> list[dict]:
    """The patient's fixed care contacts at these units: staff see their own units' care, never another's."""
    rows = await connection.fetch(
        """SELECT f.practitioner, p.name, p.profession, p.unit, f.is_fixed_doctor FROM fixed_care_contacts f
           JOIN practitioners p ON p.hsa_id = f.practitioner WHERE f.patient = $1 AND p.unit = ANY($2::text[])
           ORDER BY f.is_fixed_doctor DESC, p.name""",
        patient,
        list(units),
    )
    return [
        {
            "practitioner": r["practitioner"],
            "name": r["name"],
            "profession": r["profession"],
            "unit": r["unit"],
            "fixed_doctor": r["is_fixed_doctor"],
        }
        for r in rows
    ]
