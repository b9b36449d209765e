"""How an open offer ends without being taken: declined, lapsed or withdrawn. The hold gives its seat back and the
time is noted freed again, so the offer job passes it to the next in line. Apart from service/offers.py so that the
waitlist's own use cases (an entry that stops waiting) can withdraw an offer."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime

from nara.shared.events.models import EventData, WaitlistOfferWithdrawn

from ..domain.offers import OfferState
from .offer_records import Offers, StoredOffer
from .unit_of_work import UnitOfWork

Announce = Callable[[EventData, str, datetime], Awaitable[None]]  # (event, subject, time): into the outbox


def announcer(uow: UnitOfWork) -> Announce:
    """The unit of work's outbox as an Announce."""

    async def announce(event: EventData, subject: str, time: datetime) -> None:
        await uow.announce(event, subject=subject, time=time)

    return announce


async def withdraw_open_offer(
    offers: Offers, announce: Announce, entry_id: uuid.UUID, now: datetime, *, unless_slot: uuid.UUID | None = None
) -> None:
    """The entry stopped waiting: its open offer (if any) is taken back and the time passes on. Not the offer
    on `unless_slot`, the time that was just booked from it."""
    found = await offers.open_of_entry(entry_id)
    if found is None or found.slot_id == unless_slot:
        return
    await close(offers, found, OfferState.WITHDRAWN, now)
    event = WaitlistOfferWithdrawn(**offer_fields(found), reason="entry_ended", withdrawn_at=now)
    await announce(event, found.patient, now)


async def withdraw_offers_on(offers: Offers, announce: Announce, slot_ids: list[uuid.UUID], now: datetime) -> None:
    """These slots were blocked or withdrawn: an offer open on one of them is taken back (the time is gone)."""
    if not slot_ids:
        return
    for found in await offers.open_of_slots(slot_ids):
        await close(offers, found, OfferState.WITHDRAWN, now)
        event = WaitlistOfferWithdrawn(**offer_fields(found), reason="slot_gone", withdrawn_at=now)
        await announce(event, found.patient, now)


async def close(offers: Offers, found: StoredOffer, state: OfferState, now: datetime) -> None:
    await offers.decide(found.offer_id, state, now)
    await offers.drop_hold(found.hold_id)
    await offers.note_freed([found.slot_id])


def offer_fields(offer: StoredOffer) -> dict[str, str]:
    return {
        "entry_id": str(offer.entry_id),
        "contact_id": offer.contact_id,
        "patient": offer.patient,
        "offer_id": str(offer.offer_id),
        "slot_id": str(offer.slot_id),
        "unit": offer.unit,
    }
