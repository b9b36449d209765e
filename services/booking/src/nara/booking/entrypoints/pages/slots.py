"""The list of free times as a radio group, shared by booking and rebooking."""

from __future__ import annotations

from ...service.records import FreeSlot, SlotPage
from . import swedish
from .rendering import Option, Safe, fmt, radios

PAGE_SIZE = 10
WITHIN_GUARANTEE = "Inom vårdgarantin"


def slot_option(slot: FreeSlot) -> Option:
    tags = ([WITHIN_GUARANTEE] if slot.within_guarantee else []) + (
        ["Din fasta vårdkontakt"] if slot.fixed_care_contact else []
    )
    hint = (
        f"{slot.time_type_name} hos {slot.practitioner_name}, {swedish.profession(slot.profession)}. "
        f"{swedish.contact_form(slot.contact_form)}."
    )
    return Option(
        str(slot.id),
        swedish.when_span(slot.start_at, slot.end_at),
        hint=hint,
        tag=" · ".join(tags),
        data=slot.start_at.isoformat(),
    )


def slot_choices(page: SlotPage, *, error: str | None, legend: str) -> Safe:
    any_within = any(slot.within_guarantee for slot in page.slots)
    hint = "Tider inom vårdgarantin visas först och är märkta." if any_within else ""
    return radios("tid", legend, [slot_option(s) for s in page.slots], error=error, hint=hint)


def pagination(base: str, page: SlotPage) -> Safe:
    if page.page <= 1 and not page.has_more:
        return Safe("")
    links = []
    if page.page > 1:
        links.append(
            fmt(
                '<li><a class="pagination-link" href="$href" rel="prev">Tidigare i listan</a></li>',
                href=f"{base}?sida={page.page - 1}",
            )
        )
    if page.has_more:
        links.append(
            fmt(
                '<li><a class="pagination-link" href="$href" rel="next">Fler tider</a></li>',
                href=f"{base}?sida={page.page + 1}",
            )
        )
    return fmt(
        '<nav class="pagination" aria-label="Fler tider"><p class="hint">Sida $n</p><ul>$links</ul></nav>',
        n=str(page.page),
        links=Safe("".join(links)),
    )
