"""'Ditt nästa steg': the one thing the citizen should do next, shown on every page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from fastapi import Request

from ...domain import rules
from ...domain.schedule import TimeType
from ...service.records import AppointmentRecord
from ..wiring import reads
from . import swedish
from .session import Flow

BOOKABLE_LEVELS = rules.WEB_BOOKABLE_LEVELS


@dataclass(frozen=True)
class NextStep:
    """The sentence in the "Ditt nästa steg" box, a link on (href, words) and whether it cannot wait."""

    text: str
    link: tuple[str, str] | None = None
    urgent: bool = False


async def upcoming_appointment(
    request: Request, pseudonym: str, now: datetime
) -> tuple[AppointmentRecord, TimeType | None] | None:
    """The citizen's next booked time, with its time type (for the cancel notice)."""
    async with reads(request) as read:
        booked = [a for a in await read.views.appointments_of_patient(pseudonym) if a.is_upcoming(now)]
        if not booked:
            return None
        first = min(booked, key=lambda a: a.start_at)
        slot = await read.slots.slot(first.slot_id)
    return first, slot.time_type if slot else None


def appointment_step_text(record: AppointmentRecord, time_type: TimeType | None, now: datetime) -> str:
    """'Kom till Vårdcentralen X, adress, tisdag 24 november kl. 08:00. Avboka senast ...'."""
    moment = swedish.when(record.start_at)
    meet = {
        "home": f"{record.practitioner_name} kommer hem till dig {moment}.",
        "phone": f"{record.practitioner_name} ringer dig {moment}.",
        "video": f"Ditt videobesök hos {record.practitioner_name} börjar {moment}.",
        "chat_letter": f"Du får svar av {record.practitioner_name} {swedish.day(record.start_at)}.",
    }.get(record.contact_form, f"Kom till {record.unit_name}, {record.unit_address}, {moment}.")
    return f"{meet} {cancel_text(record, time_type, now)}"


def cancel_text(record: AppointmentRecord, time_type: TimeType | None, now: datetime) -> str:
    if time_type is None or not time_type.web_cancel_allowed:
        return "Ring vårdcentralen om du inte kan komma."
    latest = record.start_at - time_type.cancel_notice
    if latest <= now:
        return "Det är för sent att avboka på webben. Ring vårdcentralen om du inte kan komma."
    return f"Avboka senast {swedish.when(latest)} om du inte kan komma."


async def next_step(request: Request, pseudonym: str, flow: Flow, now: datetime) -> NextStep:
    decision = flow.get("decision") or {}
    level = decision.get("care_level")
    if level in rules.URGENT_LEVELS:  # they cannot wait: the advice is the next step, whatever else is booked
        heading = decision.get("heading")
        return NextStep(f"{heading}." if heading else rules.NOT_WEB_BOOKABLE[level], urgent=True)
    upcoming = await upcoming_appointment(request, pseudonym, now)
    if upcoming is not None:
        record, time_type = upcoming
        return NextStep(appointment_step_text(record, time_type, now), link=("/mina-tider", "Se dina tider"))
    if level in rules.NOT_WEB_BOOKABLE:
        return NextStep(rules.NOT_WEB_BOOKABLE[level])
    if level in BOOKABLE_LEVELS:
        who = swedish.profession(decision.get("profession", ""))
        if flow.get("contact_id"):
            return NextStep("Välj en tid som passar dig, och bekräfta den.")
        return NextStep(f"Välj vårdcentral, och sedan en tid hos {who}.")
    if flow.get("reason"):
        return NextStep("Svara på frågorna, så får du veta vart du ska vända dig.")
    return NextStep("Beskriv dina besvär så hjälper vi dig vidare.", link=("/besvar", "Beskriv dina besvär"))
