"""Who acts on a booking, as the use cases see it: a patient (by pseudonym) or staff (by HSA-id and units)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    kind: str  # "patient" or "staff"
    id: str  # the patient's pseudonym, or the staff member's HSA-id
    units: tuple[str, ...] = ()

    @property
    def is_staff(self) -> bool:
        return self.kind == "staff"

    def may_see(self, patient: str, unit: str) -> bool:
        """Citizens see only their own appointments, staff only their units'."""
        return unit in self.units if self.is_staff else patient == self.id
