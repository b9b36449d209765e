"""What the citizens' pages say in Swedish beyond the kit's words: sentences with times, appointment statuses,
lists of professions and what is wrong with a typed personnummer.

Times, professions and contact forms come from the kit (nara.shared.web), so every app says them alike.
"""

from __future__ import annotations

from datetime import date, datetime

from nara.shared.personnummer import InvalidPersonnummer, normalise
from nara.shared.web.labels import label
from nara.shared.web.swedish import FILTERS, date_text

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
    """'kl. 08:00', on Stockholm's wall clock (the kit's time)."""
    return f"kl. {FILTERS['time'](instant)}"


def when(instant: datetime) -> str:
    """'tisdag 24 november kl. 08:00', the kit's date_time."""
    text: str = FILTERS["date_time"](instant)
    return text


def when_span(start: datetime, end: datetime) -> str:
    """'tisdag 24 november kl. 08:00–08:20', the kit's time_span."""
    text: str = FILTERS["time_span"](start, end)
    return text


def profession(code: str) -> str:
    """A profession inside a sentence, e.g. 'sjuksköterska' (the kit's label, lowered)."""
    return label(code, "profession", missing="").lower()


def contact_form(code: str) -> str:
    """How a citizen reads a contact form, e.g. 'Besök på vårdcentralen'."""
    return label(code, "contact_form_for_citizens", missing="")


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
