"""Finding a time: the filters a citizen sets on the list of free times (a date, a part of the day, a contact form),
read from the address so that they work without JavaScript, survive an error and travel with the chosen time."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlencode

from nara.shared.clock import STOCKHOLM, to_stockholm
from nara.shared.events.vocabulary import ContactForm
from nara.shared.web.pages import Choice

from ...domain.day_parts import DayPart
from . import swedish

SEARCH_DAYS = 14  # how far one list reaches from its first day
FURTHEST_DAYS = 180  # a date further ahead than this is not searched
QUICK_DAYS = 8  # today, tomorrow and a whole week after: next Wednesday is always one link away
DAY_PARTS = {
    "formiddag": (DayPart.MORNING, "Förmiddag (före 12:00)"),
    "eftermiddag": (DayPart.AFTERNOON, "Eftermiddag (12:00–17:00)"),
    "kvall": (DayPart.EVENING, "Kväll (från 17:00)"),
}
CONTACT_FORMS = {form.value for form in ContactForm}


@dataclass(frozen=True)
class TimeFilter:
    """What the citizen asked for: times from `day` on (None: from now), in a part of the day, of a contact form."""

    day: date | None = None
    day_part: str = ""  # a key of DAY_PARTS, or "" for the whole day
    contact_form: str = ""  # a ContactForm value, or "" for every form
    page: int = 1
    typed_day: str = ""  # the date as typed, shown again when it could not be used

    def fields(self, *, with_page: bool = True) -> list[tuple[str, str]]:
        """The filter as (name, value) pairs: the address of the list, and hidden fields of the form under it."""
        pairs = [
            ("datum", self.day.isoformat() if self.day else ""),
            ("del", self.day_part),
            ("form", self.contact_form),
            ("sida", str(self.page) if with_page and self.page > 1 else ""),
        ]
        return [(name, value) for name, value in pairs if value]

    def address(self, base: str = "/tider", *, day: date | None = None, page: int | None = None) -> str:
        """The list's address, with another first day or page when given."""
        changed = replace(self, day=day or self.day, page=self.page if page is None else page)
        query = urlencode(changed.fields())
        return f"{base}?{query}" if query else base

    @property
    def part(self) -> DayPart | None:
        return DAY_PARTS[self.day_part][0] if self.day_part else None

    @property
    def narrowed(self) -> bool:
        return bool(self.day or self.day_part or self.contact_form)

    def window(self, now: datetime) -> tuple[datetime, datetime]:
        """From the chosen day's first minute (never before now) to midnight SEARCH_DAYS days on, in Stockholm."""
        first = self.day or to_stockholm(now).date()
        start = max(now, midnight(first))
        return start, midnight(first + timedelta(days=SEARCH_DAYS))


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), STOCKHOLM).astimezone(UTC)


def read_filter(params: Mapping[str, str], today: date) -> tuple[TimeFilter, str | None]:
    """The filter in the address; an odd part or contact form is ignored, a date that cannot be used is said."""
    raw_page = params.get("sida", "")
    page = int(raw_page) if raw_page.isdigit() and 0 < int(raw_page) < 1000 else 1
    part = params.get("del", "")
    form = params.get("form", "")
    chosen = TimeFilter(
        day_part=part if part in DAY_PARTS else "",
        contact_form=form if form in CONTACT_FORMS else "",
        page=page,
    )
    typed = params.get("datum", "").strip()
    if not typed:
        return chosen, None
    try:
        day = date.fromisoformat(typed)
    except ValueError:
        return replace(chosen, typed_day=typed[:20]), "Skriv datumet som år-månad-dag, till exempel " + (
            f"{(today + timedelta(days=1)).isoformat()}."
        )
    if day < today:
        return replace(chosen, typed_day=typed), "Välj i dag eller ett senare datum."
    if day > today + timedelta(days=FURTHEST_DAYS):
        return replace(chosen, typed_day=typed), f"Välj ett datum inom {FURTHEST_DAYS} dagar från i dag."
    return replace(chosen, day=day, typed_day=typed), None


@dataclass(frozen=True)
class QuickDay:
    href: str
    words: str  # what a screen reader says: 'onsdag 9 december'
    short: str  # what the phone shows: 'ons 9 dec'
    current: bool


def quick_days(chosen: TimeFilter, today: date, base: str = "/tider") -> list[QuickDay]:
    """Links to the next days, one step each: 'I dag', 'I morgon', 'onsdag 9 dec'."""
    days = []
    for offset in range(QUICK_DAYS):
        day = today + timedelta(days=offset)
        words = "I dag" if offset == 0 else "I morgon" if offset == 1 else swedish.day(midnight(day))
        short = words if offset < 2 else " ".join(word[:3] if i != 1 else word for i, word in enumerate(words.split()))
        days.append(QuickDay(chosen.address(base, day=day, page=1), words, short, chosen.day == day))
    return days


def day_part_options() -> list[Choice]:
    return [Choice("", "Hela dagen")] + [Choice(key, words) for key, (_, words) in DAY_PARTS.items()]


def contact_form_options() -> list[Choice]:
    return [Choice("", "Alla sätt")] + [Choice(form.value, swedish.contact_form(form.value)) for form in ContactForm]
