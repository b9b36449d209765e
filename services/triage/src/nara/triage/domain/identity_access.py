"""Who may learn which person a pseudonym stands for: the personnummer is the most sensitive thing triage keeps."""

from __future__ import annotations

# Staff who meet or book patients, and the administrator who works at a unit like them; operations staff follow
# alerts and figures, never a person.
CARE_ROLES = frozenset({"reception", "clinician", "scheduler", "admin"})


def may_see_identity(role: str, *, listed_at_own_unit: bool, has_contact_at_own_unit: bool) -> bool:
    """Care staff, an administrator too (least privilege: no role sees the whole region's patients), see a patient
    listed at one of their units or with a contact there."""
    return role in CARE_ROLES and (listed_at_own_unit or has_contact_at_own_unit)


def may_ask_for_identities(role: str) -> bool:
    return role in CARE_ROLES
