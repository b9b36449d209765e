"""Min vård for staff (/personal/schema/min-vard): find a patient of the unit by personnummer, then write the
agreement, the fixed care contacts and the plan the patient sees on /min-vard. The personnummer travels only in
form bodies (never in an address); every read and write is access-logged by the use cases."""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from nara.shared.clock import to_stockholm
from nara.shared.personnummer import InvalidPersonnummer, normalise
from nara.shared.web.labels import label
from nara.shared.web.pages import Choice
from nara.shared.web.session import Form

from ...domain.errors import BookingRefused
from ...domain.patient_contract import MAX_PLAN_ITEMS, PlanItem, PlanStatus, PlanTiming
from ...service import hours
from ...service import patient_contract as use_cases
from ...service.contract_records import PatientContract
from ..problems import status_of
from ..wiring import now_of, unit_of_work
from .kit import HOME, LOGIN, CurrentDesk, Desk, StaffRoute, page

router = APIRouter(prefix=HOME, route_class=StaffRoute, include_in_schema=False)
Errors = list[tuple[str | None, str]]
BLANK_PLAN_ROWS = 2
NO_DOCTOR = "ingen"
TIMINGS = [
    Choice(PlanTiming.ON_DAY.value, "En dag"),
    Choice(PlanTiming.IN_WEEK.value, "En vecka"),
    Choice(PlanTiming.WHEN_SUITS.value, "När det passar"),
]
STATUSES = [
    Choice(PlanStatus.PLANNED.value, "Planerad"),
    Choice(PlanStatus.DONE.value, "Klar"),
    Choice(PlanStatus.CANCELLED.value, "Inställd"),
]
DONE = {
    "overenskommelse": "Överenskommelsen är sparad. Patienten ser den i Min vård.",
    "kontakter": "De fasta vårdkontakterna är sparade.",
    "plan": "Planen är sparad. Patienten ser den i Min vård.",
}
UNCHANGED = "Inget var ändrat, så inget sparades."


@router.get("/min-vard")
async def find_patient(request: Request, desk: CurrentDesk) -> Response:
    return page(request, desk, "contract_find.html", title="Min vård", active="min-vard", values={})


@router.post("/min-vard")
async def contract_page(request: Request, desk: CurrentDesk) -> Response:
    form = await LOGIN.checked_form(request, desk.staff)
    raw = form.get("patient")
    try:
        personnummer = normalise(raw)
    except InvalidPersonnummer:
        error = "Skriv patientens personnummer med 12 siffror, till exempel 19121212-1212."
        return page(
            request,
            desk,
            "contract_find.html",
            title="Min vård",
            active="min-vard",
            errors=[("patient", error)],
            status_code=422,
            values={"patient": raw},
        )
    patient = request.app.state.pseudonymiser.pseudonym(personnummer)
    part = form.get("del")
    errors: Errors = []
    done = ""
    if part in DONE:
        changed, errors = await _save(request, desk, form, part, patient)
        done = (DONE[part] if changed else UNCHANGED) if not errors else ""
    return await _editor(request, desk, personnummer, patient, form if errors else None, errors, done)


async def _save(request: Request, desk: Desk, form: Form, part: str, patient: str) -> tuple[bool, Errors]:
    now = now_of(request)
    try:
        async with unit_of_work(request) as uow:
            if part == "overenskommelse":
                care_does, patient_does = form.get("vard_gor"), form.get("patient_gor")
                write = partial(use_cases.write_agreement, care_does=care_does, patient_does=patient_does)
            elif part == "kontakter":
                doctor = form.get("lakare")
                fixed_doctor = None if doctor in ("", NO_DOCTOR) else doctor
                write = partial(
                    use_cases.write_fixed_contacts, practitioners=form.all("kontakter"), fixed_doctor=fixed_doctor
                )
            else:
                items, errors = _plan_from(form)
                if errors:
                    return False, errors
                write = partial(use_cases.write_plan, items=items)
            # Every part's use case also names who writes, for whom, at which unit, and when.
            return await write(uow, desk.requester, desk.staff.caller, patient, unit=desk.unit, now=now), []
    except BookingRefused as refused:
        if status_of(refused) == 404 and "ingen kontakt" in refused.message:
            raise
        field = {"overenskommelse": "vard_gor", "kontakter": "kontakter", "plan": "vad-1"}[part]
        return False, [(field, refused.message)]


def _plan_from(form: Form) -> tuple[list[PlanItem], Errors]:
    """The plan's rows as typed; a row without "what" and day is left out (the blank rows to add one)."""
    items: list[PlanItem] = []
    errors: Errors = []
    for row in range(1, MAX_PLAN_ITEMS + BLANK_PLAN_ROWS + 1):
        what, day_text = form.get(f"vad-{row}"), form.get(f"dag-{row}")
        if not what and not day_text:
            continue
        timing = form.get(f"nar-{row}") or PlanTiming.WHEN_SUITS.value
        day = None
        if timing != PlanTiming.WHEN_SUITS.value:
            try:
                day = date.fromisoformat(day_text)
            except ValueError:
                errors.append((f"dag-{row}", f"Rad {row}: skriv dagen som ÅÅÅÅ-MM-DD, till exempel 2026-12-14."))
                continue
        try:
            status = PlanStatus(form.get(f"status-{row}") or PlanStatus.PLANNED.value)
            items.append(PlanItem.of(what, form.get(f"vem-{row}"), PlanTiming(timing), day, status))
        except ValueError:
            errors.append((f"nar-{row}", f"Rad {row}: välj när och hur det går."))
        except BookingRefused as refused:
            errors.append((f"vad-{row}", f"Rad {row}: {refused.message}"))
    return items, errors


def _plan_rows(contract: PatientContract, typed: Form | None) -> list[dict[str, Any]]:
    """The rows of the plan's form: what was typed (after an error), else the stored plan, plus blank rows."""
    if typed is not None:
        count = MAX_PLAN_ITEMS + BLANK_PLAN_ROWS
        rows = [
            {key: typed.get(f"{key}-{n}") for key in ("vad", "vem", "nar", "dag", "status")}
            for n in range(1, count + 1)
        ]
        filled = [r for r in rows if r["vad"] or r["dag"]]
        return filled + [_blank() for _ in range(BLANK_PLAN_ROWS)]
    stored = [
        {
            "vad": item.what,
            "vem": item.who,
            "nar": item.timing.value,
            "dag": item.day.isoformat() if item.day else "",
            "status": item.status.value,
        }
        for item in contract.plan.items
    ]
    return stored + [_blank() for _ in range(BLANK_PLAN_ROWS)]


def _blank() -> dict[str, str]:
    return {"vad": "", "vem": "", "nar": PlanTiming.ON_DAY.value, "dag": "", "status": PlanStatus.PLANNED.value}


async def _editor(
    request: Request, desk: Desk, personnummer: str, patient: str, typed: Form | None, errors: Errors, done: str
) -> Response:
    now = now_of(request)
    async with unit_of_work(request) as uow:
        contract = await use_cases.read_contract(
            uow, desk.requester, patient, now=now, today=to_stockholm(now).date(), reader=desk.staff.caller
        )
        staff = await hours.practitioners(uow, desk.requester, desk.unit)
    mine = [c for c in contract.fixed_contacts if c.unit == desk.unit]
    agreement = contract.agreement.agreement if contract.agreement else None
    values = {
        "vard_gor": typed.get("vard_gor") if typed else (agreement.care_does if agreement else ""),
        "patient_gor": typed.get("patient_gor") if typed else (agreement.patient_does if agreement else ""),
    }
    doctor = next((c.practitioner for c in mine if c.fixed_doctor), NO_DOCTOR)
    return page(
        request,
        desk,
        "contract_edit.html",
        title="Min vård för patienten",
        active="min-vard",
        errors=errors,
        status_code=422 if errors else 200,
        done=done,
        patient=f"{personnummer[:8]}-{personnummer[8:]}",
        contract=contract,
        values=values,
        others=[c for c in contract.fixed_contacts if c.unit != desk.unit],
        contact_choices=[
            Choice(p.hsa_id, p.name, label(p.profession, "profession")) for p in staff if p.profession != "doctor"
        ]
        + [Choice(p.hsa_id, p.name, "Läkare") for p in staff if p.profession == "doctor"],
        contacts_checked=typed.all("kontakter") if typed else [c.practitioner for c in mine if not c.fixed_doctor],
        doctor_choices=[Choice(NO_DOCTOR, "Ingen fast läkarkontakt här")]
        + [Choice(p.hsa_id, p.name) for p in staff if p.profession == "doctor"],
        doctor_checked=typed.get("lakare") if typed else doctor,
        plan_rows=_plan_rows(contract, typed),
        timings=TIMINGS,
        statuses=STATUSES,
    )
