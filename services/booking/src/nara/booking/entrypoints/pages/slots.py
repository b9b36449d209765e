"""The free times as radio options, shared by booking and rebooking (templates/fields.html shows them)."""

from __future__ import annotations

from dataclasses import dataclass

from nara.shared.web.pages import Choice

from ...service.records import FreeSlot, SlotPage
from . import swedish

PAGE_SIZE = 10
WITHIN_GUARANTEE = "Inom vårdgarantin"


@dataclass(frozen=True)
class SlotChoice(Choice):
    """A free time as a radio: `data` is its start (for scripts and tests), and whether it is within the guarantee."""

    data: str = ""
    within_guarantee: bool = False


def slot_choice(slot: FreeSlot) -> SlotChoice:
    tags = ([WITHIN_GUARANTEE] if slot.within_guarantee else []) + (
        ["Din fasta vårdkontakt"] if slot.fixed_care_contact else []
    )
    hint = (
        f"{slot.time_type_name} hos {slot.practitioner_name}, {swedish.profession(slot.profession)}. "
        f"{swedish.contact_form(slot.contact_form)}."
    )
    return SlotChoice(
        str(slot.id),
        swedish.when_span(slot.start_at, slot.end_at),
        hint=hint,
        tag=" · ".join(tags),
        data=slot.start_at.isoformat(),
        within_guarantee=bool(slot.within_guarantee),
    )


def slot_choices(page: SlotPage) -> list[SlotChoice]:
    return [slot_choice(slot) for slot in page.slots]


def page_number(raw: str | None) -> int:
    """The ?sida= of a list of times; anything odd is the first page."""
    return int(raw) if raw and raw.isdigit() and 0 < int(raw) < 1000 else 1
