"""Waitlist offers (issue 18, "an offer is a hold"): a freed time is held for the waiting patient first in line
(service/waitlist.py, candidates_for); the patient takes it through the normal booking (`book`, taking the held
seat) or says no; an unanswered offer lapses. A decline, a lapse or a withdrawal gives the seat back and notes the
time as freed again, so it passes to the next in line. Each step is an event in the outbox, in the step's own
transaction; the offer's message waits in the message outbox (its key `offer-<offer_id>`)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from nara.shared.care_guarantee import CareGuaranteePolicy
from nara.shared.clock import to_stockholm
from nara.shared.events.models import (
    WaitlistOfferAccepted,
    WaitlistOfferDeclined,
    WaitlistOffered,
    WaitlistOfferLapsed,
)
from nara.shared.messaging import Channel
from nara.shared.web.labels import label
from nara.shared.web.swedish import FILTERS

from ..domain.appointment import AppointmentStatus
from ..domain.errors import NotFound
from ..domain.offers import Answer, OfferState, new_token, next_state, token_digest
from ..domain.offers import breach_prevented as prevented_breach
from ..domain.schedule import Slot
from ..domain.waitlist import FreedSlot, ReachBy, WaitingEntry
from .appointments import BookingPolicy, book, cancel_for_earlier_time
from .message_records import OutgoingMessage, Purpose
from .offer_ends import close, offer_fields
from .offer_records import NewOffer, StoredOffer
from .records import AppointmentRecord
from .requester import Requester
from .unit_of_work import UnitOfWork
from .waitlist import candidates_for

OFFER_NOT_FOUND = "Vi hittar inget sådant erbjudande. Länken kan vara felskriven."
SWAPPED = "Bytt till en tidigare tid"
ASK_AT_A_TIME = 50
# What a time that asks for the visit's reason is booked with when the contact has no booked time to take it from:
# the triaged contact (ärendet) holds what the visit is about.
REASON_FROM_CONTACT = "Tidigare tid från kön. Se ärendet för vad besöket gäller."


@dataclass(frozen=True)
class OfferSettings:
    """Where the offer's link points (the citizens' pages' origin) and the guarantee the order is read against."""

    site: str = "http://127.0.0.1:8001"
    guarantee: CareGuaranteePolicy = field(default_factory=CareGuaranteePolicy)

    def link(self, token: str) -> str:
        return f"{self.site.rstrip('/')}/erbjudande/{token}"


@dataclass(frozen=True)
class Made:
    """An offer the job made, with the link's token (only here and in the message: never stored)."""

    offer: NewOffer
    token: str


@dataclass(frozen=True)
class Accepted:
    offer: StoredOffer
    appointment: AppointmentRecord
    already: bool  # taken earlier (another tab): the same time, booked once


# --- the job's steps ----------------------------------------------------------------------------------------------


async def offer_next_freed(uow: UnitOfWork, now: datetime, settings: OfferSettings) -> tuple[bool, Made | None]:
    """Look at one freed time: (whether there was one, the offer made of it if any)."""
    slot_id = await uow.offers.next_freed()
    if slot_id is None:
        return False, None
    return True, await offer_slot(uow, slot_id, now, settings)


async def offer_slot(uow: UnitOfWork, slot_id: uuid.UUID, now: datetime, settings: OfferSettings) -> Made | None:
    """Hold the slot's free seat for the first in line who was not asked yet; None when nobody fits or no seat
    is free. A slot with an open offer waits: it is noted freed again when that offer ends."""
    slot = await uow.slots.slot(slot_id)
    if slot is None or not _may_be_offered(slot, now) or await uow.offers.open_on_slot(slot_id):
        return None
    freed = _freed(slot)
    in_order = await candidates_for(uow, freed, now=now, policy=settings.guarantee)
    if not in_order:
        return None
    chosen = await _first_to_ask(uow, slot_id, in_order)
    if chosen is None or not await uow.slots.take_seat(slot_id, chosen.patient, now):
        return None
    hold_until = now + timedelta(minutes=await uow.offers.offer_minutes(slot.unit))
    hold = await uow.slots.add_hold(slot_id, chosen.patient, now, hold_until)
    token = new_token()
    offer = NewOffer(
        uuid.uuid4(),
        token_digest(token),
        slot_id,
        uuid.UUID(chosen.entry_id),
        chosen.contact_id,
        chosen.patient,
        slot.unit,
        hold.id,
        now,
        hold_until,
    )
    await uow.offers.add(offer)
    await uow.offers.mark_hold(hold.id, offer.offer_id)
    await _leave_message(uow, offer, slot, settings.link(token))
    await uow.announce(_offered(offer, chosen, slot, now), subject=chosen.patient, time=now)
    return Made(offer, token)


async def lapse_next(uow: UnitOfWork, now: datetime) -> StoredOffer | None:
    """One open offer whose hold ran out lapses: the seat is given back and the time passes on."""
    found = await uow.offers.due_to_lapse(now)
    if found is None:
        return None
    next_state(found.state, Answer.LAPSE, now=now, hold_until=found.hold_until)
    await close(uow.offers, found, OfferState.LAPSED, now)
    event = WaitlistOfferLapsed(**offer_fields(found), lapsed_at=now)
    await uow.announce(event, subject=found.patient, time=now)
    return found


async def note_freed(uow: UnitOfWork, slot_ids: list[uuid.UUID]) -> None:
    """A seat came free on these slots (in the freeing use case's transaction): the offer job looks at them."""
    if slot_ids:
        await uow.offers.note_freed(slot_ids)


# --- the patient's answers ----------------------------------------------------------------------------------------


async def offer_by_token(uow: UnitOfWork, token: str) -> StoredOffer:
    """The offer a link names, for its page; anyone with the link sees the time, nothing about the patient."""
    found = await uow.offers.by_token(token_digest(token))
    if found is None:
        raise NotFound(OFFER_NOT_FOUND)
    return found


async def accept(
    uow: UnitOfWork,
    requester: Requester,
    *,
    now: datetime,
    policy: BookingPolicy,
    token: str | None = None,
    offer_id: uuid.UUID | None = None,
) -> Accepted:
    """Book the held time for the patient (themselves or their child); the contact's later booked time, if any, is
    cancelled in the same transaction and offered on. Accepting twice (two tabs) books once: the offer's row lock
    queues the second, which then finds the time already theirs."""
    found = await _locked(uow, token, offer_id)
    if found is None or not requester.may_act_for(found.patient):
        raise NotFound(OFFER_NOT_FOUND)
    if found.state is OfferState.ACCEPTED and found.appointment_id is not None:
        booked = await uow.appointments.get(found.appointment_id)
        if booked is not None:
            return Accepted(found, booked, already=True)
    next_state(found.state, Answer.ACCEPT, now=now, hold_until=found.hold_until)
    contact = await uow.contacts.get(found.contact_id)
    deadline = contact.guarantee_deadline if contact is not None else None
    booked_now = [
        appointment
        for appointment in await uow.views.appointments_of_patient(found.patient)
        if appointment.contact_id == found.contact_id and appointment.status is AppointmentStatus.BOOKED
    ]
    had_time_inside = deadline is not None and any(a.end_at <= deadline for a in booked_now)
    later = [a for a in booked_now if a.start_at > found.slot_start]
    reason = next((a.reason for a in later if a.reason), None)
    slot = await uow.slots.slot(found.slot_id)
    if reason is None and slot is not None and slot.time_type.reason_required:
        reason = REASON_FROM_CONTACT
    for appointment in later:
        await cancel_for_earlier_time(uow, requester, appointment.id, reason=SWAPPED, now=now)
    record = await book(
        uow,
        requester,
        slot_id=found.slot_id,
        patient=found.patient,
        contact_id=found.contact_id,
        reason=reason,
        now=now,
        policy=policy,
    )
    await uow.offers.decide(found.offer_id, OfferState.ACCEPTED, now, record.id)
    event = WaitlistOfferAccepted(
        **offer_fields(found),
        appointment_id=str(record.id),
        accepted_at=now,
        breach_prevented=prevented_breach(
            national_deadline=deadline, had_time_inside=had_time_inside, now=now, accepted_end=record.end_at
        ),
    )
    await uow.announce(event, subject=found.patient, time=now)
    return Accepted(found, record, already=False)


async def decline(
    uow: UnitOfWork,
    *,
    now: datetime,
    token: str | None = None,
    offer_id: uuid.UUID | None = None,
    requester: Requester | None = None,
) -> StoredOffer:
    """Say no to the offer: from the link alone (no login), or by the patient through the API."""
    found = await _locked(uow, token, offer_id)
    if found is None or (requester is not None and not requester.may_act_for(found.patient)):
        raise NotFound(OFFER_NOT_FOUND)
    next_state(found.state, Answer.DECLINE, now=now, hold_until=found.hold_until)
    await close(uow.offers, found, OfferState.DECLINED, now)
    event = WaitlistOfferDeclined(**offer_fields(found), declined_at=now)
    await uow.announce(event, subject=found.patient, time=now)
    return found


async def offers_of_contact(uow: UnitOfWork, contact_id: str) -> list[StoredOffer]:
    """The contact's offers, newest first (the caller has checked who may read the contact)."""
    return await uow.offers.of_contact(contact_id)


# --- the message --------------------------------------------------------------------------------------------------


def offer_message(offer: NewOffer, slot: Slot, link: str) -> tuple[str, str]:
    """(subject, body) in plain Swedish: the time, the unit, the profession, until when it is held, the link.
    No name and no personnummer: whoever reads the phone learns only that a time is offered."""
    when = FILTERS["date_time"](slot.start_at)
    profession = label(slot.time_type.profession, "profession", missing="").lower()
    answer_by = FILTERS["time"](offer.hold_until)
    if to_stockholm(offer.hold_until).date() != to_stockholm(offer.offered_at).date():
        answer_by = FILTERS["date_time"](offer.hold_until)
    subject = f"En tidigare tid hos {slot.unit_name}"
    body = (
        f"En tidigare tid har blivit ledig för ditt ärende: {when}, {profession} på {slot.unit_name}.\n"
        f"Vi håller tiden åt dig. Svara senast {answer_by}:\n{link}\n"
        "Svarar du inte i tid går tiden vidare till nästa som väntar. Har du en senare tid för samma ärende "
        "avbokas den när du tar den här.\n"
    )
    return subject, body


async def _leave_message(uow: UnitOfWork, offer: NewOffer, slot: Slot, link: str) -> None:
    entry = await uow.waitlist.entry_of_contact(offer.contact_id)
    if entry is None or entry.reach.by is ReachBy.NONE or not entry.reach.address:
        return  # they look under Mina tider themselves
    subject, body = offer_message(offer, slot, link)
    channel = Channel.SMS if entry.reach.by is ReachBy.SMS else Channel.EMAIL
    message = OutgoingMessage(
        f"offer-{offer.offer_id}",
        Purpose.OFFER,
        offer.patient,
        channel,
        entry.reach.address,
        body,
        offer.offered_at,
        subject if channel is Channel.EMAIL else "",
    )
    await uow.messages.leave(message, now=offer.offered_at)


# --- shared steps -------------------------------------------------------------------------------------------------


def _may_be_offered(slot: Slot, now: datetime) -> bool:
    # Staff-only times are never offered on the web.
    return not slot.blocked and slot.start_at > now and not slot.time_type.staff_only


async def _first_to_ask(uow: UnitOfWork, slot_id: uuid.UUID, in_order: list[WaitingEntry]) -> WaitingEntry | None:
    """The first in line not asked this time before and not holding another offer; asked of storage a few at a
    time, since the first few almost always give one (10,000 may wait at a unit)."""
    for start in range(0, len(in_order), ASK_AT_A_TIME):
        few = in_order[start : start + ASK_AT_A_TIME]
        skip = await uow.offers.not_to_ask(slot_id, [entry.entry_id for entry in few])
        chosen = next((entry for entry in few if entry.entry_id not in skip), None)
        if chosen is not None:
            return chosen
    return None


def _freed(slot: Slot) -> FreedSlot:
    kind = slot.time_type
    return FreedSlot(
        slot.unit, kind.profession, kind.code, kind.contact_form, slot.start_at, staff_only=kind.staff_only
    )


async def _locked(uow: UnitOfWork, token: str | None, offer_id: uuid.UUID | None) -> StoredOffer | None:
    if token is not None:
        return await uow.offers.by_token(token_digest(token), lock=True)
    if offer_id is not None:
        return await uow.offers.get(offer_id, lock=True)
    return None


def _offered(offer: NewOffer, entry: WaitingEntry, slot: Slot, now: datetime) -> WaitlistOffered:
    standing = entry.standing(now).value
    return WaitlistOffered(
        entry_id=entry.entry_id,
        contact_id=entry.contact_id,
        patient=entry.patient,
        offer_id=str(offer.offer_id),
        slot_id=str(offer.slot_id),
        unit=slot.unit,
        profession=slot.time_type.profession,
        slot_start=slot.start_at,
        national_deadline=entry.national_deadline,
        standing=standing,  # type: ignore[arg-type]  # breached, at_risk or on_track: a waiting entry's standing
        offered_at=now,
        hold_until=offer.hold_until,
    )
