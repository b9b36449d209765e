"""What the pages say in Swedish: dates and times in Stockholm, professions, contact forms, statuses."""

from __future__ import annotations

from datetime import date, datetime

from nara.shared.personnummer import InvalidPersonnummer, normalise
from nara.shared.web.swedish import clock_time, date_text

PROFESSIONS = {
    "doctor": "läkare",
    "nurse": "sjuksköterska",
    "district_nurse": "distriktssköterska",
    "physiotherapist": "fysioterapeut",
    "occupational_therapist": "arbetsterapeut",
    "psychologist": "psykolog",
    "counsellor": "kurator",
    "midwife": "barnmorska",
}
CONTACT_FORMS = {
    "clinic": "Besök på vårdcentralen",
    "home": "Hembesök",
    "phone": "Telefonsamtal",
    "video": "Videobesök",
    "chat_letter": "Chatt eller brev",
}
STATUSES = {
    "booked": "Bokad",
    "rebooked": "Flyttad till en annan tid",
    "cancelled": "Avbokad",
    "completed": "Genomförd",
    "no_show": "Du kom inte",
}


def day(instant: datetime) -> str:
    """'tisdag 24 november', on Stockholm's calendar."""
    return date_text(instant)


def clock(instant: datetime) -> str:
    """'kl. 08:00', on Stockholm's wall clock."""
    return f"kl. {clock_time(instant, ':')}"


def when(instant: datetime) -> str:
    """'tisdag 24 november kl. 08:00'."""
    return f"{day(instant)} {clock(instant)}"


def when_span(start: datetime, end: datetime) -> str:
    """'tisdag 24 november kl. 08:00–08:20'."""
    return f"{when(start)}–{clock_time(end, ':')}"


def profession(code: str) -> str:
    return PROFESSIONS.get(code, code)


def contact_form(code: str) -> str:
    return CONTACT_FORMS.get(code, code)


def status(code: str) -> str:
    return STATUSES.get(code, code)


def either_or(words: list[str]) -> str:
    """'läkare', 'läkare eller sjuksköterska', 'a, b eller c'."""
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} eller {words[-1]}"


def personnummer_problem(raw: str, today: date) -> str | None:
    """A Swedish sentence saying what is wrong with a typed personnummer, or None when it is valid."""
    if not raw.strip():
        return "Skriv ditt personnummer."
    try:
        normalise(raw, today)
    except InvalidPersonnummer as invalid:
        reason = invalid.reason.lower()
        if "10 or 12 digits" in reason or "as text" in reason:
            return "Skriv personnumret med 12 siffror, till exempel 19121212-1212."
        if "check digit" in reason:
            return "Personnumret stämmer inte: kontrollera siffrorna, särskilt den sista."
        if "future" in reason:
            return "Födelsedatumet i personnumret ligger i framtiden. Kontrollera årtalet."
        if "does not exist" in reason or "before" in reason:
            return "Födelsedatumet i personnumret finns inte. Kontrollera siffrorna."
        return "Personnumret stämmer inte. Kontrollera siffrorna och försök igen."
    return None


def age_on(personnummer: str, today: date) -> int:
    """Whole years of age on `today`, from a valid personnummer or samordningsnummer."""
    digits = normalise(personnummer, today)
    born_day = int(digits[6:8])
    born = date(int(digits[:4]), int(digits[4:6]), born_day - 60 if born_day > 60 else born_day)
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))
