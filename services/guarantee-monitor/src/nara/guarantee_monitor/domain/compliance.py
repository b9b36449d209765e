"""Compliance as SKR publishes it, per group: the share of medical assessments within the national guarantee,
and the "0" (phone contacts given contact the same day). A group under MINIMUM_GROUP is not published."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .reporting import MINIMUM_GROUP


@dataclass(frozen=True)
class ComplianceRow:
    month: str
    unit: str
    profession: str
    contact_form: str
    assessments: int
    within_guarantee: int
    patient_chosen_wait: int
    hidden: bool

    @property
    def share(self) -> float | None:
        """The published share: none for a group under 20."""
        return None if self.hidden else self.internal_share

    def as_dict(self, include_small_groups: bool = False) -> dict[str, Any]:
        published = not self.hidden or include_small_groups
        return {
            "month": self.month,
            "unit": self.unit,
            "profession": self.profession,
            "contact_form": self.contact_form,
            "hidden": self.hidden,
            "assessments": self.assessments if published else None,
            "within_guarantee": self.within_guarantee if published else None,
            "patient_chosen_wait": self.patient_chosen_wait if published else None,
            "share": self.internal_share if published else None,
        }

    @property
    def internal_share(self) -> float | None:
        """The share whatever the group's size: for the unit's own staff, never for publication."""
        counted = self.assessments - self.patient_chosen_wait
        return round(self.within_guarantee / counted, 4) if counted > 0 else None


@dataclass(frozen=True)
class SameDayRow:
    """The "0" for one unit and month: of the contacts registered by phone, how many got contact that day."""

    month: str
    unit: str
    phone_contacts: int
    same_day: int

    @property
    def hidden(self) -> bool:
        return self.phone_contacts < MINIMUM_GROUP

    @property
    def internal_share(self) -> float | None:
        return round(self.same_day / self.phone_contacts, 4) if self.phone_contacts else None

    def as_dict(self, include_small_groups: bool = False) -> dict[str, Any]:
        published = not self.hidden or include_small_groups
        return {
            "month": self.month,
            "unit": self.unit,
            "hidden": self.hidden,
            "phone_contacts": self.phone_contacts if published else None,
            "same_day": self.same_day if published else None,
            "share": self.internal_share if published else None,
        }
