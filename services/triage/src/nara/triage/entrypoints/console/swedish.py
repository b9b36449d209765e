"""The words and time formats people read in the console: Swedish labels for the contract's codes."""

from __future__ import annotations

from datetime import datetime

from nara.shared.web.swedish import PROFESSIONS, UNITS, clock_time, date_text, date_time, last_day_before, unit_name

__all__ = [
    "CARE_LEVELS",
    "CHANNELS",
    "CLOSE_REASONS",
    "CONTACT_FORMS",
    "PROFESSIONS",
    "REGISTER_CHANNELS",
    "ROLES",
    "STATUSES",
    "UNITS",
    "URGENCIES",
    "URGENCY_ORDER",
    "age_text",
    "clock_time",
    "date_text",
    "date_time",
    "hours_text",
    "label",
    "last_day_before",
    "parse_time",
    "unit_name",
]

ROLES = {"reception": "Reception", "clinician": "Legitimerad personal", "ops": "Drift", "admin": "Administratör"}

CARE_LEVELS = {
    "call_112": "Ring 112 nu",
    "emergency_now": "Akutmottagning nu",
    "within_hours": "Inom några timmar",
    "same_day": "Samma dag",
    "within_3_days": "Inom 3 dagar",
    "planned": "Planerad vård",
    "self_care": "Egenvård",
}

URGENCIES = {"red": "Röd", "orange": "Orange", "yellow": "Gul", "green": "Grön", "blue": "Blå"}
URGENCY_ORDER = ["red", "orange", "yellow", "green", "blue"]

CHANNELS = {
    "web": "Webben",
    "phone_1177": "Telefon via 1177",
    "phone_unit": "Telefon",
    "reception": "Receptionen",
    "walk_in": "Besök utan tid",
    "e_service": "E-tjänst",
    "emergency_department": "Akutmottagningen",
}

# The channels reception registers itself: a phone call or someone at the desk.
REGISTER_CHANNELS = {
    "phone_unit": ("Telefonsamtal", "Patienten ringde vårdcentralen."),
    "walk_in": ("Besök utan tid (walk-in)", "Patienten kom till receptionen utan bokad tid."),
}

CONTACT_FORMS = {
    "clinic": "Mottagningsbesök",
    "home": "Hembesök",
    "phone": "Telefon",
    "video": "Video",
    "chat_letter": "Chatt eller brev",
}

# code: (label, hint, the action that closes with it)
CLOSE_REASONS = {
    "self_care": ("Egenvårdsråd", "Patienten har fått råd och tar hand om besvären själv.", "Avsluta med egenvårdsråd"),
    "withdrawn": ("Återkallad", "Patienten behöver inte längre hjälp.", "Avsluta kontakten"),
    "emergency_department": (
        "Hänvisad till akutmottagningen",
        "Patienten ska söka akut vård nu.",
        "Avsluta: hänvisad till akuten",
    ),
    "duplicate": ("Dubblett", "Samma besvär är redan registrerat i en annan kontakt.", "Avsluta kontakten"),
}

STATUSES = {"open": "Ej triagerad", "triaged": "Triagerad", "assessed": "Bedömd", "closed": "Avslutad"}


def label(table: dict, code: str | None, fallback: str = "–") -> str:
    value = table.get(code or "", code or fallback)
    return value[0] if isinstance(value, tuple) else value


def parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def hours_text(hours: float) -> str:
    whole = int(abs(hours))
    return f"{whole} timme" if whole == 1 else f"{whole} timmar"


def age_text(years: int) -> str:
    return f"{years} år"
