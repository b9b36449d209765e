"""'En tidigare tid är ledig': the page an offer's link opens (/erbjudande/{token}). Anyone with the link sees the
time, the unit, the profession and until when it is held, and nothing about the patient; "Nej tack" works from the
link alone (the unguessable token is what allows it); "Ta tiden" needs the citizen's login (the patient or their
guardian) and comes back here after it. A link that was answered, lapsed or withdrawn says so, never an error.

A patient who chose to look for themselves (no SMS or e-mail) answers the same offer from /tidigare-tid/{contact}."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from nara.shared.identity import IdentitySettings, identity_settings, request_time
from nara.shared.web.pages import see_other

from ...domain.errors import BookingRefused, NotFound
from ...domain.offers import CLOSED_MESSAGES, OfferClosed, OfferState
from ...service import offers as use_cases
from ...service.offer_records import StoredOffer
from ...service.offers import Accepted
from ..problems import status_of
from ..wiring import now_of
from .common import attempt
from .kit import BookingRoute, problem_page, render
from .next_step import NextStep
from .patient_steps import household
from .session import Citizen, CurrentCitizen, LoginRequired, checked_form, current_citizen, login_location

router = APIRouter(route_class=BookingRoute, include_in_schema=False)
NOT_YOURS = (
    "Erbjudandet gäller någon annan. Den som tiden erbjuds, eller en vårdnadshavare till barnet, behöver logga in "
    "för att ta tiden."
)

HEADINGS = {
    OfferState.OPEN: "En tidigare tid är ledig",
    OfferState.ACCEPTED: "Tiden är redan din",
    OfferState.DECLINED: "Du har tackat nej till tiden",
    OfferState.LAPSED: "Tiden har gått vidare",
    OfferState.WITHDRAWN: "Erbjudandet gäller inte längre",
}


async def maybe_citizen(
    request: Request,
    settings: Annotated[IdentitySettings, Depends(identity_settings)],
    now: Annotated[datetime, Depends(request_time)],
) -> Citizen | None:
    """The citizen if logged in; the offer's page is shown without a login too."""
    try:
        return await current_citizen(request, settings, now)
    except LoginRequired:
        return None


MaybeCitizen = Annotated[Citizen | None, Depends(maybe_citizen)]


def address_of(token: str) -> str:
    return f"/erbjudande/{token}"


@router.get("/erbjudande/{token}")
async def offer_page(request: Request, token: str, citizen: MaybeCitizen, klart: str | None = None) -> HTMLResponse:
    found, refused = await attempt(request, lambda uow: use_cases.offer_by_token(uow, token))
    if found is None:
        return _unknown(request, refused)
    heading = "Tiden är din" if klart == "ja" and found.state is OfferState.ACCEPTED else None
    return _page(request, found, citizen, form_action=address_of(token), heading=heading)


@router.post("/erbjudande/{token}/ta")
async def take_offer(request: Request, token: str, citizen: MaybeCitizen) -> Response:
    if citizen is None:  # log in first, then back to the offer to take it
        return see_other(login_location(address_of(token)))
    await checked_form(request, citizen)
    actor = (await household(request, citizen)).actor
    now, policy = now_of(request), request.app.state.policy
    accepted, refused = await attempt(
        request, lambda uow: use_cases.accept(uow, actor, token=token, now=now, policy=policy)
    )
    return await _after_accept(request, citizen, accepted, refused, address_of(token), token=token)


@router.post("/erbjudande/{token}/nej")
async def decline_offer(request: Request, token: str, citizen: MaybeCitizen) -> Response:
    now = now_of(request)
    _, refused = await attempt(request, lambda uow: use_cases.decline(uow, token=token, now=now))
    return await _after_decline(request, citizen, refused, address_of(token), token=token)


# The same answers from the waitlist page, for a patient who looks for themselves (no link was sent).


@router.post("/tidigare-tid/{contact_id}/erbjudande/{offer_id}/ta")
async def take_offer_logged_in(
    request: Request, contact_id: str, offer_id: uuid.UUID, citizen: CurrentCitizen
) -> Response:
    await checked_form(request, citizen)
    actor = (await household(request, citizen)).actor
    now, policy = now_of(request), request.app.state.policy
    accepted, refused = await attempt(
        request, lambda uow: use_cases.accept(uow, actor, offer_id=offer_id, now=now, policy=policy)
    )
    return await _after_accept(request, citizen, accepted, refused, _waitlist_action(contact_id, offer_id))


@router.post("/tidigare-tid/{contact_id}/erbjudande/{offer_id}/nej")
async def decline_offer_logged_in(
    request: Request, contact_id: str, offer_id: uuid.UUID, citizen: CurrentCitizen
) -> Response:
    await checked_form(request, citizen)
    actor = (await household(request, citizen)).actor
    now = now_of(request)
    _, refused = await attempt(request, lambda uow: use_cases.decline(uow, offer_id=offer_id, now=now, requester=actor))
    return await _after_decline(request, citizen, refused, _waitlist_action(contact_id, offer_id), offer_id=offer_id)


async def _after_accept(
    request: Request,
    citizen: Citizen,
    accepted: Accepted | None,
    refused: BookingRefused | None,
    form_action: str,
    *,
    token: str | None = None,
) -> Response:
    if accepted is not None:
        if accepted.already:  # the other tab was first: the same time, booked once
            return _page(
                request, accepted.offer, citizen, form_action=form_action, heading=HEADINGS[OfferState.ACCEPTED]
            )
        return see_other(f"/mina-tider/{accepted.appointment.id}?klart=bokad")
    found = await _reread(request, token=token, offer_id=_offer_id_of(form_action))
    if found is None:
        return _unknown(request, refused)
    if isinstance(refused, OfferClosed) or refused is None:
        return _page(request, found, citizen, form_action=form_action, closed=refused)
    if isinstance(refused, NotFound):  # the link reached someone else, logged in as themselves
        return _page(request, found, citizen, form_action=form_action, error=NOT_YOURS, status_code=404)
    return _page(
        request, found, citizen, form_action=form_action, error=refused.message, status_code=status_of(refused)
    )


async def _after_decline(
    request: Request,
    citizen: Citizen | None,
    refused: BookingRefused | None,
    form_action: str,
    *,
    token: str | None = None,
    offer_id: uuid.UUID | None = None,
) -> Response:
    if refused is None and token is not None:
        return see_other(address_of(token))
    found = await _reread(request, token=token, offer_id=offer_id)
    if found is None:
        return _unknown(request, refused)
    return _page(
        request, found, citizen, form_action=form_action, closed=refused if isinstance(refused, OfferClosed) else None
    )


async def _reread(request: Request, *, token: str | None, offer_id: uuid.UUID | None) -> StoredOffer | None:
    if token is not None:
        found, _ = await attempt(request, lambda uow: use_cases.offer_by_token(uow, token))
        return found  # type: ignore[no-any-return]
    if offer_id is not None:
        found, _ = await attempt(request, lambda uow: uow.offers.get(offer_id))
        return found  # type: ignore[no-any-return]
    return None


def _page(
    request: Request,
    offer: StoredOffer,
    citizen: Citizen | None,
    *,
    form_action: str,
    heading: str | None = None,
    closed: OfferClosed | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    state = closed.state if closed is not None else offer.state
    message = closed.message if closed is not None else CLOSED_MESSAGES.get(state, "")
    title = heading or HEADINGS[state]
    return render(
        request,
        "offer.html",
        title=title,
        heading=title,
        errors=[(None, error)] if error else [],
        status_code=status_code,
        citizen=citizen,
        next_step=NextStep(_step(state)),
        offer=offer,
        open=state is OfferState.OPEN,
        message=message,
        form_action=form_action,
    )


def _step(state: OfferState) -> str:
    if state is OfferState.OPEN:
        return "Ta tiden eller tacka nej innan den slutar hållas åt dig."
    if state is OfferState.ACCEPTED:
        return "Se tiden under Mina tider."
    return "Du behöver inte göra något."


def _unknown(request: Request, refused: BookingRefused | None) -> HTMLResponse:
    return problem_page(
        request,
        "Vi hittar inte erbjudandet",
        refused.message if refused is not None else use_cases.OFFER_NOT_FOUND,
        status_code=404,
        action=("/mina-tider", "Mina tider"),
        step="Se dina tider under Mina tider.",
    )


def _waitlist_action(contact_id: str, offer_id: uuid.UUID) -> str:
    return f"/tidigare-tid/{contact_id}/erbjudande/{offer_id}"


def _offer_id_of(form_action: str) -> uuid.UUID | None:
    if form_action.startswith("/tidigare-tid/"):
        return uuid.UUID(form_action.rsplit("/", 1)[-1])
    return None
