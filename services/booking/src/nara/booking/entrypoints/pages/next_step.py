"""'Ditt nästa steg': the one thing the citizen should do next.

The box is shown where it helps and cannot contradict the page (issue 17): on the start page and on "Mina
tider", worked out from the citizen's flow and bookings; and on every page while the flow's advice is urgent
(112, the emergency department, within hours), which no later page may hide. Elsewhere the page itself is the
next step: the advice for a new problem, a booking's own confirmation. A link never points at the page it is on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fastapi import Request

from nara.shared.clock import to_stockholm

from ...domain import rules
from ...domain.patient_contract import PlanItem
from ...domain.patient_contract import next_step as contract_next_step
from ...domain.web_changes import WebChangeTerms, terms_of
from ...service.records import AppointmentRecord
from ..wiring import reads
from . import swedish
from .plan_words import activity_sentence
from .session import Flow
from .slots import change_text

BOOKABLE_LEVELS = rules.WEB_BOOKABLE_LEVELS


@dataclass(frozen=True)
class NextStep:
    """The sentence in the "Ditt nästa steg" box, a link on (href, words) and whether it cannot wait."""

    text: str
    link: tuple[str, str] | None = None
    urgent: bool = False


async def upcoming_appointment(
    request: Request, pseudonym: str, now: datetime
) -> tuple[AppointmentRecord, WebChangeTerms, str] | None:
    """The citizen's next booked time, with its web change terms and its unit's phone number."""
    async with reads(request) as read:
        booked = [a for a in await read.views.appointments_of_patient(pseudonym) if a.is_upcoming(now)]
        if not booked:
            return None
        first = min(booked, key=lambda a: a.start_at)
        slot = await read.slots.slot(first.slot_id)
        unit = next((u for u in await read.views.care_units() if u.hsa_id == first.unit), None)
    terms = terms_of(slot.time_type, first.start_at) if slot else WebChangeTerms(None, None)
    return first, terms, unit.phone if unit else ""


async def next_planned_activity(request: Request, pseudonym: str, now: datetime) -> PlanItem | None:
    """The activity "Min vård" names as the next step when no time is booked (the contract's one rule)."""
    async with reads(request) as read:
        plan = await read.patient_contracts.plan(pseudonym)
    return contract_next_step([], plan.items, now, to_stockholm(now).date()).activity


def appointment_step_text(record: AppointmentRecord, terms: WebChangeTerms, phone: str, now: datetime) -> str:
    """'Kom till Vårdcentralen X, adress, tisdag 24 november kl. 08:00.' and whether it can be changed on the web,
    in the words of the time's own page (slots.change_text), with the unit's phone number where it cannot."""
    moment = swedish.when(record.start_at)
    meet = {
        "home": f"{record.practitioner_name} kommer hem till dig {moment}.",
        "phone": f"{record.practitioner_name} ringer dig {moment}.",
        "video": f"Ditt videobesök hos {record.practitioner_name} börjar {moment}.",
        "chat_letter": f"Du får svar av {record.practitioner_name} {swedish.day(record.start_at)}.",
    }.get(record.contact_form, f"Kom till {record.unit_name}, {record.unit_address}, {moment}.")
    return f"{meet} {change_text(terms, now, phone)}"


SHOWN_ON = frozenset({"start.html", "my_times.html"})


def urgent_step(flow: Flow) -> NextStep | None:
    """The advice that cannot wait, when the flow's decision is urgent: shown on every page."""
    decision = flow.get("decision") or {}
    level = decision.get("care_level")
    if level not in rules.URGENT_LEVELS:
        return None
    heading = decision.get("heading")
    return NextStep(f"{heading}." if heading else rules.NOT_WEB_BOOKABLE[level], urgent=True)


def flow_step(flow: Flow) -> NextStep | None:
    """Where a flow that was begun goes on, or None when no problem is being described."""
    decision = flow.get("decision") or {}
    level = decision.get("care_level")
    if level in rules.NOT_WEB_BOOKABLE:
        return NextStep(rules.NOT_WEB_BOOKABLE[level], link=("/besvar/rad", "Läs råden igen"))
    if level in BOOKABLE_LEVELS:
        if flow.get("hold"):
            return NextStep("Bekräfta tiden du valde, så är den bokad.", link=("/bekrafta", "Bekräfta tiden"))
        if flow.get("contact_id"):
            return NextStep("Välj en tid som passar dig, och bekräfta den.", link=("/tider", "Välj en tid"))
        who = swedish.profession(decision.get("profession", ""))
        return NextStep(f"Välj vårdcentral, och sedan en tid hos {who}.", link=("/vardcentral", "Välj vårdcentral"))
    if flow.get("reason"):
        return NextStep(
            "Svara på frågorna, så får du veta vart du ska vända dig.", link=("/besvar/fragor", "Fortsätt svara")
        )
    return None


async def next_step(request: Request, pseudonym: str, flow: Flow, now: datetime) -> NextStep:
    """The person's actual next step: urgent advice, then the problem they are describing, then what "Min vård"
    names (the next agreed time, else the next planned activity), else to describe a problem."""
    step = urgent_step(flow) or flow_step(flow)
    if step is not None:
        return step
    upcoming = await upcoming_appointment(request, pseudonym, now)
    if upcoming is not None:
        record, terms, phone = upcoming
        return NextStep(appointment_step_text(record, terms, phone, now), link=("/mina-tider", "Se dina tider"))
    activity = await next_planned_activity(request, pseudonym, now)
    if activity is not None:
        return NextStep(activity_sentence(activity), link=("/min-vard#plan", "Se din plan i Min vård"))
    return NextStep("Beskriv dina besvär så hjälper vi dig vidare.", link=("/besvar", "Beskriv dina besvär"))


async def step_for_page(request: Request, pseudonym: str, flow: Flow, now: datetime, template: str) -> NextStep | None:
    """The box on this page, or None: see the module's rule. A link to the page itself is left out."""
    step = urgent_step(flow)
    if step is None and template in SHOWN_ON:
        step = await next_step(request, pseudonym, flow, now)
    if step is not None and step.link is not None and step.link[0] == request.url.path:
        step = NextStep(step.text, None, step.urgent)
    return step
