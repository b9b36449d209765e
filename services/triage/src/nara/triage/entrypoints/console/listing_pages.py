"""Resolving "listning okänd": staff record where the contact's patient is listed, in the listing register."""

from __future__ import annotations

import uuid
from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ...domain.contacts import ContactRefused
from ...domain.refusals import NotPermitted
from ...service import listings
from .common import ConsoleRoute, in_transaction, now_of, page, see_other
from .contact_pages import open_contact
from .html import Choice, button, fmt, form, join, radios, text_input
from .session import CurrentStaff, Staff, checked_form
from .swedish import UNITS, unit_name
from .views import personnummer_text

router = APIRouter(prefix="/console", route_class=ConsoleRoute)
OTHER = "annan"


def _form(
    request: Request,
    staff: Staff,
    contact: dict,
    values: dict,
    errors: list[tuple[str | None, str]],
    status_code: int = 200,
) -> Response:
    here = contact["unit"]
    options = [Choice(here, f"{unit_name(here)} (den här vårdcentralen)", "Vårdgarantin gäller här.")]
    options += [Choice(unit, name) for unit, name in UNITS.items() if unit != here]
    options.append(Choice(OTHER, "En annan vårdcentral", "Skriv dess HSA-id nedan."))
    field_errors = dict(e for e in errors if e[0])
    content = join(
        [
            radios(
                "var",
                "Var är patienten listad?",
                options,
                checked=values.get("var"),
                error=field_errors.get("var"),
                legend_class="legend-m",
            ),
            text_input(
                "hsa",
                "Den andra vårdcentralens HSA-id",
                value=values.get("hsa", ""),
                error=field_errors.get("hsa"),
                hint="Bara om du valde En annan vårdcentral. Till exempel SE2321000115-E00000000099.",
                width="20",
                spellcheck=False,
            ),
            text_input(
                "fran",
                "Listad sedan (valfritt)",
                value=values.get("fran", ""),
                error=field_errors.get("fran"),
                hint="ÅÅÅÅ-MM-DD. Lämna tomt om du inte vet: då sparas dagens datum.",
                width="10",
                inputmode="numeric",
                spellcheck=False,
            ),
            button("Spara listningen"),
        ]
    )
    base = f"/console/kontakter/{contact['id']}"
    body = fmt(
        '<span class="caption">$who</span><h1 class="heading-l">Registrera listning</h1>'
        '<p class="body">Listningen är okänd, så kontakten omfattas av vårdgarantin här tills du vet mer. '
        "Fråga patienten eller se efter i listningssystemet. Listningen sparas i listningsregistret och "
        "gäller patientens alla kontakter som väntar på den.</p>$form"
        '<p><a class="link" href="$base">Tillbaka till kontakten</a></p>',
        who=personnummer_text(contact["personnummer"]),
        form=form(f"{base}/listning", staff.csrf, content),
        base=base,
    )
    return page(request, title="Registrera listning", body=body, staff=staff, errors=errors, status_code=status_code)


@router.get("/kontakter/{contact_id}/listning")
async def listing_page(request: Request, contact_id: uuid.UUID, staff: CurrentStaff) -> Response:
    contact = await open_contact(request, staff, contact_id)
    return _form(request, staff, contact, {}, [])


@router.post("/kontakter/{contact_id}/listning")
async def record_listing(request: Request, contact_id: uuid.UUID, staff: CurrentStaff) -> Response:
    submitted = await checked_form(request, staff)
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
    return _form(request, staff, contact, values, errors, status_code=422)
