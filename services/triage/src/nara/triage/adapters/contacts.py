"""The contacts, their triage history and their patients (all SQL for contacts is here)."""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import date, datetime

import asyncpg

from nara.shared.events.vocabulary import ContactCloseReason, ListingStatus

from ..domain.contact_lifecycle import OPEN_STATUSES, ContactStatus, ensure_may_become, may_become
from ..domain.engine import Decision
from ..service.unit_of_work import NewContact, Row, TriageRecord

_JSON_COLUMNS = ("answers", "guideline_decision", "final_decision")
CONTACT_QUERY = "SELECT c.*, p.personnummer, p.birth_date FROM contacts c JOIN patients p ON p.pseudonym = c.patient"


def _statuses_that_may_become(target: ContactStatus) -> list[str]:
    """The guard of an UPDATE to `target`: the domain's lifecycle, checked once more as the row changes."""
    return [status.value for status in ContactStatus if may_become(status, target)]


class PostgresPatients:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def ensure(self, patients: Sequence[tuple[str, str, date]]) -> None:
        """(pseudonym, personnummer, birth date) for each patient, added if new; one statement for many."""
        if not patients:
            return
        await self._connection.execute(
            """INSERT INTO patients (pseudonym, personnummer, birth_date)
               SELECT * FROM unnest($1::text[], $2::text[], $3::date[]) ON CONFLICT DO NOTHING""",
            [p[0] for p in patients],
            [p[1] for p in patients],
            [p[2] for p in patients],
        )

    async def identities(self, pseudonyms: Sequence[str], units: Sequence[str]) -> Sequence[Row]:
        rows: Sequence[Row] = await self._connection.fetch(
            """SELECT p.pseudonym, p.personnummer,
                      EXISTS (SELECT FROM listings l WHERE l.patient = p.pseudonym AND l.unit = ANY($2::text[]))
                          AS listed_here,
                      EXISTS (SELECT FROM contacts c WHERE c.patient = p.pseudonym AND c.unit = ANY($2::text[]))
                          AS contact_here
               FROM patients p WHERE p.pseudonym = ANY($1::text[]) ORDER BY p.pseudonym""",
            list(pseudonyms),
            list(units),
        )
        return rows


class PostgresContacts:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def add(self, contact: NewContact) -> None:
        await self._connection.execute(
            """INSERT INTO contacts (id, patient, unit, listed_unit, listing, channel, sought_at, reason_code,
                                     registered_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)""",
            contact.id,
            contact.patient,
            contact.unit,
            contact.listed_unit,
            contact.listing.value,
            contact.channel.value,
            contact.sought_at,
            contact.reason_code,
            contact.registered_by,
            contact.created_at,
        )

    async def get(self, contact_id: uuid.UUID, *, lock: bool = False) -> Row | None:
        row: Row | None = await self._connection.fetchrow(
            f"{CONTACT_QUERY} WHERE c.id = $1{' FOR UPDATE OF c' if lock else ''}", contact_id
        )
        return row

    async def record_triage(self, record: TriageRecord) -> None:
        await self._connection.execute(
            """INSERT INTO triage_decisions (contact_id, decided_at, decided_by, answers, guideline_decision,
                                             final_decision, override_reason, lowered_red_flags)
               VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6::jsonb, $7, $8)""",
            record.contact_id,
            record.decided_at,
            record.decided_by,
            json.dumps(record.answers),
            json.dumps(record.guideline_decision),
            json.dumps(record.final_decision),
            record.override_reason,
            list(record.lowered_red_flags),
        )

    async def mark_triaged(
        self, contact_id: uuid.UUID, reason_code: str, decision: Decision, *, red_flag_overridden: bool
    ) -> None:
        await self._change_status(
            """UPDATE contacts SET status = $2, reason_code = $4, urgency = $5, care_level = $6, profession = $7,
                   guarantee_applies = $8, guideline_version = $9, red_flag_overridden = $10
               WHERE id = $1 AND status = ANY($3::text[]) RETURNING id""",
            contact_id,
            ContactStatus.TRIAGED,
            reason_code,
            decision.urgency.value,
            decision.care_level.value,
            decision.profession.value,
            decision.guarantee_applies,
            decision.guideline_version,
            red_flag_overridden,
        )

    async def mark_assessed(self, contact_id: uuid.UUID, *, assessed_at: datetime, by: str) -> None:
        await self._change_status(
            """UPDATE contacts SET status = $2, assessed_at = $4, assessed_by = $5
               WHERE id = $1 AND status = ANY($3::text[]) RETURNING id""",
            contact_id,
            ContactStatus.ASSESSED,
            assessed_at,
            by,
        )

    async def mark_closed(self, contact_id: uuid.UUID, *, at: datetime, reason: ContactCloseReason) -> None:
        await self._change_status(
            """UPDATE contacts SET status = $2, closed_at = $4, close_reason = $5
               WHERE id = $1 AND status = ANY($3::text[]) RETURNING id""",
            contact_id,
            ContactStatus.CLOSED,
            at,
            reason.value,
        )

    async def _change_status(self, update: str, contact_id: uuid.UUID, target: ContactStatus, *values: object) -> None:
        """Run an UPDATE to `target` ($2) guarded by the statuses that may go there ($3), its values from $4 on."""
        changed = await self._connection.fetchval(
            update, contact_id, target.value, _statuses_that_may_become(target), *values
        )
        if changed is None:  # the use case checked the lifecycle on the locked row: this is the last line
            status = await self._connection.fetchval("SELECT status FROM contacts WHERE id = $1", contact_id)
            ensure_may_become(status, target)

    async def resolve_listing(
        self, contact_id: uuid.UUID, *, listed_unit: str, listing: ListingStatus, at: datetime
    ) -> None:
        await self._connection.execute(
            "UPDATE contacts SET listed_unit = $2, listing = $3, listing_resolved_at = $4 WHERE id = $1",
            contact_id,
            listed_unit,
            listing.value,
            at,
        )


class PostgresContactViews:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def queue(self, unit: str, status: ContactStatus | None) -> Sequence[Row]:
        statuses = [status.value] if status else [s.value for s in OPEN_STATUSES]
        rows: Sequence[Row] = await self._connection.fetch(
            f"""{CONTACT_QUERY} WHERE c.unit = $1 AND c.status = ANY($2::text[]) ORDER BY c.sought_at LIMIT 500""",
            unit,
            statuses,
        )
        return rows

    async def triage_history(self, contact_id: uuid.UUID) -> Sequence[Row]:
        """Each triage of the contact, the first first, its answers and decisions as JSON values."""
        rows = await self._connection.fetch(
            "SELECT decided_at, decided_by, answers, guideline_decision, final_decision, override_reason, "
            "lowered_red_flags FROM triage_decisions WHERE contact_id = $1 ORDER BY decided_at",
            contact_id,
        )
        return [{**row, **{column: json.loads(row[column]) for column in _JSON_COLUMNS}} for row in rows]

    async def waiting_for_listing(self, patients: Sequence[str]) -> Sequence[Row]:
        rows: Sequence[Row] = await self._connection.fetch(
            """SELECT id, patient, unit FROM contacts
               WHERE listing = $3 AND patient = ANY($1::text[]) AND status = ANY($2::text[])
               ORDER BY sought_at FOR UPDATE""",
            list(patients),
            [s.value for s in OPEN_STATUSES],
            ListingStatus.UNKNOWN.value,
        )
        return rows

    async def has_contact_at(self, patient: str, units: Sequence[str]) -> bool:
        """Whether the patient has a contact at any of these units (staff there may see and resolve the listing)."""
        return bool(
            await self._connection.fetchval(
                "SELECT EXISTS (SELECT 1 FROM contacts WHERE patient = $1 AND unit = ANY($2::text[]))",
                patient,
                list(units),
            )
        )

    async def personnummer_of_contact(self, contact_id: uuid.UUID, units: Sequence[str]) -> str | None:
        """The patient of a contact at one of these units; None if there is no such contact there."""
        personnummer: str | None = await self._connection.fetchval(
            "SELECT p.personnummer FROM contacts c JOIN patients p ON p.pseudonym = c.patient "
            "WHERE c.id = $1 AND c.unit = ANY($2::text[])",
            contact_id,
            list(units),
        )
        return personnummer
