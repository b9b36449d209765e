"""The waitlist in the API (/api/v1/waitlist): a citizen puts their own or their child's triaged contact on it,
staff put their units' contacts on it (access-logged); both change what suits, leave, and read the entry with its
offers. A citizen accepts or declines an offer of a freed time (/api/v1/waitlist/offers/{offer_id}/...)."""

from __future__ import annotations

import uuid
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from nara.shared.identity import Caller, CurrentCaller

from ..domain.day_parts import DayPart
from ..domain.errors import BookingRefused, Forbidden
from ..domain.waitlist import MAX_UNITS, Reach, ReachBy, Wishes
from ..service import offers as offer_cases
from ..service import waitlist as use_cases
from ..service.offer_records import StoredOffer
from ..service.offers import Accepted
from ..service.requester import Requester
from ..service.unit_of_work import UnitOfWork
from ..service.waitlist_records import StoredEntry
from .api import CurrentRequester, IdempotencyKey, Now, answers, policy_of
from .fields import ContactId, HsaId
from .guardians import with_wards
from .problems import refusal
from .transactions import run_once
from .views import appointment_view
from .wiring import unit_of_work

router = APIRouter(prefix="/api/v1", tags=["waitlist"])


class ReachRequest(BaseModel):
    by: Literal["sms", "email", "none"] = Field(
        description="How to hear of an earlier time: SMS, e-mail or not at all."
    )
    address: str | None = Field(
        None, max_length=254, description="The mobile number or e-mail address; never put in an event or a log."
    )


class JoinRequest(BaseModel):
    contact_id: ContactId = Field(description="The triaged contact (ärende) an earlier time is wanted for.")
    units: list[HsaId] = Field(min_length=1, max_length=MAX_UNITS, description="The care units whose times suit.")
    weekdays: list[int] = Field(
        default=[0, 1, 2, 3, 4], min_length=1, max_length=7, description="0 Monday .. 6 Sunday (Stockholm)."
    )
    day_parts: list[Literal["morning", "afternoon", "evening"]] = Field(
        default=["morning", "afternoon", "evening"], min_length=1, max_length=3
    )
    contact_forms: list[Literal["clinic", "home", "phone", "video", "chat_letter"]] = Field(
        default=["clinic"], min_length=1, max_length=5, description="How the patient can meet the care."
    )
    reach: ReachRequest = Field(default_factory=lambda: ReachRequest(by="none"))


def entry_view(entry: StoredEntry) -> dict[str, Any]:
    return {
        "entry_id": str(entry.entry_id),
        "contact_id": entry.contact_id,
        "waiting": entry.waiting,
        "units": sorted(entry.wishes.units),
        "weekdays": sorted(entry.wishes.weekdays),
        "day_parts": [part.value for part in DayPart if part in entry.wishes.day_parts],
        "contact_forms": sorted(entry.wishes.contact_forms),
        "reach": {"by": entry.reach.by.value, "address": entry.reach.address},
        "joined_by": None if entry.joined_by is None else entry.joined_by.value,
        "joined_at": entry.joined_at,
        "updated_at": entry.updated_at,
        "ended_at": entry.ended_at,
        "end_reason": None if entry.end_reason is None else entry.end_reason.value,
    }


def offer_view(offer: StoredOffer) -> dict[str, Any]:
    return {
        "offer_id": str(offer.offer_id),
        "slot_id": str(offer.slot_id),
        "unit": offer.unit,
        "slot_start": offer.slot_start,
        "state": offer.state.value,
        "offered_at": offer.offered_at,
        "hold_until": offer.hold_until,
        "decided_at": offer.decided_at,
    }


@router.post("/waitlist", responses=answers(403, 404, 409, 503))
async def join_waitlist(
    request: Request,
    body: JoinRequest,
    requester: CurrentRequester,
    caller: CurrentCaller,
    now: Now,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Ask for an earlier time for a triaged contact: which units, weekdays, parts of the day and contact forms suit,
    and how to be reached. One entry per contact: joining again changes it (or reopens one that was left).
    Answers the entry and `changed` (false: it already said this)."""
    requester = await with_wards(request, requester)

    async def action(uow: UnitOfWork) -> tuple[StoredEntry, bool]:
        wishes = Wishes.of(body.units, body.weekdays, [DayPart(p) for p in body.day_parts], body.contact_forms)
        reach = Reach.of(ReachBy(body.reach.by), body.reach.address)
        return await use_cases.join(
            uow, requester, body.contact_id, wishes=wishes, reach=reach, now=now, reader=_reader(requester, caller)
        )

    outcome = await run_once(
        unit_of_work(request),
        action,
        lambda result: {"changed": result[1], "entry": entry_view(result[0])},
        caller=requester.id,
        idempotency_key=idempotency_key,
        request={"op": "waitlist/join", **body.model_dump(mode="json")},
        now=now,
    )
    return outcome.response()


@router.post("/waitlist/{contact_id}/leave", responses=answers(403, 404, 409, 503))
async def leave_waitlist(
    request: Request,
    contact_id: ContactId,
    requester: CurrentRequester,
    caller: CurrentCaller,
    now: Now,
    idempotency_key: IdempotencyKey = None,
) -> JSONResponse:
    """Stop waiting for an earlier time for this contact; the number or address given is forgotten."""
    requester = await with_wards(request, requester)

    async def action(uow: UnitOfWork) -> StoredEntry:
        return await use_cases.leave(uow, requester, contact_id, now=now, reader=_reader(requester, caller))

    outcome = await run_once(
        unit_of_work(request),
        action,
        entry_view,
        caller=requester.id,
        idempotency_key=idempotency_key,
        request={"op": "waitlist/leave", "contact_id": contact_id},
        now=now,
    )
    return outcome.response()


@router.get("/waitlist/{contact_id}", responses=answers(403, 404, 503))
async def read_waitlist_entry(
    request: Request, contact_id: ContactId, requester: CurrentRequester, caller: CurrentCaller, now: Now
) -> JSONResponse:
    """The contact's waitlist entry, waiting or ended: the patient's own, their child's, or (access-logged) staff's."""
    requester = await with_wards(request, requester)
    try:
        async with unit_of_work(request) as uow:
            entry = await use_cases.read_entry(uow, requester, contact_id, now=now, reader=_reader(requester, caller))
            offers = await offer_cases.offers_of_contact(uow, contact_id)
    except BookingRefused as refused:
        return refusal(refused)
    return JSONResponse(jsonable_encoder({**entry_view(entry), "offers": [offer_view(o) for o in offers]}))


@router.post("/waitlist/offers/{offer_id}/accept", responses=answers(403, 404, 409, 503))
async def accept_offer(
    request: Request, offer_id: uuid.UUID, requester: CurrentRequester, now: Now, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    """Take the offered time (a citizen, for themselves or their child): it is booked, and the contact's later
    booked time, if any, is cancelled. Accepting again answers with the same booking (`already` true); an offer
    that was declined, lapsed or withdrawn is a 409 problem (code offer_closed)."""
    requester = await with_wards(request, requester)
    policy = policy_of(request)

    async def action(uow: UnitOfWork) -> Accepted:
        if requester.is_staff:
            raise Forbidden("Bara patienten, eller en vårdnadshavare, kan ta en erbjuden tid.")
        return await offer_cases.accept(uow, requester, offer_id=offer_id, now=now, policy=policy)

    outcome = await run_once(
        unit_of_work(request),
        action,
        lambda accepted: {
            "already": accepted.already,
            "offer": {
                **offer_view(accepted.offer),
                "state": "accepted",
                "decided_at": accepted.offer.decided_at or now,
            },
            "appointment": appointment_view(accepted.appointment),
        },
        caller=requester.id,
        idempotency_key=idempotency_key,
        request={"op": "waitlist/offer/accept", "offer_id": str(offer_id)},
        now=now,
    )
    return outcome.response()


@router.post("/waitlist/offers/{offer_id}/decline", responses=answers(403, 404, 409, 503))
async def decline_offer(
    request: Request, offer_id: uuid.UUID, requester: CurrentRequester, now: Now, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    """Say no to the offered time; it passes to the next in line. The patient stays on the waitlist."""
    requester = await with_wards(request, requester)

    async def action(uow: UnitOfWork) -> StoredOffer:
        if requester.is_staff:
            raise Forbidden("Bara patienten, eller en vårdnadshavare, kan tacka nej till en erbjuden tid.")
        return await offer_cases.decline(uow, offer_id=offer_id, now=now, requester=requester)

    outcome = await run_once(
        unit_of_work(request),
        action,
        lambda declined: {**offer_view(declined), "state": "declined", "decided_at": now},
        caller=requester.id,
        idempotency_key=idempotency_key,
        request={"op": "waitlist/offer/decline", "offer_id": str(offer_id)},
        now=now,
    )
    return outcome.response()


def _reader(requester: Requester, caller: Caller) -> Caller | None:
    return caller if requester.is_staff else None
