"""Whom the care is for: the citizen, or a child they are guardian of (vårdnadshavare).

Custody is asked of the triage service on every step that acts for a child, never remembered from an
earlier page: a custody that has ended, or a child who has turned 18, stops the flow at once.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from nara.shared.clock import to_stockholm
from nara.shared.web.pages import Choice, see_other

from ...adapters.triage_client import Child, TriageUnavailable
from ...domain.patient import PatientFacts
from ...service.requester import Requester
from ..wiring import now_of
from .common import triage
from .kit import BookingRoute, NotYourChildAnyMore, show
from .session import Citizen, CurrentCitizen, Flow, checked_form, read_flow, write_flow

router = APIRouter(route_class=BookingRoute, include_in_schema=False)
MYSELF = "jag"


@dataclass(frozen=True)
class Patient:
    """The person the flow is for, with the facts the triage needs."""

    personnummer: str
    name: str | None  # a child's given name; None for the citizen themselves
    facts: PatientFacts

    @property
    def is_child(self) -> bool:
        return self.facts.by_guardian

    def label(self) -> str:
        return self.name or "ditt barn"


def age_text(child: Child) -> str:
    months = child.age_months if child.age_months is not None else child.age * 12
    if months < 24:
        return f"{months} månad" if months == 1 else f"{months} månader"
    return f"{child.age} år"


def child_label(child: Child) -> str:
    name = child.name or "Barn"
    return f"{name}, {age_text(child)}"


@dataclass(frozen=True)
class Household:
    """The citizen and the children they act for today: the actor the booking use cases check, and names."""

    actor: Requester
    names: dict[str, str]  # a child's pseudonym to the name shown ("Alva")

    def whose(self, pseudonym: str) -> str | None:
        """The child's name for a child's time, None for the citizen's own."""
        return self.names.get(pseudonym)


async def household(request: Request, citizen: Citizen) -> Household:
    """Asked of the triage service on every call: custody that has ended stops showing at once. If the triage
    service does not answer, the citizen still sees their own times."""
    try:
        children = await triage(request).children(citizen.token)
    except TriageUnavailable:
        children = []
    pseudonym = request.app.state.pseudonymiser.pseudonym
    names = {pseudonym(c.personnummer): c.name or "Ditt barn" for c in children}
    return Household(Requester.patient(citizen.pseudonym, wards=tuple(names)), names)


async def booking_for(request: Request, citizen: Citizen, flow: Flow) -> tuple[Requester, str]:
    """The actor and the patient (pseudonym) a booking in this flow is made for, custody checked now."""
    patient = await patient_of(request, citizen, flow)
    pseudonym = request.app.state.pseudonymiser.pseudonym(patient.personnummer)
    wards = (pseudonym,) if patient.is_child else ()
    return Requester.patient(citizen.pseudonym, wards=wards), pseudonym


async def patient_of(request: Request, citizen: Citizen, flow: Flow) -> Patient:
    """Whom this flow is for; a child only while the triage service still says the citizen is their guardian."""
    today = to_stockholm(now_of(request)).date()
    wanted = flow.get("patient")
    if not wanted or wanted == citizen.personnummer:
        return Patient(citizen.personnummer, None, PatientFacts.of(citizen.personnummer, today, by_guardian=False))
    child = next((c for c in await triage(request).children(citizen.token) if c.personnummer == wanted), None)
    if child is None:
        raise NotYourChildAnyMore()
    return Patient(child.personnummer, child.name, PatientFacts.of(child.personnummer, today, by_guardian=True))


async def _who_page(
    request: Request, citizen: Citizen, flow: Flow, children: list[Child], error: str | None = None
) -> HTMLResponse:
    options = [Choice(MYSELF, "Mig själv")] + [
        Choice(c.personnummer, child_label(c), hint="Ditt barn") for c in children
    ]
    return await show(
        request,
        citizen,
        "who.html",
        title="Vem gäller besöket?",
        flow=flow,
        active="book",
        errors=[("vem", error)] if error else [],
        status_code=400 if error else 200,
        options=options,
        chosen=flow.get("patient") or (MYSELF if flow.get("patient_chosen") else None),
        error=error,
    )


@router.get("/besvar/vem")
async def who(request: Request, citizen: CurrentCitizen) -> Response:
    children = await triage(request).children(citizen.token)
    if not children:
        return see_other("/besvar")
    return await _who_page(request, citizen, read_flow(request, citizen), children)


@router.post("/besvar/vem")
async def choose_who(request: Request, citizen: CurrentCitizen) -> Response:
    form = await checked_form(request, citizen)
    flow = read_flow(request, citizen)
    children = await triage(request).children(citizen.token)
    chosen = form.get("vem")
    if chosen != MYSELF and chosen not in {c.personnummer for c in children}:
        return await _who_page(request, citizen, flow, children, "Välj vem besöket gäller.")
    patient = None if chosen == MYSELF else chosen
    if patient != flow.get("patient") or not flow.get("patient_chosen"):
        flow = {"patient": patient, "patient_chosen": True}  # another person: start their own flow
    response = see_other("/besvar")
    write_flow(request, response, citizen, flow)
    return response
