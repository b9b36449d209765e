"""The waitlist in the API (/api/v1/waitlist): a citizen puts their own or their child's triaged contact on it,
staff put their units' contacts on it (access-logged); both change what suits, leave, and read the entry."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from nara.shared.identity import Caller, CurrentCaller

from ..domain.day_parts import DayPart
from ..domain.errors import BookingRefused
from ..domain.waitlist import MAX_UNITS, Reach, ReachBy, Wishes
from ..service import waitlist as use_cases
from ..service.requester import Requester
from ..service.unit_of_work import UnitOfWork
from ..service.waitlist_records import StoredEntry
from .api import CurrentRequester, IdempotencyKey, Now, answers
from .fields import ContactId, HsaId
from .guardians import with_wards
from .problems import refusal
from .transactions import run_once
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
    except BookingRefused as refused:
        return refusal(refused)
    return JSONResponse(jsonable_encoder(entry_view(entry)))


def _reader(requester: Requester, caller: Caller) -> Caller | None:
    return caller if requester.is_staff else None
