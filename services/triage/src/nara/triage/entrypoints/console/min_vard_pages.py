"""Min vård from the console (/console/kontakter/{id}/min-vard): reception writes the contact's patient's agreement,
fixed care contacts and plan in booking, which owns the patient contract, on the staff member's own token (booking
checks the unit, access-logs the read and write, and announces each change). The patient reads it on /min-vard."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from nara.shared.web.labels import label
from nara.shared.web.login import Staff
from nara.shared.web.pages import Choice
from nara.shared.web.session import Form

from ...adapters.booking_client import BookingRefused
from ...adapters.patient_contract_client import PatientContractClient
from .contact_pages import open_contact
from .kit import KIT, LOGIN, ConsoleRoute, CurrentStaff, form_page

router = APIRouter(prefix="/console", route_class=ConsoleRoute)
Errors = list[tuple[str | None, str]]
MAX_ROWS = 32  # booking keeps at most 30 activities; two blank rows add new ones
BLANK_ROWS = 2
NO_DOCTOR = "ingen"
TIMINGS = [Choice("date", "En dag"), Choice("week", "En vecka"), Choice("when_suits", "När det passar")]
STATUSES = [Choice("planned", "Planerad"), Choice("done", "Klar"), Choice("cancelled", "Inställd")]
DONE = {
    "overenskommelse": "Överenskommelsen är sparad. Patienten ser den i Min vård.",
    "kontakter": "De fasta vårdkontakterna är sparade.",
    "plan": "Planen är sparad. Patienten ser den i Min vård.",
}
UNCHANGED = "Inget var ändrat, så inget sparades."


def _client(request: Request, staff: Staff) -> PatientContractClient:
    return PatientContractClient(request.app.state.settings.booking_url, staff.token)


@router.get("/kontakter/{contact_id}/min-vard")
async def min_vard_page(request: Request, contact_id: uuid.UUID, staff: CurrentStaff) -> Response:
    contact = await open_contact(request, staff, contact_id)
    return await _page(request, staff, contact, None, [], "")


@router.post("/kontakter/{contact_id}/min-vard")
async def save_part(request: Request, contact_id: uuid.UUID, staff: CurrentStaff) -> Response:
    form = await LOGIN.checked_form(request, staff)
    contact = await open_contact(request, staff, contact_id)
    part = form.get("del")
    if part not in DONE:
        return await _page(request, staff, contact, None, [], "")
    body, errors = _body(part, form, contact)
    if errors:
        return await _page(request, staff, contact, form, errors, "", status_code=422)
    wire = {"overenskommelse": "agreement", "kontakter": "fixed-contacts", "plan": "plan"}[part]
    try:
        written = await _client(request, staff).write(wire, body, f"console:{form.get('nyckel')}")
    except BookingRefused as refused:
        if refused.status != 422:
            return KIT.problem_page(request, "Det gick inte", refused.detail, status_code=refused.status)
        field = _field_of(part, refused.detail)
        return await _page(request, staff, contact, form, [(field, refused.detail)], "", status_code=422)
    return await _page(request, staff, contact, None, [], DONE[part] if written.get("changed") else UNCHANGED)


def _body(part: str, form: Form, contact: dict[str, Any]) -> tuple[dict[str, Any], Errors]:
    common = {"patient": contact["personnummer"], "unit": contact["unit"]}
    if part == "overenskommelse":
        return {**common, "care_does": form.get("vard_gor"), "patient_does": form.get("patient_gor")}, []
    if part == "kontakter":
        doctor = form.get("lakare")
        return {
            **common,
            "practitioners": form.all("kontakter"),
            "doctor": None if doctor in ("", NO_DOCTOR) else doctor,
        }, []
    items: list[dict[str, Any]] = []
    errors: Errors = []
    for row in range(1, MAX_ROWS + 1):
        what, day = form.get(f"vad-{row}"), form.get(f"dag-{row}")
        if not what and not day:
            continue
        kind = form.get(f"nar-{row}") or "when_suits"
        if kind != "when_suits":
            try:
                date.fromisoformat(day)
            except ValueError:
                errors.append((f"dag-{row}", f"Rad {row}: skriv dagen som ÅÅÅÅ-MM-DD, till exempel 2026-12-14."))
                continue
        when = {"kind": kind, "day": day if kind != "when_suits" else None}
        items.append(
            {
                "what": what,
                "who": form.get(f"vem-{row}"),
                "when": when,
                "status": form.get(f"status-{row}") or "planned",
            }
        )
    return {**common, "items": items}, errors


def _field_of(part: str, detail: str) -> str | None:
    """The field booking's sentence is about: the plan's row it names ("Aktivitet 2: ..."), else the part's first."""
    if part == "plan" and detail.startswith("Aktivitet "):
        return f"vad-{detail.split()[1].rstrip(':')}"
    return {"overenskommelse": "vard_gor", "kontakter": "kontakter", "plan": None}[part]


def _rows(contract: dict[str, Any], typed: Form | None) -> list[dict[str, str]]:
    blank = [{"vad": "", "vem": "", "nar": "date", "dag": "", "status": "planned"} for _ in range(BLANK_ROWS)]
    if typed is not None:
        rows = [
            {key: typed.get(f"{key}-{n}") for key in ("vad", "vem", "nar", "dag", "status")}
            for n in range(1, MAX_ROWS + 1)
        ]
        return [r for r in rows if r["vad"] or r["dag"]] + blank
    stored = [
        {
            "vad": item["what"],
            "vem": item["who"],
            "nar": item["when"]["kind"],
            "dag": item["when"]["day"] or "",
            "status": item["status"],
        }
        for item in contract["plan"]["items"]
    ]
    return stored + blank


async def _page(
    request: Request,
    staff: Staff,
    contact: dict[str, Any],
    typed: Form | None,
    errors: Errors,
    done: str,
    status_code: int = 200,
) -> Response:
    client = _client(request, staff)
    try:
        contract = await client.contract(contact["personnummer"])
        practitioners = await client.practitioners(contact["unit"])
    except BookingRefused as refused:
        return KIT.problem_page(request, "Min vård går inte att visa", refused.detail, status_code=refused.status)
    here = [c for c in contract["fixed_care_contacts"] if c["unit"] == contact["unit"]]
    agreement = contract["agreement"] or {}
    doctors = [p for p in practitioners if p["profession"] == "doctor"]
    return form_page(
        request,
        "min_vard.html",
        title="Min vård",
        errors=errors,
        status_code=status_code,
        saved=done,
        contact=contact,
        contract=contract,
        key=str(uuid.uuid4()),
        values={
            "vard_gor": typed.get("vard_gor") if typed else agreement.get("care_does", ""),
            "patient_gor": typed.get("patient_gor") if typed else agreement.get("patient_does", ""),
        },
        others=[c for c in contract["fixed_care_contacts"] if c["unit"] != contact["unit"]],
        contact_choices=[
            Choice(p["hsa_id"], p["name"], label(p["profession"], "profession"))
            for p in practitioners
            if p["profession"] != "doctor"
        ]
        + [Choice(p["hsa_id"], p["name"], "Läkare") for p in doctors],
        contacts_checked=typed.all("kontakter") if typed else [c["hsa_id"] for c in here if not c["fixed_doctor"]],
        doctor_choices=[Choice(NO_DOCTOR, "Ingen fast läkarkontakt här")]
        + [Choice(p["hsa_id"], p["name"]) for p in doctors],
        doctor_checked=typed.get("lakare")
        if typed
        else next((c["hsa_id"] for c in here if c["fixed_doctor"]), NO_DOCTOR),
        plan_rows=_rows(contract, typed),
        timings=TIMINGS,
        statuses=STATUSES,
    )
