"""The console's own words: what the shared labels (nara.shared.web.labels) do not cover, and its time helpers."""

from __future__ import annotations

from datetime import datetime

from nara.shared.events.vocabulary import Channel, ContactCloseReason
from nara.shared.web.swedish import clock_time, date_time

ROLES = {"reception": "Reception", "clinician": "Legitimerad personal", "ops": "Drift", "admin": "Administratör"}

# The channels reception registers itself: a phone call or someone at the desk (label, hint).
REGISTER_CHANNELS = {
    Channel.PHONE_UNIT: ("Telefonsamtal", "Patienten ringde vårdcentralen."),
    Channel.WALK_IN: ("Besök utan tid (walk-in)", "Patienten kom till receptionen utan bokad tid."),
}

# Why each close reason fits (the hint under its radio), and the action that closes with it.
CLOSE_HINTS = {
    ContactCloseReason.SELF_CARE: "Patienten har fått råd och tar hand om besvären själv.",
    ContactCloseReason.WITHDRAWN: "Patienten behöver inte längre hjälp.",
    ContactCloseReason.EMERGENCY_DEPARTMENT: "Patienten ska söka akut vård nu.",
    ContactCloseReason.DUPLICATE: "Samma besvär är redan registrerat i en annan kontakt.",
}
CLOSE_ACTIONS = {
    ContactCloseReason.SELF_CARE: "Avsluta med egenvårdsråd",
    ContactCloseReason.WITHDRAWN: "Avsluta kontakten",
    ContactCloseReason.EMERGENCY_DEPARTMENT: "Avsluta: hänvisad till akuten",
    ContactCloseReason.DUPLICATE: "Avsluta kontakten",
}

STATUSES = {"open": "Ej triagerad", "triaged": "Triagerad", "assessed": "Bedömd", "closed": "Avslutad"}

# Fixed messages shown after an action (?klart=...), so no text from the address reaches the page.
DONE = {
    "registrerad": "Kontakten är registrerad. Ställ frågorna nedan.",
    "triagerad": "Kontakten är triagerad. Beslutet och skälen står nedan.",
    "avvikelse": "Avvikelsen är sparad med din motivering.",
    "bedomd": "Den medicinska bedömningen är registrerad. Vårdgarantins klocka har stannat.",
    "avslutad": "Kontakten är avslutad.",
    "listning": "Listningen är sparad i listningsregistret.",
}


def parse_time(value: str) -> datetime:
    return datetime.fromisoformat(value)


def moment_text(moment: datetime) -> str:
    """E.g. 'tisdag 24 november kl. 09:05', in the kit's one style, for sentences built before a template."""
    return date_time(moment, separator=":")


def hours_text(hours: float) -> str:
    whole = int(abs(hours))
    return f"{whole} timme" if whole == 1 else f"{whole} timmar"


def personnummer_text(normalised: str) -> str:
    """ÅÅÅÅMMDDNNNN as ÅÅÅÅMMDD-NNNN."""
    return f"{normalised[:8]}-{normalised[8:]}" if len(normalised) == 12 else normalised


def slot_label(slot: dict[str, str]) -> str:
    """A slot's or an appointment's time, e.g. 'tisdag 24 november kl. 09:00–09:20'."""
    return f"{moment_text(parse_time(slot['start']))}–{clock_time(parse_time(slot['end']), ':')}"
