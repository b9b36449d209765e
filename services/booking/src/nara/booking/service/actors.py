"""Who acts on a booking, as the use cases see it: a patient (by pseudonym) or staff (by HSA-id and units)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    kind: str  # "patient" or "staff"
    id: str  # the patient's pseudonym, or the staff member's HSA-id
    units: tuple[str, ...] = ()
    wards: tuple[str, ...] = ()  # a citizen's children under 18 (pseudonyms), as the triage service says today

    @property
    def is_staff(self) -> bool:
        return self.kind == "staff"

    def may_act_for(self, patient: str) -> bool:
        """A citizen acts for themselves and for their children under 18."""
        return patient == self.id or patient in self.wards

    def may_see(self, patient: str, unit: str) -> bool:
        """Citizens see only their own and their children's appointments, staff only their units'."""
        return unit in self.units if self.is_staff else self.may_act_for(patient)
