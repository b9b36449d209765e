"""Waitlist offers as the use cases see them, and what they need of storage (adapters/offers.py)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ..domain.offers import OfferState


@dataclass(frozen=True)
class NewOffer:
    offer_id: uuid.UUID
    token_digest: bytes
    slot_id: uuid.UUID
    entry_id: uuid.UUID
    contact_id: str
    patient: str
    unit: str
    hold_id: uuid.UUID
    offered_at: datetime
    hold_until: datetime


@dataclass(frozen=True)
class StoredOffer:
    """An offer with what its page and its events show of the time."""

    offer_id: uuid.UUID
    slot_id: uuid.UUID
    entry_id: uuid.UUID
    contact_id: str
    patient: str  # pseudonym
    unit: str
    unit_name: str
    profession: str
    slot_start: datetime
    slot_end: datetime
    hold_id: uuid.UUID
    state: OfferState
    offered_at: datetime
    hold_until: datetime
    decided_at: datetime | None
    appointment_id: uuid.UUID | None


class Offers(Protocol):
    async def note_freed(self, slot_ids: Iterable[uuid.UUID]) -> None:
        """These slots may have a free seat now: the offer job looks at each once (in the order they came free)."""

    async def next_freed(self) -> uuid.UUID | None:
        """Take one freed slot off the queue, skipping those another instance is working on; the rollback of
        this unit of work puts it back."""

    async def offer_minutes(self, unit: str) -> int:
        """How long the unit holds a freed time for an offer."""

    async def open_on_slot(self, slot_id: uuid.UUID) -> bool: ...

    async def not_to_ask(self, slot_id: uuid.UUID, entry_ids: Iterable[str]) -> frozenset[str]:
        """Among these entries, those offered this slot before, and those with an open offer already."""

    async def add(self, offer: NewOffer) -> None: ...

    async def mark_hold(self, hold_id: uuid.UUID, offer_id: uuid.UUID) -> None:
        """The hold keeps an offered seat: the patient's other holds do not drop it."""

    async def get(self, offer_id: uuid.UUID, *, lock: bool = False) -> StoredOffer | None: ...

    async def by_token(self, digest: bytes, *, lock: bool = False) -> StoredOffer | None: ...

    async def open_of_entry(self, entry_id: uuid.UUID) -> StoredOffer | None:
        """The entry's open offer, locked."""

    async def open_of_slots(self, slot_ids: list[uuid.UUID]) -> list[StoredOffer]:
        """The open offers of these slots, locked."""

    async def due_to_lapse(self, now: datetime) -> StoredOffer | None:
        """One open offer whose hold ran out, locked, skipping those another instance is working on."""

    async def decide(
        self, offer_id: uuid.UUID, state: OfferState, now: datetime, appointment_id: uuid.UUID | None = None
    ) -> None: ...

    async def drop_hold(self, hold_id: uuid.UUID) -> None:
        """Give the held seat back, unless the hold lapsed (and gave it back) or became a booking already."""

    async def of_contact(self, contact_id: str) -> list[StoredOffer]:
        """The contact's offers, newest first."""
