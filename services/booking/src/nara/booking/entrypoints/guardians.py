"""A citizen acting for their child in the API: custody is asked of the triage service on every such call."""

from __future__ import annotations

from dataclasses import replace

from fastapi import HTTPException, Request

from nara.shared.personnummer import InvalidPersonnummer, normalise

from ..adapters.triage_client import Child, TriageClient, TriageRefused, TriageUnavailable
from ..service.requester import Requester


def _token(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    return token if scheme.lower() == "bearer" else ""


async def _children(request: Request) -> list[Child]:
    try:
        return await TriageClient(request.app.state.settings.triage_url).children(_token(request))
    except TriageRefused:
        return []


async def with_wards(request: Request, requester: Requester) -> Requester:
    """A citizen with the children they may act for today; without the triage service, only themselves."""
    if requester.is_staff:
        return requester
    try:
        children = await _children(request)
    except TriageUnavailable:
        return requester
    pseudonym = request.app.state.pseudonymiser.pseudonym
    return replace(requester, wards=tuple(pseudonym(c.personnummer) for c in children))


async def child_of(request: Request, requester: Requester, personnummer: str) -> tuple[Requester, str]:
    """The citizen as guardian of this child (under 18), and the child's pseudonym; 403 if not their child."""
    try:
        wanted = normalise(personnummer)
    except InvalidPersonnummer as invalid:
        raise HTTPException(422, f"Personnumret går inte att använda: {invalid}") from invalid
    child = request.app.state.pseudonymiser.pseudonym(wanted)
    if child == requester.id:
        return requester, requester.id  # the citizen named themselves
    try:
        children = await _children(request)
    except TriageUnavailable:
        raise HTTPException(503, "Vi kan inte kontrollera vårdnaden just nu. Försök igen om en stund.") from None
    if not any(known.personnummer == wanted for known in children):
        raise HTTPException(403, "Du kan bara boka och se tider för dig själv och för dina barn under 18 år.")
    return replace(requester, wards=(child,)), child
