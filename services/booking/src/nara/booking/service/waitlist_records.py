"""The waitlist as it is stored and read: what the port returns and what the API and pages show."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from nara.shared.care_guarantee import CareGuaranteePolicy
from nara.shared.events.vocabulary import Actor
from nara.shared.identity.caller import Caller

from ..domain.waitlist import EntryEnd, FreedSlot, Reach, WaitingEntry, Wishes


@dataclass(frozen=True)
class StoredEntry:
    """A contact's waitlist entry; `ended_at` None while it waits."""

    entry_id: uuid.UUID
    contact_id: str
    patient: str  # pseudonym
    wishes: Wishes
    reach: Reach
    joined_by: Actor | None
    joined_at: datetime | None
    updated_at: datetime
    ended_at: datetime | None
    end_reason: EntryEnd | None

    @property
    def waiting(self) -> bool:
        return self.ended_at is None


@dataclass(frozen=True)
class NewEntry:
    """What a join writes: a new entry, or the contact's entry changed or reopened."""

    entry_id: uuid.UUID
    contact_id: str
    patient: str
    wishes: Wishes
    reach: Reach
    joined_by: Actor
    joined_by_id: str
    at: datetime


@dataclass(frozen=True)
class Saved:
    entry: StoredEntry
    inserted: bool  # a new entry
    changed: bool  # inserted, reopened, or different wishes or reach: announced; False: as it was


class Waitlist(Protocol):
    async def lock_contact(self, contact_id: str) -> None:
        """Serialise joins, leaves and ends of one contact until commit (an entry may not exist yet)."""

    async def entry_of_contact(self, contact_id: str) -> StoredEntry | None: ...

    async def save(self, entry: NewEntry) -> Saved:
        """Insert the contact's entry, or update and reopen the one it has (one per contact)."""

    async def end(self, contact_id: str, reason: EntryEnd, *, by: str | None, at: datetime) -> StoredEntry | None:
        """End the contact's waiting entry and forget how to reach the patient; None when none was waiting."""

    async def end_for_good(self, contact_id: str, patient: str, reason: EntryEnd, at: datetime) -> StoredEntry | None:
        """Assessed or closed: end the waiting entry (returned), or keep the end alone so a later join is refused."""

    async def known_units(self, units: frozenset[str]) -> frozenset[str]: ...

    async def candidates(self, slot: FreedSlot, policy: CareGuaranteePolicy, now: datetime) -> list[WaitingEntry]:
        """The waiting entries at the slot's unit whose profession, contact form, weekday and part of the day fit,
        with their deadlines by `policy`; the domain orders them (waitlist.offer_order)."""

    async def log_access(self, reader: Caller, patient: str, *, action: str, at: datetime) -> None: ...
