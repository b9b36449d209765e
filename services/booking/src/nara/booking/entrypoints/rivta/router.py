"""RIVTA crm:scheduling 1.1, producer side: each interaction at /rivta/crm/scheduling/<Interaction>/1/rivtabp21,
its WSDL at ?wsdl. Only the configured platform client (1177's national service platform) may call."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import Response

from nara.shared.identity import Caller, CurrentCaller

from ...domain.errors import BookingRefused
from .contract import interaction, schema_errors, wsdl_of
from .handlers import HANDLERS
from .interactions import Call, care_unit_name
from .soap import XML_TYPE, SoapFault, answer, fault, read_request

router = APIRouter(prefix="/rivta/crm/scheduling", tags=["rivta"])
PATH = "/{name}/1/rivtabp21"
log = logging.getLogger(__name__)


@router.get(PATH, response_class=Response, include_in_schema=False)
async def wsdl(request: Request, name: str) -> Response:
    """The interaction's WSDL (?wsdl), its schemas inline."""
    found = interaction(name)
    if found is None:
        return fault(SoapFault(f"Nära har ingen tjänst {name}."))
    location = str(request.url.replace(query=""))
    return Response(wsdl_of(found, location), media_type=XML_TYPE)


@router.post(PATH, response_class=Response, include_in_schema=False)
async def call(request: Request, name: str, caller: CurrentCaller) -> Response:
    found = interaction(name)
    if found is None:
        return fault(SoapFault(f"Nära har ingen tjänst {name}."))
    try:
        _ensure_platform(request, caller)
        soap = read_request(await request.body(), found)
        if errors := schema_errors(found.name, soap.body):
            raise SoapFault("Meddelandet följer inte schemat: " + "; ".join(errors[:3]))
        unit_name = await care_unit_name(request, soap.logical_address)
        if unit_name is None or soap.logical_address not in caller.units:
            raise SoapFault(f"Den logiska adressen {soap.logical_address} är ingen vårdenhet som Nära tar emot för.")
        response = await HANDLERS[found.name](Call(request, caller, soap.logical_address, unit_name, found, soap.body))
        if errors := schema_errors(found.name, response):
            log.error("rivta %s: the response does not fit the schema: %s", found.name, errors)
            raise SoapFault("Tjänsten kunde inte svara. Försök igen senare.", client=False)
    except SoapFault as refused:
        return fault(refused)
    except BookingRefused as refused:  # a read the use cases refuse (dates in the wrong order): the caller's to fix
        return fault(SoapFault(refused.message))
    return answer(response)


def _ensure_platform(request: Request, caller: Caller) -> None:
    """The platform's credential: a staff token (role ops, which the REST API lets read no bookings) whose subject
    is the configured platform client id, and whose units are those connected to 1177."""
    if caller.is_citizen or caller.subject != request.app.state.settings.rivta_platform_client_id:
        raise SoapFault("Bara den nationella tjänsteplattformen får anropa RIVTA-tjänsterna.")
