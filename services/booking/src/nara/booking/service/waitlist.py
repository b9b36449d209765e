"""The waitlist's use cases: a citizen (for themselves or a child) or staff (for their units' contacts) put a
triaged contact on it, change what suits, leave it, read it; the entry ends by itself when the contact is assessed
or closed, or a time inside the guarantee deadline is booked. Each step is an event in the outbox; staff reads and
writes are access-logged. Who gets a freed time is the domain's rule (domain/waitlist.py), on the candidates the
adapter finds."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime

from nara.shared.care_guarantee import CareGuaranteePolicy
from nara.shared.events.models import EventData, WaitlistEnded, WaitlistJoined, WaitlistLeft
from nara.shared.identity.caller import Caller

from ..domain import rules
from ..domain.errors import ContactNotBookable, InvalidRequest, NotFound
from ..domain.rules import TriagedContact
from ..domain.waitlist import EntryEnd, FreedSlot, Reach, WaitingEntry, Wishes, offer_order
from .offer_ends import announcer, withdraw_open_offer
from .offer_records import Offers
from .requester import Requester
from .unit_of_work import UnitOfWork
from .waitlist_records import NewEntry, StoredEntry, Waitlist

Announce = Callable[[EventData, str, datetime], Awaitable[None]]  # (event, subject, time): into the outbox

ALREADY_ENDED = "Ärendet är redan bedömt eller avslutat. Du behöver inte stå i kö för det längre."
NOT_ON_LIST = "Ärendet står inte i kö till en tidigare tid."
UNKNOWN_UNIT = "Vi hittar inte en av vårdcentralerna du valde. Välj bland dem som finns."


async def join(
    uow: UnitOfWork,
    requester: Requester,
    contact_id: str,
    *,
    wishes: Wishes,
    reach: Reach,
    now: datetime,
    reader: Caller | None = None,
) -> tuple[StoredEntry, bool]:
    """Put a triaged contact on the waitlist, or change its entry; True when it changed (and was announced)."""
    contact = await _contact_of(uow, requester, contact_id)
    rules.ensure_contact_may_search(contact, by_staff=requester.is_staff)
    unknown = wishes.units - await uow.waitlist.known_units(wishes.units)
    if unknown:
        raise InvalidRequest(UNKNOWN_UNIT)
    waitlist = uow.waitlist
    await waitlist.lock_contact(contact_id)
    existing = await waitlist.entry_of_contact(contact_id)
    if existing is not None and existing.end_reason is not None and existing.end_reason.final:
        raise ContactNotBookable(ALREADY_ENDED)
    patient = str(contact.patient)
    await _log(uow, reader, patient, "join waitlist", now)
    saved = await waitlist.save(
        NewEntry(uuid.uuid4(), contact_id, patient, wishes, reach, requester.kind, requester.id, now)
    )
    if saved.changed:
        event = WaitlistJoined(
            entry_id=str(saved.entry.entry_id),
            contact_id=contact_id,
            patient=patient,
            units=sorted(wishes.units),
            again=not saved.inserted,
            joined_by=requester.kind,
            joined_at=now,
        )
        await uow.announce(event, subject=patient, time=now)
    return saved.entry, saved.changed


async def leave(
    uow: UnitOfWork, requester: Requester, contact_id: str, *, now: datetime, reader: Caller | None = None
) -> StoredEntry:
    """Take the contact off the waitlist; leaving twice answers as the first time did."""
    contact = await _contact_of(uow, requester, contact_id)
    await uow.waitlist.lock_contact(contact_id)
    await _log(uow, reader, str(contact.patient), "leave waitlist", now)
    ended = await uow.waitlist.end(contact_id, EntryEnd.LEFT, by=requester.id, at=now)
    if ended is None:
        entry = await uow.waitlist.entry_of_contact(contact_id)
        if entry is None:
            raise NotFound(NOT_ON_LIST)
        return entry
    event = WaitlistLeft(
        entry_id=str(ended.entry_id),
        contact_id=contact_id,
        patient=ended.patient,
        left_by=requester.kind,
        left_at=now,
    )
    await uow.announce(event, subject=ended.patient, time=now)
    await withdraw_open_offer(uow.offers, announcer(uow), ended.entry_id, now)
    return ended


async def read_entry(
    uow: UnitOfWork, requester: Requester, contact_id: str, *, now: datetime, reader: Caller | None = None
) -> StoredEntry:
    contact = await _contact_of(uow, requester, contact_id)
    entry = await uow.waitlist.entry_of_contact(contact_id)
    await _log(uow, reader, str(contact.patient), "read waitlist entry", now)
    if entry is None or entry.joined_at is None:  # an end alone (assessed before joining) is no entry to show
        raise NotFound(NOT_ON_LIST)
    return entry


async def contact_and_entry(
    uow: UnitOfWork, requester: Requester, contact_id: str
) -> tuple[TriagedContact, StoredEntry | None]:
    """For the citizen's page: the contact (theirs or their child's) and its entry, if it has one to show."""
    contact = await _contact_of(uow, requester, contact_id)
    entry = await uow.waitlist.entry_of_contact(contact_id)
    return contact, None if entry is None or entry.joined_at is None else entry


async def end_when_booked(
    uow: UnitOfWork,
    contact: TriagedContact | None,
    slot_end: datetime,
    now: datetime,
    *,
    booked_slot: uuid.UUID | None = None,
) -> None:
    """A time inside the contact's guarantee deadline was booked: nothing earlier is needed, the entry ends, and an
    offer open for it on another time is withdrawn."""
    if contact is None or not rules.ends_within_guarantee(contact.guarantee_deadline, slot_end):
        return
    await uow.waitlist.lock_contact(contact.contact_id)
    ended = await uow.waitlist.end(contact.contact_id, EntryEnd.BOOKED, by=None, at=now)
    if ended is not None:
        await uow.announce(_ended(ended, EntryEnd.BOOKED, now), subject=ended.patient, time=now)
        await withdraw_open_offer(uow.offers, announcer(uow), ended.entry_id, now, unless_slot=booked_slot)


async def end_for_good(
    waitlist: Waitlist,
    announce: Announce,
    contact_id: str,
    patient: str,
    reason: EntryEnd,
    at: datetime,
    offers: Offers | None = None,
) -> None:
    """The contact was assessed or closed (triage's events): its entry ends, and no later join reopens it; an open
    offer is withdrawn."""
    await waitlist.lock_contact(contact_id)
    ended = await waitlist.end_for_good(contact_id, patient, reason, at)
    if ended is not None:
        await announce(_ended(ended, reason, at), ended.patient, at)
        if offers is not None:
            await withdraw_open_offer(offers, announce, ended.entry_id, at)


async def candidates_for(
    uow: UnitOfWork, slot: FreedSlot, *, now: datetime, policy: CareGuaranteePolicy
) -> list[WaitingEntry]:
    """Who may have a freed time, in the order they are offered it."""
    return offer_order(slot, await uow.waitlist.candidates(slot, policy, now), now)


async def _contact_of(uow: UnitOfWork, requester: Requester, contact_id: str) -> TriagedContact:
    """The contact, if the requester may act for it: a citizen for their own or their child's, staff for a
    contact sought or listed at one of their units; another's is answered as unknown (no hint it exists)."""
    contact = await uow.contacts.get(contact_id)
    if contact is None or contact.patient is None:
        raise NotFound(rules.CONTACT_NOT_KNOWN_YET)
    allowed = contact.seen_at_any(requester.units) if requester.is_staff else requester.may_act_for(contact.patient)
    if not allowed:
        raise NotFound(rules.CONTACT_NOT_KNOWN_YET)
    return contact


async def _log(uow: UnitOfWork, reader: Caller | None, patient: str, action: str, now: datetime) -> None:
    if reader is not None:
        await uow.waitlist.log_access(reader, patient, action=action, at=now)


def _ended(entry: StoredEntry, reason: EntryEnd, at: datetime) -> WaitlistEnded:
    return WaitlistEnded(
        entry_id=str(entry.entry_id),
        contact_id=entry.contact_id,
        patient=entry.patient,
        reason=reason.value,  # type: ignore[arg-type]  # assessed, closed or booked: never left
        ended_at=at,
    )
