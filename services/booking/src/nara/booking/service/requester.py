"""Who asks for a booking action, as the use cases see it: a patient (by pseudonym) or staff (by HSA-id and units).

Named apart from nara.shared.events.vocabulary.Actor, which is what an event says of them (`kind` here)."""

from __future__ import annotations

from dataclasses import dataclass

from nara.shared.events.vocabulary import Actor


@dataclass(frozen=True)
class Requester:
    kind: Actor
    id: str  # the patient's pseudonym, or the staff member's HSA-id
    units: tuple[str, ...] = ()
    wards: tuple[str, ...] = ()  # a citizen's children under 18 (pseudonyms), as the triage service says today
    plans_schedule: bool = False  # a scheduler (or admin): sets up practitioners, time types, templates, closures
    region_admin: bool = False  # may add care units

    @classmethod
    def patient(cls, pseudonym: str, wards: tuple[str, ...] = ()) -> Requester:
        return cls(Actor.PATIENT, pseudonym, wards=wards)

    @classmethod
    def staff(
        cls, hsa_id: str, units: tuple[str, ...], *, plans_schedule: bool = False, region_admin: bool = False
    ) -> Requester:
        return cls(Actor.STAFF, hsa_id, units, plans_schedule=plans_schedule, region_admin=region_admin)

    @property
    def is_staff(self) -> bool:
        return self.kind is Actor.STAFF

    def may_plan(self, unit: str) -> bool:
        """Change a unit's schedule set-up: a scheduler or admin, at one of their own units."""
        return self.is_staff and self.plans_schedule and unit in self.units

    def may_act_for(self, patient: str) -> bool:
        """A citizen acts for themselves and for their children under 18."""
        return patient == self.id or patient in self.wards

    def may_see(self, patient: str, unit: str) -> bool:
        """Citizens see only their own and their children's appointments, staff only their units'."""
        return unit in self.units if self.is_staff else self.may_act_for(patient)
