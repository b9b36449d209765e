"""The waitlist in PostgreSQL (0009_waitlist.sql): entries, their ends, and the candidates for a freed time."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import asyncpg

from nara.shared.care_guarantee import CareGuaranteePolicy
from nara.shared.events.vocabulary import Actor
from nara.shared.identity import record_staff_read
from nara.shared.identity.caller import Caller

from ..domain.day_parts import DayPart
from ..domain.rules import TriagedContact, latest_start_for
from ..domain.waitlist import EntryEnd, FreedSlot, Reach, ReachBy, TriageAllows, WaitingEntry, Wishes
from ..service.waitlist_records import NewEntry, Saved, StoredEntry

ENTRY_COLUMNS = """id, contact_id, patient, units, weekdays, day_parts, contact_forms, reach_by, reach_at, joined_by,
    joined_at, updated_at, ended_at, end_reason"""
# A contact whose registration has not arrived has no deadline yet: it waits behind every known one.
NO_DEADLINE_YET = datetime.max.replace(tzinfo=UTC)


class PostgresWaitlist:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def lock_contact(self, contact_id: str) -> None:
        # An advisory lock, since the entry may not exist yet (a row lock needs a row); released at commit.
        await self._connection.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended('waitlist:' || $1, 0))", contact_id
        )

    async def entry_of_contact(self, contact_id: str) -> StoredEntry | None:
        row = await self._connection.fetchrow(
            f"SELECT {ENTRY_COLUMNS} FROM waitlist_entries WHERE contact_id = $1",  # noqa: S608 - constant columns
            contact_id,
        )
        return None if row is None else _entry(row)

    async def save(self, entry: NewEntry) -> Saved:
        # Joining again changes the entry, or reopens one that was left or booked; an assessed or closed one
        # stays ended (the use case refused it under the lock already). Unchanged wishes write nothing, so two
        # identical joins at once give one entry and one event.
        row = await self._connection.fetchrow(
            f"""INSERT INTO waitlist_entries AS w (id, contact_id, patient, units, weekdays, day_parts, contact_forms,
                   reach_by, reach_at, joined_by, joined_by_id, joined_at, updated_at)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)
               ON CONFLICT (contact_id) DO UPDATE SET
                   units = EXCLUDED.units, weekdays = EXCLUDED.weekdays, day_parts = EXCLUDED.day_parts,
                   contact_forms = EXCLUDED.contact_forms, reach_by = EXCLUDED.reach_by, reach_at = EXCLUDED.reach_at,
                   joined_by = EXCLUDED.joined_by, joined_by_id = EXCLUDED.joined_by_id,
                   -- who asked first keeps their place while waiting; one who left and came back asks anew
                   joined_at = CASE WHEN w.ended_at IS NULL THEN w.joined_at ELSE EXCLUDED.joined_at END,
                   updated_at = EXCLUDED.updated_at, ended_at = NULL, end_reason = NULL, ended_by_id = NULL
               WHERE coalesce(w.end_reason, '') NOT IN ('assessed', 'closed')
                 AND (w.ended_at IS NOT NULL
                      OR (w.units, w.weekdays, w.day_parts, w.contact_forms, w.reach_by, w.reach_at)
                         IS DISTINCT FROM (EXCLUDED.units, EXCLUDED.weekdays, EXCLUDED.day_parts,
                                           EXCLUDED.contact_forms, EXCLUDED.reach_by, EXCLUDED.reach_at))
               RETURNING {ENTRY_COLUMNS}, (xmax = 0) AS inserted""",  # noqa: S608 - constant columns, no values
            entry.entry_id,
            entry.contact_id,
            entry.patient,
            sorted(entry.wishes.units),  # sorted: the same wishes are the same arrays
            sorted(entry.wishes.weekdays),
            sorted(part.value for part in entry.wishes.day_parts),
            sorted(entry.wishes.contact_forms),
            entry.reach.by.value,
            entry.reach.address,
            entry.joined_by.value,
            entry.joined_by_id,
            entry.at,
        )
        if row is not None:
            return Saved(_entry(row), inserted=row["inserted"], changed=True)
        unchanged = await self.entry_of_contact(entry.contact_id)
        if unchanged is None:  # the statement either wrote or found the row
            raise RuntimeError(f"waitlist entry of {entry.contact_id} vanished under its lock")
        return Saved(unchanged, inserted=False, changed=False)

    async def end(self, contact_id: str, reason: EntryEnd, *, by: str | None, at: datetime) -> StoredEntry | None:
        row = await self._connection.fetchrow(
            f"""UPDATE waitlist_entries SET ended_at = $2, end_reason = $3, ended_by_id = $4, updated_at = $2,
                   reach_by = 'none', reach_at = NULL
               WHERE contact_id = $1 AND ended_at IS NULL
               RETURNING {ENTRY_COLUMNS}""",  # noqa: S608 - constant columns, no values
            contact_id,
            at,
            reason.value,
            by,
        )
        return None if row is None else _entry(row)

    async def end_for_good(self, contact_id: str, patient: str, reason: EntryEnd, at: datetime) -> StoredEntry | None:
        ended = await self.end(contact_id, reason, by=None, at=at)
        if ended is not None:
            return ended
        # Not waiting: keep the end (a new row, or over "left"/"booked") so that a join after it is refused.
        await self._connection.execute(
            """INSERT INTO waitlist_entries AS w (id, contact_id, patient, updated_at, ended_at, end_reason)
               VALUES (gen_random_uuid(), $1, $2, $3, $3, $4)
               ON CONFLICT (contact_id) DO UPDATE SET end_reason = EXCLUDED.end_reason, ended_at = EXCLUDED.ended_at,
                   updated_at = EXCLUDED.updated_at
               WHERE w.end_reason NOT IN ('assessed', 'closed')""",
            contact_id,
            patient,
            at,
            reason.value,
        )
        return None

    async def known_units(self, units: frozenset[str]) -> frozenset[str]:
        rows = await self._connection.fetch("SELECT hsa_id FROM care_units WHERE hsa_id = ANY($1::text[])", list(units))
        return frozenset(row["hsa_id"] for row in rows)

    async def candidates(self, slot: FreedSlot, policy: CareGuaranteePolicy, now: datetime) -> list[WaitingEntry]:
        # waitlist_waiting_by_unit (GIN on units, waiting entries only) finds the unit's entries; the rest of the
        # filter runs on those rows. The profession comes from the contact (a retriage changes it), as do the
        # deadlines: the national one as the projection computed it with the shared policy, the regional by it.
        rows = await self._connection.fetch(
            """SELECT w.id, w.contact_id, w.patient, w.units, w.weekdays, w.day_parts, w.contact_forms, w.joined_at,
                      c.professions, c.care_level, c.sought_at, c.guarantee_deadline,
                      coalesce(b.chose_to_wait, false) AS chose_to_wait,
                      coalesce(b.booked_within_deadline, false) AS booked_within_deadline,
                      b.booked_start
               FROM waitlist_entries w
               JOIN contacts c ON c.contact_id = w.contact_id
               -- the contact's booked times, read once per entry (appointments_booked_by_contact)
               LEFT JOIN LATERAL (
                   SELECT bool_or(a.earlier_time_offered_within_guarantee) AS chose_to_wait,
                          bool_or(s.end_at <= c.guarantee_deadline) AS booked_within_deadline,
                          min(s.start_at) AS booked_start
                   FROM appointments a JOIN slots s ON s.id = a.slot_id
                   WHERE a.contact_id = w.contact_id AND a.status = 'booked') b ON true
               WHERE w.ended_at IS NULL AND w.units @> ARRAY[$1]::text[]
                 AND $2 = ANY (c.professions) AND c.closed_at IS NULL
                 AND $3 = ANY (w.contact_forms) AND $4::smallint = ANY (w.weekdays) AND $5 = ANY (w.day_parts)""",
            slot.unit,
            slot.profession,
            slot.contact_form,
            slot.weekday,
            slot.day_part.value,
        )
        return _Candidates(policy, now).of(rows)

    async def log_access(self, reader: Caller, patient: str, *, action: str, at: datetime) -> None:
        await record_staff_read(
            self._connection, reader, patient=patient, action=action, resource=f"waitlist/{patient}", at=at
        )


def _entry(row: Any) -> StoredEntry:
    end_reason = row["end_reason"]
    return StoredEntry(
        entry_id=row["id"],
        contact_id=row["contact_id"],
        patient=row["patient"],
        wishes=_wishes(row),
        reach=Reach(ReachBy(row["reach_by"]), row["reach_at"]),
        joined_by=None if row["joined_by"] is None else Actor(row["joined_by"]),
        joined_at=row["joined_at"],
        updated_at=row["updated_at"],
        ended_at=row["ended_at"],
        end_reason=None if end_reason is None else EntryEnd(end_reason),
    )


def _wishes(row: Any) -> Wishes:
    return Wishes(
        frozenset(row["units"]),
        frozenset(row["weekdays"]),
        frozenset(DayPart(part) for part in row["day_parts"]),
        frozenset(row["contact_forms"]),
    )


class _Candidates:
    """Rows into waiting entries. Thousands of entries share a few wishes and triages: each is built once."""

    def __init__(self, policy: CareGuaranteePolicy, now: datetime) -> None:
        self._policy = policy
        self._now = now
        self._wishes: dict[tuple[Any, ...], Wishes] = {}
        self._allows: dict[tuple[tuple[str, ...], str | None], TriageAllows] = {}

    def of(self, rows: list[Any]) -> list[WaitingEntry]:
        return [self._waiting(row) for row in rows]

    def _waiting(self, row: Any) -> WaitingEntry:
        professions = tuple(row["professions"])
        sought_at = row["sought_at"]
        wished = (tuple(row["units"]), tuple(row["weekdays"]), tuple(row["day_parts"]), tuple(row["contact_forms"]))
        wishes = self._wishes.get(wished) or self._wishes.setdefault(wished, _wishes(row))
        triage = (professions, row["care_level"])
        if triage not in self._allows:
            # same-day care must have its time today (the booking rule's latest start)
            latest = latest_start_for(_contact(row, professions), self._now)
            self._allows[triage] = TriageAllows(frozenset(professions), latest_start=latest)
        return WaitingEntry(
            entry_id=str(row["id"]),
            contact_id=row["contact_id"],
            patient=row["patient"],
            wishes=wishes,
            allows=self._allows[triage],
            national_deadline=row["guarantee_deadline"] or NO_DEADLINE_YET,
            regional_deadline=(
                self._policy.regional_deadline(sought_at, professions[0])
                if sought_at is not None and professions
                else None
            ),
            joined_at=row["joined_at"],
            chose_to_wait=row["chose_to_wait"],
            booked_within_deadline=row["booked_within_deadline"],
            booked_start=row["booked_start"],
        )


def _contact(row: Any, professions: tuple[str, ...]) -> TriagedContact:
    """The contact as the booking rules read it (here: its care level, for same-day care's latest start)."""
    return TriagedContact(
        contact_id=row["contact_id"],
        patient=row["patient"],
        unit=None,
        sought_at=row["sought_at"],
        guarantee_deadline=row["guarantee_deadline"],
        care_level=row["care_level"],
        professions=professions,
        closed=False,
        offered_within_guarantee=False,
    )
