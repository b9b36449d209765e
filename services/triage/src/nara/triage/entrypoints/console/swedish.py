"""The words and time formats people read in the console: Swedish labels for the contract's codes."""

from __future__ import annotations

from datetime import datetime, timedelta

from nara.shared.clock import to_stockholm

# The three demo care units (booking's demo data); a unit not listed shows its HSA-id.
UNITS = {
    "SE2321000115-E00000000011": "Vårdcentralen Falkenberg",
    "SE2321000115-E00000000012": "Vårdcentralen Oskarström",
    "SE2321000115-E00000000013": "Vårdcentralen Fyllinge",
}

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

PROFESSIONS = {
    "doctor": "Läkare",
    "nurse": "Sjuksköterska",
    "district_nurse": "Distriktssköterska",
    "physiotherapist": "Fysioterapeut",
    "occupational_therapist": "Arbetsterapeut",
    "psychologist": "Psykolog",
    "counsellor": "Kurator",
    "midwife": "Barnmorska",
}

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
    "self_care": ("Egenvårdsråd", "Patienten har fått råd och tar hand om besvären själv.",
                  "Avsluta med egenvårdsråd"),
    "withdrawn": ("Återkallad", "Patienten behöver inte längre hjälp.", "Avsluta kontakten"),
    "emergency_department": ("Hänvisad till akutmottagningen", "Patienten ska söka akut vård nu.",
                             "Avsluta: hänvisad till akuten"),
    "duplicate": ("Dubblett", "Samma besvär är redan registrerat i en annan kontakt.", "Avsluta kontakten"),
}

STATUSES = {"open": "Ej triagerad", "triaged": "Triagerad", "assessed": "Bedömd", "closed": "Avslutad"}

WEEKDAYS = ["måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"]
MONTHS = ["januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
          "november", "december"]


def unit_name(hsa_id: str | None) -> str:
    return UNITS.get(hsa_id or "", hsa_id or "okänd enhet")


def label(table: dict, code: str | None, fallback: str = "–") -> str:
    value = table.get(code or "", code or fallback)
    return value[0] if isinstance(value, tuple) else value


def clock_time(moment: datetime) -> str:
    """Swedish clock time, e.g. 09.05."""
    return to_stockholm(moment).strftime("%H.%M")


def date_text(moment: datetime, *, weekday: bool = True, year: bool = False) -> str:
    """E.g. 'tisdag 24 november' (Europe/Stockholm)."""
    local = to_stockholm(moment)
    text = f"{local.day} {MONTHS[local.month - 1]}" + (f" {local.year}" if year else "")
    return f"{WEEKDAYS[local.weekday()]} {text}" if weekday else text


def date_time(moment: datetime, *, year: bool = False) -> str:
    """E.g. 'tisdag 24 november kl. 09.05'."""
    return f"{date_text(moment, year=year)} kl. {clock_time(moment)}"


def parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def last_day_before(deadline: datetime) -> str:
    """The guarantee's deadline is midnight after its last day; people read the last day."""
    return date_text(deadline - timedelta(microseconds=1))


def hours_text(hours: float) -> str:
    whole = int(abs(hours))
    return f"{whole} timme" if whole == 1 else f"{whole} timmar"


def age_text(years: int) -> str:
    return f"{years} år"
