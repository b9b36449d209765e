"""A contact's lifecycle: registered (open), triaged (again and again if need be), assessed, closed.

The contacts table's CHECK on `status` (migrations/0001_contacts.sql) and the status guards in the adapter's
UPDATEs (adapters/contacts.py) are the last line of defence; this is where the rule is stated.
"""

from __future__ import annotations

from enum import StrEnum

from .refusals import WrongState


class ContactStatus(StrEnum):
    OPEN = "open"  # registered: the guarantee clock runs
    TRIAGED = "triaged"  # decided by the guidelines (or an override); may be triaged again
    ASSESSED = "assessed"  # a licensed professional assessed the patient: the clock stopped
    CLOSED = "closed"  # self-care advice, withdrawn, sent to the emergency department, or a duplicate


# Which statuses a contact may go to from each status.
ALLOWED_TRANSITIONS: dict[ContactStatus, frozenset[ContactStatus]] = {
    ContactStatus.OPEN: frozenset({ContactStatus.TRIAGED, ContactStatus.ASSESSED, ContactStatus.CLOSED}),
    ContactStatus.TRIAGED: frozenset({ContactStatus.TRIAGED, ContactStatus.ASSESSED, ContactStatus.CLOSED}),
    ContactStatus.ASSESSED: frozenset({ContactStatus.CLOSED}),
    ContactStatus.CLOSED: frozenset(),
}
# Still waiting for an assessment: the queue shows these, and a listing found later still matters to them.
OPEN_STATUSES = frozenset({ContactStatus.OPEN, ContactStatus.TRIAGED})

_REFUSALS = {
    ContactStatus.TRIAGED: "Kontakten är redan bedömd eller avslutad och kan inte triageras igen.",
    ContactStatus.ASSESSED: "Kontakten är redan bedömd eller avslutad.",
    ContactStatus.CLOSED: "Kontakten är redan avslutad.",
}


def may_become(current: ContactStatus, target: ContactStatus) -> bool:
    return target in ALLOWED_TRANSITIONS[current]


def ensure_may_become(current: ContactStatus | str, target: ContactStatus) -> None:
    """WrongState, in words for staff, when a contact in `current` may not go to `target`."""
    if not may_become(ContactStatus(current), target):
        raise WrongState(_REFUSALS.get(target, "Kontakten kan inte ändras så här."))
