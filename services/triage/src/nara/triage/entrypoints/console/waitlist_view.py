"""How the console shows a contact's waitlist entry and its offers, from booking's answer (GET /api/v1/waitlist/
{contact_id}): in Swedish, times in Europe/Stockholm, and the number or address the patient gave never in full."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from nara.shared.web.labels import label
from nara.shared.web.pages import Choice
from nara.shared.web.swedish import date_time, unit_name

WEEKDAYS = ["Måndag", "Tisdag", "Onsdag", "Torsdag", "Fredag", "Lördag", "Söndag"]  # booking's 0..6
DAY_PARTS = {
    "morning": "Förmiddag (före 12:00)",
    "afternoon": "Eftermiddag (12:00–17:00)",
    "evening": "Kväll (från 17:00)",
}
CONTACT_FORMS = ["clinic", "home", "phone", "video", "chat_letter"]
REACH = {"sms": "SMS", "email": "E-post", "none": "Inget"}
REACH_HINTS = {
    "sms": "Ett sms med en länk när en tid blir ledig.",
    "email": "Ett mejl med en länk när en tid blir ledig.",
    "none": "Patienten tittar själv under Mina tider.",
}
ENDS = {
    "left": "Togs bort ur kön",
    "booked": "Fick en tid inom vårdgarantin",
    "assessed": "Kontakten är bedömd",
    "closed": "Kontakten är avslutad",
}
JOINED_BY = {"patient": "patienten", "guardian": "vårdnadshavaren", "staff": "personal"}
OFFER_STATES = {
    "open": "Väntar på svar",
    "accepted": "Tackade ja",
    "declined": "Tackade nej",
    "lapsed": "Gick ut utan svar",
    "withdrawn": "Återtagen",
}


def masked(by: str, address: str | None) -> str:
    """How the patient is reached, never the whole number or address: 'SMS till nummer som slutar på 67',
    'E-post till a…@exempel.se'."""
    if by == "sms" and address:
        return f"SMS till nummer som slutar på {address[-2:]}"
    if by == "email" and address and "@" in address:
        name, domain = address.rsplit("@", 1)
        return f"E-post till {name[:1]}…@{domain}"
    return REACH.get(by, by)


def _moment(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def _when(value: object) -> str:
    moment = _moment(value)
    return date_time(moment) if moment else "–"


def _reach(entry: dict[str, Any]) -> str:
    reach = entry.get("reach", {})
    if not entry.get("waiting") and reach.get("by", "none") == "none":
        # booking forgets the number or address when an entry ends: not "never reachable"
        return "Uppgiften togs bort när patienten slutade stå i kö"
    return masked(reach.get("by", "none"), reach.get("address"))


def entry_rows(entry: dict[str, Any]) -> list[tuple[str, str]]:
    """The entry as a summary list: what suits the patient, how they are reached, and who put them there when."""
    rows = [
        ("Står i kö", "Ja" if entry.get("waiting") else f"Nej: {ENDS.get(entry.get('end_reason') or '', 'avslutad')}"),
        ("Vårdcentraler", ", ".join(unit_name(unit) for unit in entry.get("units", [])) or "–"),
        ("Dagar", ", ".join(WEEKDAYS[d] for d in entry.get("weekdays", []) if 0 <= d < len(WEEKDAYS)) or "–"),
        ("Tider på dagen", ", ".join(DAY_PARTS.get(p, p) for p in entry.get("day_parts", [])) or "–"),
        ("Kontaktformer", ", ".join(label(f, "contact_form") for f in entry.get("contact_forms", [])) or "–"),
        ("Nås med", _reach(entry)),
    ]
    joined = _when(entry.get("joined_at"))
    who = JOINED_BY.get(entry.get("joined_by") or "", "")
    rows.append(("Anmäld", f"{joined} av {who}" if who else joined))
    if not entry.get("waiting") and entry.get("ended_at"):
        rows.append(("Slutade stå i kö", _when(entry.get("ended_at"))))
    return rows


@dataclass(frozen=True)
class OfferRow:
    slot_start: str
    unit: str
    state: str
    state_key: str
    offered_at: str
    answered: str  # when it was answered, lapsed or withdrawn; for an open offer, until when it is held


def offer_rows(entry: dict[str, Any]) -> list[OfferRow] | None:
    """The entry's offers, newest first as booking gives them; None when booking does not give offers (an older
    booking), so the page says nothing rather than 'no offers'."""
    offers = entry.get("offers")
    if not isinstance(offers, list):
        return None
    rows = []
    for offer in offers:
        state = str(offer.get("state", ""))
        held = f"Hålls till {_when(offer.get('hold_until'))}"
        answered = held if state == "open" else _when(offer.get("decided_at"))
        rows.append(
            OfferRow(
                slot_start=_when(offer.get("slot_start")),
                unit=unit_name(offer.get("unit")),
                state=OFFER_STATES.get(state, state or "–"),
                state_key=state,
                offered_at=_when(offer.get("offered_at")),
                answered=answered,
            )
        )
    return rows


def unit_choices(staff_units: tuple[str, ...], entry_units: list[str]) -> list[Choice]:
    """The staff member's units, and any other the patient already chose (so a change keeps it)."""
    units = list(staff_units) + [u for u in entry_units if u not in staff_units]
    return [Choice(unit, unit_name(unit)) for unit in units]


WEEKDAY_CHOICES = [Choice(str(day), name) for day, name in enumerate(WEEKDAYS)]
DAY_PART_CHOICES = [Choice(key, words) for key, words in DAY_PARTS.items()]
CONTACT_FORM_CHOICES = [Choice(form, label(form, "contact_form")) for form in CONTACT_FORMS]
REACH_CHOICES = [Choice(by, words, REACH_HINTS[by]) for by, words in REACH.items()]
