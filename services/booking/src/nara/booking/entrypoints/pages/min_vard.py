"""'Min vård' (/min-vard): the citizen's patient contract (the agreement, fixed care contacts, agreed times and
plan), with its one next step at the top; a guardian chooses themselves or a child (?vem=, the child's pseudonym,
so no personnummer lands in an address)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from nara.shared.clock import to_stockholm
from nara.shared.web.pages import Choice

from ...domain.appointment import AppointmentStatus
from ...domain.patient_contract import ContractNextStep, NextStepKind, PlanStatus
from ...service import patient_contract as use_cases
from ...service.contract_records import ContractUnit, PatientContract
from ..wiring import now_of
from . import swedish
from .common import attempt
from .kit import BookingRoute, problem_page, render
from .my_times import web_changeable
from .next_step import NextStep
from .patient_steps import household
from .plan_words import activity_sentence, plan_when
from .session import CurrentCitizen

router = APIRouter(route_class=BookingRoute, include_in_schema=False)
MYSELF = "jag"
PLAN_STATUS = {PlanStatus.PLANNED: "Planerad", PlanStatus.DONE: "Klar", PlanStatus.CANCELLED: "Inställd"}


def unit_sentence(unit: ContractUnit | None) -> str:
    if unit is None:
        return "Kontakta din vårdcentral om du har frågor om din vård. Behöver du råd nu, ring 1177."
    if unit.phone:
        return f"Kontakta {unit.name} på telefon {unit.phone} om du har frågor om din vård."
    return f"Kontakta {unit.name}, {unit.address}, om du har frågor om din vård. Behöver du råd nu, ring 1177."


def contract_step(step: ContractNextStep, contract: PatientContract, changeable: set[uuid.UUID]) -> NextStep:
    """The contract's one next step as the box at the top of the page says it."""
    if step.kind is NextStepKind.AGREED_TIME:
        record = next(a for a in contract.agreed_times if a.start_at == step.time)
        words = "Visa, omboka eller avboka tiden" if record.id in changeable else "Visa tiden"
        return NextStep(
            f"Din nästa tid är {swedish.when(record.start_at)} hos {record.practitioner_name}, {record.unit_name}.",
            link=(f"/mina-tider/{record.id}", words),
        )
    if step.kind is NextStepKind.PLANNED_ACTIVITY and step.activity is not None:
        return NextStep(activity_sentence(step.activity), link=("#plan", "Se hela planen"))
    return NextStep(unit_sentence(contract.care_unit))


@router.get("/min-vard")
async def min_vard(
    request: Request, citizen: CurrentCitizen, vem: Annotated[str | None, Query(max_length=80)] = None
) -> HTMLResponse:
    family = await household(request, citizen)
    whose = citizen.pseudonym if vem in (None, "", MYSELF) else vem
    if whose != citizen.pseudonym and whose not in family.names:
        return problem_page(
            request,
            "Du kan inte se Min vård för den personen",
            "Du kan se Min vård för dig själv och för dina barn under 18 år.",
            status_code=403,
            action=("/min-vard", "Min vård"),
        )
    now = now_of(request)
    contract, refused = await attempt(
        request,
        lambda uow: use_cases.read_contract(uow, family.actor, whose, now=now, today=to_stockholm(now).date()),
    )
    if refused is not None:
        return problem_page(request, "Det gick inte att visa Min vård", refused.message, status_code=403)
    times = contract.agreed_times
    upcoming = [a for a in times if a.is_upcoming(now)]
    earlier = [a for a in reversed(times) if a not in upcoming and a.status is not AppointmentStatus.REBOOKED]
    changeable = await web_changeable(request, upcoming, now)
    choices = [Choice(MYSELF, "Mig själv")] + [Choice(p, name, hint="Ditt barn") for p, name in family.names.items()]
    return render(
        request,
        "min_vard.html",
        title="Min vård" if whose == citizen.pseudonym else f"Min vård för {family.names[whose]}",
        citizen=citizen,
        active="care",
        next_step=contract_step(contract.next_step, contract, changeable),
        changeable=changeable,
        contract=contract,
        child_name=family.names.get(whose),
        upcoming=upcoming,
        earlier=earlier,
        choices=choices if family.names else [],
        chosen=MYSELF if whose == citizen.pseudonym else whose,
        plan_when=plan_when,
        plan_status=PLAN_STATUS,
        profession=swedish.profession,
        unit_sentence=unit_sentence(contract.care_unit),
    )
