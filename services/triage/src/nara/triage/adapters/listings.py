"""The listing register and the patients it refers to (all SQL for listings is here)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

import asyncpg

from ..domain.listing import Listing, ListingSource


async def ensure_patients(connection: asyncpg.Connection, patients: Sequence[tuple[str, str, date]]) -> None:
    """(pseudonym, personnummer, birth date) for each patient, added if new; one statement for many."""
    if not patients:
        return
    await connection.execute(
        """INSERT INTO patients (pseudonym, personnummer, birth_date)
           SELECT * FROM unnest($1::text[], $2::text[], $3::date[]) ON CONFLICT DO NOTHING""",
        [p[0] for p in patients],
        [p[1] for p in patients],
        [p[2] for p in patients],
    )


async def listing_of(connection: asyncpg.Connection, patient: str, *, lock: bool = False) -> Listing | None:
    row = await connection.fetchrow(
        f"SELECT unit, listed_from, source FROM listings WHERE patient = $1{' FOR UPDATE' if lock else ''}", patient
    )
    return None if row is None else Listing(row["unit"], row["listed_from"], ListingSource(row["source"]))


async def listing_row(connection: asyncpg.Connection, patient: str) -> asyncpg.Record | None:
    return await connection.fetchrow(
        "SELECT patient, unit, listed_from, source, updated_at, updated_by FROM listings WHERE patient = $1", patient
    )


async def listings_of(connection: asyncpg.Connection, patients: Sequence[str]) -> dict[str, Listing]:
    rows = await connection.fetch(
        "SELECT patient, unit, listed_from, source FROM listings WHERE patient = ANY($1::text[]) FOR UPDATE",
        list(patients),
    )
    return {row["patient"]: Listing(row["unit"], row["listed_from"], ListingSource(row["source"])) for row in rows}


async def record(
    connection: asyncpg.Connection,
    *,
    patient: str,
    unit: str,
    listed_from: date,
    source: ListingSource,
    at: datetime,
    by: str,
) -> None:
    await connection.execute(
        """INSERT INTO listings (patient, unit, listed_from, source, updated_at, updated_by)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (patient) DO UPDATE SET unit = excluded.unit, listed_from = excluded.listed_from,
               source = excluded.source, updated_at = excluded.updated_at, updated_by = excluded.updated_by""",
        patient,
        unit,
        listed_from,
        source.value,
        at,
        by,
    )


async def record_if_unknown(
    connection: asyncpg.Connection,
    *,
    patient: str,
    unit: str,
    listed_from: date,
    source: ListingSource,
    at: datetime,
    by: str,
) -> bool:
    """Record a listing only if the register has none for the patient; True if it did."""
    return (
        await connection.fetchval(
            """INSERT INTO listings (patient, unit, listed_from, source, updated_at, updated_by)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (patient) DO NOTHING RETURNING true""",
            patient,
            unit,
            listed_from,
            source.value,
            at,
            by,
        )
        is not None
    )


async def record_many(
    connection: asyncpg.Connection,
    rows: Sequence[tuple[str, str, date]],
    *,
    source: ListingSource,
    at: datetime,
    by: str,
) -> None:
    """(pseudonym, unit, listed from) for each patient, in one statement."""
    if not rows:
        return
    await connection.execute(
        """INSERT INTO listings (patient, unit, listed_from, source, updated_at, updated_by)
           SELECT patient, unit, listed_from, $4, $5, $6
           FROM unnest($1::text[], $2::text[], $3::date[]) AS r (patient, unit, listed_from)
           ON CONFLICT (patient) DO UPDATE SET unit = excluded.unit, listed_from = excluded.listed_from,
               source = excluded.source, updated_at = excluded.updated_at, updated_by = excluded.updated_by""",
        [r[0] for r in rows],
        [r[1] for r in rows],
        [r[2] for r in rows],
        source.value,
        at,
        by,
    )


async def has_contact_at(connection: asyncpg.Connection, patient: str, units: Sequence[str]) -> bool:
    """Whether the patient has a contact at any of these units (staff there may see and resolve the listing)."""
    return bool(
        await connection.fetchval(
            "SELECT EXISTS (SELECT 1 FROM contacts WHERE patient = $1 AND unit = ANY($2::text[]))", patient, list(units)
        )
    )


async def personnummer_of_contact(
    connection: asyncpg.Connection, contact_id: uuid.UUID, units: Sequence[str]
) -> str | None:
    """The patient of a contact at one of these units; None if there is no such contact there."""
    return await connection.fetchval(
        "SELECT p.personnummer FROM contacts c JOIN patients p ON p.pseudonym = c.patient "
        "WHERE c.id = $1 AND c.unit = ANY($2::text[])",
        contact_id,
        list(units),
    )


async def open_contacts_with_unknown_listing(
    connection: asyncpg.Connection, patients: Sequence[str]
) -> list[asyncpg.Record]:
    """The contacts still waiting for a listing: registered while it was unknown, and not yet assessed or closed."""
    return await connection.fetch(
        """SELECT id, patient, unit FROM contacts
           WHERE listing = 'unknown' AND patient = ANY($1::text[]) AND status IN ('open', 'triaged')
           ORDER BY sought_at FOR UPDATE""",
        list(patients),
    )


async def resolve_contact_listing(
    connection: asyncpg.Connection, contact_id: uuid.UUID, *, listed_unit: str, listing: str, at: datetime
) -> None:
    await connection.execute(
        "UPDATE contacts SET listed_unit = $2, listing = $3, listing_resolved_at = $4 WHERE id = $1",
        contact_id,
        listed_unit,
        listing,
        at,
    )
