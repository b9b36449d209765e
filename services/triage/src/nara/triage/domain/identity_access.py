"""Who may learn which person a pseudonym stands for: the personnummer is the most sensitive thing triage keeps."""

from __future__ import annotations

# Staff who meet or book patients; operations staff follow alerts and figures, never a person.
CARE_ROLES = frozenset({"reception", "clinician", "scheduler"})


def may_see_identity(role: str, *, listed_at_own_unit: bool, has_contact_at_own_unit: bool) -> bool:
    """An admin sees any; care staff a patient listed at one of their units or with a contact there."""
    if role == "admin":
        return True
    return role in CARE_ROLES and (listed_at_own_unit or has_contact_at_own_unit)


def may_ask_for_identities(role: str) -> bool:
    return role == "admin" or role in CARE_ROLES
