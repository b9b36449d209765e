"""The free times as radio options, shared by booking and rebooking (templates/fields.html shows them), each saying
before it is booked whether and until when it can be cancelled or rebooked on the web."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from nara.shared.web.pages import Choice

from ...domain.web_changes import WebChangeTerms
from ...service.records import FreeSlot, SlotPage
from . import swedish

PAGE_SIZE = 10
WITHIN_GUARANTEE = "Inom vårdgarantin"
RING_TO_CHANGE = "Avbokas bara på telefon"


@dataclass(frozen=True)
class SlotChoice(Choice):
    """A free time as a radio: `data` is its start (for scripts and tests), and whether it is within the guarantee."""

    data: str = ""
    within_guarantee: bool = False


def change_text(terms: WebChangeTerms, now: datetime, phone: str) -> str:
    """Whether and until when a time can be changed on the web, in one sentence; else the unit's phone number."""
    ring = f"Ring vårdcentralen på {phone}" if phone else "Ring vårdcentralen"
    ring_inside = f"r{ring[1:]}"  # the same words inside a sentence
    cancel, rebook = terms.may_cancel(now), terms.may_rebook(now)
    if cancel and rebook and terms.cancel_until == terms.rebook_until and terms.cancel_until is not None:
        return f"Du kan avboka eller omboka på webben senast {swedish.when(terms.cancel_until)}."
    if cancel and rebook and terms.cancel_until is not None and terms.rebook_until is not None:
        return (
            f"Du kan avboka på webben senast {swedish.when(terms.cancel_until)} och omboka senast "
            f"{swedish.when(terms.rebook_until)}."
        )
    if cancel and terms.cancel_until is not None:
        return (
            f"Du kan avboka på webben senast {swedish.when(terms.cancel_until)}. "
            f"Tiden går inte att omboka på webben: {ring_inside} för att flytta den."
        )
    if rebook and terms.rebook_until is not None:
        return (
            f"Du kan omboka på webben senast {swedish.when(terms.rebook_until)}. "
            f"Tiden går inte att avboka på webben: {ring_inside} för att avboka."
        )
    return f"Tiden går inte att avboka eller omboka på webben. {ring} om du inte kan komma."


def short_change_text(terms: WebChangeTerms, now: datetime, phone: str) -> str:
    """The same, short enough for every time in a list."""
    cancel, rebook = terms.may_cancel(now), terms.may_rebook(now)
    open_until = [moment for moment, may in ((terms.cancel_until, cancel), (terms.rebook_until, rebook)) if may]
    until = min((moment for moment in open_until if moment is not None), default=None)
    if until is None or not (cancel or rebook):
        return f"Kan inte avbokas på webben: ring {phone}." if phone else "Kan inte avbokas på webben."
    verbs = "Avboka eller omboka" if cancel and rebook else "Avboka" if cancel else "Omboka"
    return f"{verbs} på webben senast {swedish.when(until)}."


def slot_choice(slot: FreeSlot, now: datetime, phone: str) -> SlotChoice:
    tags = (
        ([WITHIN_GUARANTEE] if slot.within_guarantee else [])
        + (["Din fasta vårdkontakt"] if slot.fixed_care_contact else [])
        + ([] if slot.change_terms.any_change(now) else [RING_TO_CHANGE])
    )
    hint = (
        f"{slot.time_type_name} hos {slot.practitioner_name}, {swedish.profession(slot.profession)}. "
        f"{swedish.contact_form(slot.contact_form)}. {short_change_text(slot.change_terms, now, phone)}"
    )
    return SlotChoice(
        str(slot.id),
        swedish.when_span(slot.start_at, slot.end_at),
        hint=hint,
        tag=" · ".join(tags),
        data=slot.start_at.isoformat(),
        within_guarantee=bool(slot.within_guarantee),
    )


def slot_choices(page: SlotPage, now: datetime, phone: str) -> list[SlotChoice]:
    return [slot_choice(slot, now, phone) for slot in page.slots]
