"""What the console's templates show, worked out in Python: the queue's rows in order, the decision's open
questions and the contact's next steps. The markup is in templates/parts.html."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from nara.shared.events.vocabulary import CareLevel, ContactCloseReason, Urgency

from ...adapters.monitor_client import Clock
from .guarantee import Meter, ShownGuarantee, meter, shown_guarantee, status_text
from .kit import fragment
from .swedish import CLOSE_ACTIONS

__all__ = ["QueueRow", "next_steps", "queue_rows", "queue_table", "status_text", "unanswered_questions"]

# Care levels whose natural next step is closing the contact, and with which reason.
CLOSE_FIRST = {
    CareLevel.SELF_CARE: ContactCloseReason.SELF_CARE,
    CareLevel.CALL_112: ContactCloseReason.EMERGENCY_DEPARTMENT,
    CareLevel.EMERGENCY_NOW: ContactCloseReason.EMERGENCY_DEPARTMENT,
}


@dataclass(frozen=True)
class QueueRow:
    contact: dict[str, Any]
    meter: Meter
    status: str
    reason: str


def queue_order(contact: dict[str, Any], shown: ShownGuarantee) -> tuple[int, float, str]:
    """Most urgent first: red and orange, then untriaged with yellow, then the rest; least time left within each
    (by the monitor's clock where it has one)."""
    urgency = contact["urgency"]
    rank = list(Urgency).index(Urgency(urgency)) if urgency in list(Urgency) else 2
    hours = shown.hours_left if shown.hours_left is not None else contact["guarantee_hours_left"]
    return rank, hours, contact["sought_at"]


def queue_rows(
    contacts: list[dict[str, Any]], reasons: Mapping[str, str], clocks: Mapping[str, Clock] | None
) -> list[QueueRow]:
    shown = {c["id"]: shown_guarantee(c, (clocks or {}).get(c["id"])) for c in contacts}
    ordered = sorted(contacts, key=lambda c: queue_order(c, shown[c["id"]]))
    return [
        QueueRow(
            c, meter(c, shown[c["id"]]), status_text(c, shown[c["id"]]), reasons.get(c["reason_code"] or "", "Ej vald")
        )
        for c in ordered
    ]


def queue_table(
    contacts: list[dict[str, Any]], reasons: Mapping[str, str], clocks: Mapping[str, Clock] | None
) -> Markup:
    """The queue's table (or its empty message), as console.js swaps it in."""
    ids = " ".join(c["id"] for c in contacts)
    return fragment("queue_table", queue_rows(contacts, reasons, clocks), ids)


def unanswered_questions(decision: dict[str, Any], question_texts: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """(the red-flag questions left unanswered, the other questions left unanswered), as their texts."""
    open_flags = decision.get("unanswered_red_flags") or []
    others = [q for q in decision.get("unanswered_questions") or [] if q not in open_flags]
    return [question_texts.get(q, q) for q in open_flags], [question_texts.get(q, q) for q in others]


def next_steps(contact: dict[str, Any], decision: dict[str, Any] | None, booked: bool) -> list[tuple[str, str, str]]:
    """The contact's next steps as (href, text, button kind), the one the decision suggests first; none when the
    contact is finished."""
    base = f"/console/kontakter/{contact['id']}"
    if contact["status"] in ("assessed", "closed"):
        return []
    if decision is None:
        return [(f"{base}/fragor", "Ställ frågorna", ""), (f"{base}/avsluta", "Avsluta kontakten", "secondary")]
    # Where the decision sends the patient decides the first step; the others stay one Tab away. With a time
    # already booked, the next step is the assessment, and another time is booked only on purpose.
    close_reason = CLOSE_FIRST.get(decision["care_level"])
    book = (f"{base}/boka", "Boka en tid till" if booked else "Boka tid åt patienten")
    assess = (f"{base}/bedomning", "Registrera medicinsk bedömning")
    close = (f"{base}/avsluta", "Avsluta kontakten")
    change = [
        (f"{base}/avvikelse", "Avvik från riktlinjerna", "secondary"),
        (f"{base}/fragor", "Ändra svaren", "secondary"),
    ]
    if close_reason:
        first, rest = (f"{base}/avsluta", CLOSE_ACTIONS[close_reason]), [assess, book]
    elif booked:
        first, rest = assess, [book, close]
    else:
        first, rest = book, [assess, close]
    return [(*first, ""), *change, *((href, text, "secondary") for href, text in rest)]
