"""What a use case works with: one unit of work (a transaction) holding the repositories and views it needs, the
outbox it announces its events through, and the idempotency records. The adapters implement these ports
(adapters/unit_of_work.py); the entrypoints inject them."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from nara.shared.events.models import EventData
from nara.shared.events.vocabulary import Channel, ContactCloseReason, ListingStatus
from nara.shared.identity.caller import Caller

from ..domain.contact_lifecycle import ContactStatus
from ..domain.engine import Decision
from ..domain.guardianship import Ward
from ..domain.listing import Listing, ListingSource


class Row(Protocol):
    """A stored row as the views give it (a contact with its patient's personnummer and birth date, a listing):
    its columns by name. asyncpg's Record is one, and so is a dict."""

    def __getitem__(self, column: str, /) -> Any: ...


@dataclass(frozen=True)
class NewContact:
    id: uuid.UUID
    patient: str
    unit: str
    listed_unit: str | None
    listing: ListingStatus
    channel: Channel
    sought_at: datetime
    reason_code: str | None
    registered_by: str
    created_at: datetime


@dataclass(frozen=True)
class TriageRecord:
    """One triage of a contact as kept in its history: the answers, both decisions and any override."""

    contact_id: uuid.UUID
    decided_at: datetime
    decided_by: str
    answers: Mapping[str, Any]
    guideline_decision: Mapping[str, Any]
    final_decision: Mapping[str, Any]
    override_reason: str | None
    lowered_red_flags: Sequence[str]


class Patients(Protocol):
    async def ensure(self, patients: Sequence[tuple[str, str, date]]) -> None:
        """(pseudonym, personnummer, birth date) of each patient, added if new."""

    async def identities(self, pseudonyms: Sequence[str], units: Sequence[str]) -> Sequence[Row]:
        """Each pseudonym known here: its personnummer, whether it is listed at one of `units` (listed_here) and
        whether it has a contact at one of them (contact_here); unknown ones are left out."""


class Contacts(Protocol):
    async def add(self, contact: NewContact) -> None: ...

    async def get(self, contact_id: uuid.UUID, *, lock: bool = False) -> Row | None:
        """A contact with its patient's personnummer and birth date; `lock` holds it until the unit of work ends."""

    async def record_triage(self, record: TriageRecord) -> None: ...

    async def mark_triaged(
        self, contact_id: uuid.UUID, reason_code: str, decision: Decision, *, red_flag_overridden: bool
    ) -> None: ...

    async def mark_assessed(self, contact_id: uuid.UUID, *, assessed_at: datetime, by: str) -> None: ...

    async def mark_closed(self, contact_id: uuid.UUID, *, at: datetime, reason: ContactCloseReason) -> None: ...

    async def resolve_listing(
        self, contact_id: uuid.UUID, *, listed_unit: str, listing: ListingStatus, at: datetime
    ) -> None: ...


class ContactViews(Protocol):
    async def queue(self, unit: str, status: ContactStatus | None) -> Sequence[Row]:
        """A unit's contacts in one status, or still waiting for an assessment, the earliest sought first."""

    async def triage_history(self, contact_id: uuid.UUID) -> Sequence[Row]: ...

    async def waiting_for_listing(self, patients: Sequence[str]) -> Sequence[Row]:
        """Contacts registered while their patient's listing was unknown and not yet assessed or closed (locked)."""

    async def has_contact_at(self, patient: str, units: Sequence[str]) -> bool: ...

    async def personnummer_of_contact(self, contact_id: uuid.UUID, units: Sequence[str]) -> str | None: ...


class Listings(Protocol):
    async def listing_of(self, patient: str, *, lock: bool = False) -> Listing | None: ...

    async def listing_row(self, patient: str) -> Row | None: ...

    async def listings_of(self, patients: Sequence[str]) -> dict[str, Listing]: ...

    async def record(
        self, *, patient: str, unit: str, listed_from: date, source: ListingSource, at: datetime, by: str
    ) -> None: ...

    async def record_if_unknown(
        self, *, patient: str, unit: str, listed_from: date, source: ListingSource, at: datetime, by: str
    ) -> bool: ...

    async def record_many(
        self, rows: Sequence[tuple[str, str, date]], *, source: ListingSource, at: datetime, by: str
    ) -> None: ...


class Guardianships(Protocol):
    async def record(self, *, guardian: str, child: str, child_name: str | None, at: datetime, by: str) -> bool:
        """Record (or rename) one guardianship; True if it is new."""

    async def end(self, *, guardian: str, child: str) -> bool: ...

    async def wards_of(self, guardian: str) -> list[Ward]: ...


class AccessLog(Protocol):
    """The staff access log (patientdatalagen), written in the read's own transaction."""

    async def record_read(self, caller: Caller, *, patient: str, action: str, resource: str, at: datetime) -> None: ...

    async def record_repeated_reads(
        self, caller: Caller, reads: list[tuple[str, str]], *, action: str, at: datetime, window: timedelta
    ) -> int: ...


@dataclass(frozen=True)
class Claim:
    """Taking an Idempotency-Key: it is ours to answer (`fresh`), or it holds an earlier answer, or it was used
    for another request (`reused`)."""

    fresh: bool
    reused: bool = False
    status: int | None = None
    body: Any = None


class IdempotencyRecords(Protocol):
    async def claim(self, caller: str, key: str, fingerprint: str, now: datetime) -> Claim:
        """Take the key; a concurrent twin waits until the first commits, then finds its answer."""

    async def remember(self, caller: str, key: str, status: int, body: Any) -> None: ...


class UnitOfWork(Protocol):
    """One transaction: what it changes, the events that announce it and the request's idempotency record
    commit together or not at all."""

    @property
    def patients(self) -> Patients: ...
    @property
    def contacts(self) -> Contacts: ...
    @property
    def contact_views(self) -> ContactViews: ...
    @property
    def listings(self) -> Listings: ...
    @property
    def guardianships(self) -> Guardianships: ...
    @property
    def access_log(self) -> AccessLog: ...
    @property
    def idempotency(self) -> IdempotencyRecords: ...

    async def announce(self, event: EventData, *, subject: str, time: datetime) -> None:
        """Write the event to the outbox, in this transaction; the relay publishes it after the commit."""

    def savepoint(self) -> AbstractAsyncContextManager[object]:
        """A nested transaction: what runs inside is undone on an error, what ran before is kept."""


class UnitsOfWork(Protocol):
    def start(self) -> AbstractAsyncContextManager[UnitOfWork]:
        """A new unit of work; it commits when the block ends, and rolls back on an error."""
