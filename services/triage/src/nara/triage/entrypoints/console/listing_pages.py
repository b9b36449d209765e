"""Resolving "listning okänd": staff record where the contact's patient is listed, in the listing register."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from nara.shared.web.pages import Choice, see_other
from nara.shared.web.swedish import UNITS, unit_name

from ...domain.contacts import ContactRefused
from ...domain.refusals import NotPermitted
from ...service import listings
from .common import in_transaction, now_of
from .contact_pages import open_contact
from .kit import LOGIN, ConsoleRoute, CurrentStaff, form_page

router = APIRouter(prefix="/console", route_class=ConsoleRoute)
OTHER = "annan"


def _form(
    request: Request,
    contact: dict[str, Any],
    values: dict[str, str],
    errors: list[tuple[str | None, str]],
    status_code: int = 200,
) -> Response:
    here = contact["unit"]
    options = [Choice(here, f"{unit_name(here)} (den här vårdcentralen)", "Vårdgarantin gäller här.")]
    options += [Choice(unit, name) for unit, name in UNITS.items() if unit != here]
    options.append(Choice(OTHER, "En annan vårdcentral", "Skriv dess HSA-id nedan."))
    return form_page(
        request,
        "listing.html",
        status_code=status_code,
        title="Registrera listning",
        errors=errors,
        values=values,
        contact=contact,
        options=options,
    )


@router.get("/kontakter/{contact_id}/listning")
async def listing_page(request: Request, contact_id: uuid.UUID, staff: CurrentStaff) -> Response:
    contact = await open_contact(request, staff, contact_id)
    return _form(request, contact, {}, [])


@router.post("/kontakter/{contact_id}/listning")
async def record_listing(request: Request, contact_id: uuid.UUID, staff: CurrentStaff) -> Response:
    submitted = await LOGIN.checked_form(request, staff)
    contact = await open_contact(request, staff, contact_id)
    values = {name: (submitted.get(name) or "").strip() for name in ("var", "hsa", "fran")}
    errors: list[tuple[str | None, str]] = []
    unit = values["hsa"] if values["var"] == OTHER else values["var"]
    if not values["var"]:
        errors.append(("var", "Välj var patienten är listad."))
    elif values["var"] == OTHER and not values["hsa"]:
        errors.append(("hsa", "Skriv den andra vårdcentralens HSA-id."))
    elif values["var"] != OTHER and values["var"] != contact["unit"] and values["var"] not in UNITS:
        errors.append(("var", "Välj en av vårdcentralerna i listan."))
    listed_from = None
    if values["fran"]:
        try:
            listed_from = date.fromisoformat(values["fran"])
        except ValueError:
            errors.append(("fran", "Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2024-03-01."))
    if not errors:
        try:
            await in_transaction(
                request,
                lambda c: listings.record_for_contact(
                    c,
                    staff.caller,
                    request.app.state.pseudonymiser,
                    contact_id,
                    unit=unit,
                    listed_from=listed_from,
                    now=now_of(request),
                ),
            )
            return see_other(f"/console/kontakter/{contact_id}?klart=listning")
        except ContactRefused as refused:
            if isinstance(refused, NotPermitted):
                raise
            field = {"invalid_unit": "hsa" if values["var"] == OTHER else "var", "invalid_listed_from": "fran"}.get(
                refused.code or ""
            )
            errors.append((field, refused.message))
    return _form(request, contact, values, errors, status_code=422)
