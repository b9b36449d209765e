"""Registering a contact, the contact with its decision, and overriding the decision with a reason."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from nara.shared.clock import to_stockholm
from nara.shared.personnummer import is_valid
from nara.shared.web.labels import TABLES, URGENCIES, label
from nara.shared.web.login import Staff
from nara.shared.web.pages import Choice, choices, see_other
from nara.shared.web.swedish import unit_name

from ...domain.contacts import REASON_PROBLEMS, ContactRefused
from ...domain.engine import RED_FLAG_KINDS
from ...domain.overrides import OverrideProblem
from ...domain.patient import PatientFacts, Respondent, birth_date_of_personnummer, sex_of_personnummer
from ...domain.refusals import WrongState
from ...service import contacts
from ..fields import check_override_reason
from ..problems import status_of
from ..transactions import idempotency_caller, run_once, units_of
from .common import future_bookings, in_transaction, monitor_clock, now_of, policy_of
from .guarantee import meter, shown_guarantee, status_text
from .kit import KIT, LOGIN, ConsoleRoute, CurrentStaff, form_page
from .swedish import REGISTER_CHANNELS, parse_time, personnummer_text
from .views import next_steps, unanswered_questions

router = APIRouter(prefix="/console", route_class=ConsoleRoute)


async def open_contact(request: Request, staff: Staff, contact_id: uuid.UUID) -> dict[str, Any]:
    """One contact with its triage history; the use case logs the read."""
    contact: dict[str, Any] = await in_transaction(
        request, lambda c: contacts.open_contact(c, staff.caller, contact_id, now_of(request), policy_of(request))
    )
    return contact


def facts_of(request: Request, contact: dict[str, Any]) -> PatientFacts:
    """Age, age in months and sex from the personnummer; a guardian answered for a child they registered."""
    return PatientFacts.born(
        birth_date_of_personnummer(contact["personnummer"]),
        to_stockholm(now_of(request)).date(),
        sex_of_personnummer(contact["personnummer"]),
        Respondent.GUARDIAN if contact.get("registered_by_guardian") else None,
    )


def age_of(request: Request, contact: dict[str, Any]) -> int:
    return facts_of(request, contact).age


def reason_title(request: Request, code: str | None) -> str:
    reason = request.app.state.guidelines.current().reason(code) if code else None
    return reason.title if reason else "Ej vald"


def latest_triage(contact: dict[str, Any]) -> dict[str, Any] | None:
    return contact["triage_history"][-1] if contact["triage_history"] else None


def reason_options(request: Request) -> list[Choice]:
    reasons = sorted(request.app.state.guidelines.current().reasons.values(), key=lambda r: r.title)
    return [Choice("", "Välj kontaktorsak")] + [Choice(r.code, r.title) for r in reasons]


# --- Register ---------------------------------------------------------------------------------------------------


def _register_form(
    request: Request, staff: Staff, values: dict[str, str], errors: dict[str, str], status_code: int = 200
) -> Response:
    order = ("personnummer", "kanal", "enhet", "orsak", "_")
    return KIT.render(
        request,
        "register.html",
        status_code=status_code,
        title="Ny kontakt",
        active="ny",
        errors=[(None if name == "_" else name, errors[name]) for name in order if name in errors],
        field_errors=errors,
        values=values,
        key=values.get("nyckel") or str(uuid.uuid4()),  # a form sent twice registers one contact
        channels=[Choice(code, text, hint) for code, (text, hint) in REGISTER_CHANNELS.items()],
        units=choices({unit: unit_name(unit) for unit in staff.units}),
        unit=values.get("enhet") or (staff.units[0] if len(staff.units) == 1 else None),
        reasons=reason_options(request),
    )


@router.get("/kontakter/ny")
async def register_page(request: Request, staff: CurrentStaff) -> Response:
    return _register_form(request, staff, {}, {})


@router.post("/kontakter/ny")
async def register(request: Request, staff: CurrentStaff) -> Response:
    submitted = await LOGIN.checked_form(request, staff)
    values = {name: submitted.get(name) for name in ("personnummer", "kanal", "enhet", "orsak", "nyckel")}
    errors = {}
    if not values["personnummer"]:
        errors["personnummer"] = "Skriv patientens personnummer."
    elif not is_valid(values["personnummer"]):
        errors["personnummer"] = "Personnumret stämmer inte. Skriv det med 12 siffror, ÅÅÅÅMMDD-NNNN."
    if values["kanal"] not in REGISTER_CHANNELS:
        errors["kanal"] = "Välj om patienten ringde eller kom till receptionen."
    if values["enhet"] not in staff.units:
        errors["enhet"] = "Välj vilken enhet kontakten gäller."
    if not request.app.state.guidelines.current().reason(values["orsak"] or ""):
        errors["orsak"] = "Välj vad kontakten gäller."
    if not errors:
        # The same Idempotency-Key record as the API's: a form sent again (a reload, a second press) gets the
        # contact the first one registered, and no second clock starts.
        fingerprint = {
            "op": "register",
            "patient": values["personnummer"],
            "unit": values["enhet"],
            "channel": values["kanal"],
            "reason_code": values["orsak"],
            "console": True,
        }
        status, answer = await run_once(
            units_of(request),
            lambda c: contacts.register(
                c,
                staff.caller,
                request.app.state.pseudonymiser,
                policy_of(request),
                personnummer=values["personnummer"],
                unit=values["enhet"],
                channel=values["kanal"],
                sought_at=None,
                reason_code=values["orsak"],
                listed_unit=None,
                now=now_of(request),
            ),
            caller=idempotency_caller(staff.caller, request.app.state.pseudonymiser),
            idempotency_key=values["nyckel"],
            request=fingerprint,
            now=now_of(request),
            success_status=201,
        )
        if status == 201:
            return see_other(f"/console/kontakter/{answer['id']}/fragor?klart=registrerad")
        errors["_"] = answer["detail"]
        values["nyckel"] = ""  # corrected values are a new request
    return _register_form(request, staff, values, errors, status_code=422)


# --- The contact and its decision -------------------------------------------------------------------------------


@router.get("/kontakter/{contact_id}")
async def contact_page(
    request: Request, contact_id: uuid.UUID, staff: CurrentStaff, klart: str | None = None
) -> Response:
    contact = await open_contact(request, staff, contact_id)
    entry = latest_triage(contact)
    reason = request.app.state.guidelines.current().reason(contact["reason_code"] or "")
    patient = facts_of(request, contact)
    texts = {q.id: q.text_for(patient) for q in reason.compiled.asked} if reason else {}
    (clock, answered), booked = await asyncio.gather(
        monitor_clock(request, staff, contact["id"]),
        future_bookings(request, staff, contact) if contact["status"] == "triaged" else _nothing(),
    )
    shown = shown_guarantee(contact, clock)
    if shown.booked_start is None and booked:  # booking knows of it before the monitor has heard
        shown = replace(shown, booked_start=parse_time(booked[0]["start"]))
    title = f"{reason_title(request, contact['reason_code'])}, {personnummer_text(contact['personnummer'])}"
    flag_texts, other_texts = unanswered_questions(entry["decision"], texts) if entry else ([], [])
    return KIT.render(
        request,
        "contact.html",
        title=title,
        done=klart,
        contact=contact,
        monitor_answered=answered,
        reason_title=reason_title(request, contact["reason_code"]),
        age=age_of(request, contact),
        meter=meter(contact, shown),
        status=status_text(contact, shown),
        booked=booked or [],
        entry=entry,
        flag_texts=flag_texts,
        other_texts=other_texts,
        steps=next_steps(contact, entry["decision"] if entry else None, bool(booked or shown.booked_start)),
    )


async def _nothing() -> list[dict[str, Any]]:
    return []


# --- Override ---------------------------------------------------------------------------------------------------


def _keeping(current: str, table: str) -> list[Choice]:
    """The options of one part of the decision: keep it as the guideline says, or change it to another."""
    others = {code: text for code, text in TABLES[table].items() if code != current}
    return [Choice("", f"Behåll: {label(current, table)}"), *choices(others)]


def _override_form(
    request: Request,
    contact: dict[str, Any],
    values: dict[str, str],
    errors: list[tuple[str | None, str]],
    status_code: int = 200,
    ask_confirmation: bool = False,
) -> Response:
    entry = decided(contact)
    decision = entry["guideline_decision"] if entry.get("guideline_decision") else entry["decision"]
    red_flags = [rule for rule in decision.get("rules_fired") or [] if rule.get("kind") in RED_FLAG_KINDS]
    return form_page(
        request,
        "override.html",
        status_code=status_code,
        title="Avvik från riktlinjerna",
        errors=errors,
        values=values,
        contact=contact,
        decision=decision,
        red_flags=red_flags,
        care_levels=_keeping(decision["care_level"], "care_level"),
        urgencies=[Choice("", f"Följer vårdnivån (nu: {label(decision['urgency'], 'urgency')})"), *choices(URGENCIES)],
        professions=_keeping(decision["profession"], "profession"),
        ask_confirmation=ask_confirmation,
    )


def decided(contact: dict[str, Any]) -> dict[str, Any]:
    """The latest triage of a contact that must have one."""
    entry = latest_triage(contact)
    if entry is None:
        raise WrongState("Kontakten är inte triagerad än. Ställ frågorna först.")
    return entry


async def triaged_contact(request: Request, staff: Staff, contact_id: uuid.UUID) -> dict[str, Any]:
    contact = await open_contact(request, staff, contact_id)
    decided(contact)
    return contact


@router.get("/kontakter/{contact_id}/avvikelse")
async def override_page(request: Request, contact_id: uuid.UUID, staff: CurrentStaff) -> Response:
    return _override_form(request, await triaged_contact(request, staff, contact_id), {}, [])


@router.post("/kontakter/{contact_id}/avvikelse")
async def override(request: Request, contact_id: uuid.UUID, staff: CurrentStaff) -> Response:
    submitted = await LOGIN.checked_form(request, staff)
    contact = await triaged_contact(request, staff, contact_id)
    values = {name: submitted.get(name) for name in ("vardniva", "bradska", "yrkesgrupp", "motivering", "bekrafta")}
    change = {
        "care_level": values["vardniva"] or None,
        "urgency": values["bradska"] or None,
        "profession": values["yrkesgrupp"] or None,
        "reason": values["motivering"],
        "confirm_lowering_red_flag": values["bekrafta"] == "ja",
    }
    try:
        check_override_reason(values["motivering"] or "")
        await in_transaction(
            request,
            lambda c: contacts.triage(
                c,
                staff.caller,
                request.app.state.guidelines,
                contact_id,
                answers=decided(contact)["answers"],
                reason_code=contact["reason_code"],
                override=change,
                now=now_of(request),
                policy=policy_of(request),
            ),
        )
    except ContactRefused as refused:
        needs_confirmation = refused.code == OverrideProblem.NEEDS_CONFIRMATION
        return _override_form(
            request,
            contact,
            values,
            [(_override_field(refused, values), refused.message)],
            status_code=status_of(refused),
            ask_confirmation=needs_confirmation,
        )
    return see_other(f"/console/kontakter/{contact_id}?klart=avvikelse")


def _override_field(refused: ContactRefused, values: dict[str, str]) -> str | None:
    """The use case says what is wrong; this is the field the person must change."""
    if not values["motivering"] or refused.code in REASON_PROBLEMS:
        return "motivering"
    if not any((values["vardniva"], values["bradska"], values["yrkesgrupp"])):
        return "vardniva"
    fields = {OverrideProblem.NEEDS_CONFIRMATION: "bekrafta", OverrideProblem.COLOUR_DOES_NOT_FIT: "bradska"}
    return fields.get(OverrideProblem(refused.code)) if refused.code in fields else None
