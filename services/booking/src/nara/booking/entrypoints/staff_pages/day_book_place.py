"""Where a staff member is in the day's book (unit, day, practitioner or profession), read from a page's address
or a form, and carried through every action so they come back to the same day and filter."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol
from urllib.parse import urlencode

from nara.shared.clock import to_stockholm
from nara.shared.events.vocabulary import Profession
from nara.shared.web.fields import HSA_ID_PATTERN

BOOK_PATH = "/personal/schema/dagbok"
HSA_ID = re.compile(HSA_ID_PATTERN)
# What a finished action says on the book it returns to (the address carries the code, never the text).
DONE = {
    "bokad": "Tiden är bokad.",
    "avbokad": "Tiden är avbokad.",
    "genomford": "Besöket är registrerat som genomfört.",
    "uteblev": "Besöket är registrerat: patienten kom inte.",
    "sparrad": "Tiden är spärrad. Ingen kan boka den förrän den öppnas igen.",
    "oppnad": "Tiden är öppnad och kan bokas igen.",
}


class Values(Protocol):
    """A page's query parameters or a form's fields."""

    def get(self, key: str, /) -> str | None: ...


@dataclass(frozen=True)
class Place:
    unit: str
    day: date
    practitioner: str | None = None
    profession: str | None = None

    def fields(self) -> list[tuple[str, str]]:
        """The address's (or a form's hidden) fields that say where the book is."""
        pairs = [("enhet", self.unit), ("datum", self.day.isoformat())]
        if self.practitioner:
            pairs.append(("behandlare", self.practitioner))
        if self.profession:
            pairs.append(("yrke", self.profession))
        return pairs

    def query(self) -> str:
        return urlencode(self.fields())

    def href(self, done: str | None = None, *, day: date | None = None) -> str:
        """The book here (on another day, with `day`), with a finished action's banner (`done`)."""
        place = Place(self.unit, day or self.day, self.practitioner, self.profession)
        extra = [("klart", done)] if done else []
        return f"{BOOK_PATH}?{urlencode(place.fields() + extra)}"


def read_place(values: Values, unit: str, now: datetime) -> tuple[Place, list[tuple[str | None, str]]]:
    """The place the values name on the desk's unit, with what is wrong with them in Swedish (by field); what
    cannot be read falls back to today and everyone."""
    errors: list[tuple[str | None, str]] = []
    today = to_stockholm(now).date()
    day = today
    written = (values.get("datum") or "").strip()
    if written:
        try:
            day = date.fromisoformat(written)
        except ValueError:
            errors.append(("datum", "Skriv datumet som år-månad-dag, till exempel 2026-11-24."))
        else:
            if not 2000 <= day.year < 2100:
                errors.append(("datum", "Välj ett datum mellan år 2000 och 2099."))
                day = today
    practitioner = (values.get("behandlare") or "").strip() or None
    if practitioner and not HSA_ID.match(practitioner):
        errors.append(("behandlare", "Välj en behandlare i listan."))
        practitioner = None
    profession = (values.get("yrke") or "").strip() or None
    if profession and profession not in {p.value for p in Profession}:
        errors.append(("yrke", "Välj en yrkesgrupp i listan."))
        profession = None
    return Place(unit, day, practitioner, profession), errors
