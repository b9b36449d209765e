"""An appointment's lifecycle, and the hold that may come before it.

An appointment is booked, and then ends exactly once: rebooked (moved; a new appointment carries its
lineage), cancelled, completed or no_show. The database stands behind this with the CHECK on
appointments.status and the unique index appointments_one_active_per_lineage (migrations/0002_appointments.sql),
and every ending UPDATE keeps `WHERE status = 'booked'` (adapters/appointments.py)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from .errors import AppointmentNotActive

NOT_ACTIVE = "Tiden är inte längre bokad, så den kan inte ändras."


class AppointmentStatus(StrEnum):
    BOOKED = "booked"
    REBOOKED = "rebooked"
    CANCELLED = "cancelled"
    COMPLETED = "completed"
    NO_SHOW = "no_show"

    @property
    def is_active(self) -> bool:
        return self is AppointmentStatus.BOOKED

    def ensure_active(self) -> None:
        """Only a booked appointment can change; one that has ended refuses (AppointmentNotActive)."""
        if not self.is_active:
            raise AppointmentNotActive(NOT_ACTIVE)

    def may_become(self, status: AppointmentStatus) -> bool:
        return status in ALLOWED_TRANSITIONS[self]

    def becoming(self, status: AppointmentStatus) -> AppointmentStatus:
        """The new status, or AppointmentNotActive when this one has ended already."""
        if not self.may_become(status):
            raise AppointmentNotActive(NOT_ACTIVE)
        return status


ENDINGS = frozenset(
    {AppointmentStatus.REBOOKED, AppointmentStatus.CANCELLED, AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW}
)
ALLOWED_TRANSITIONS: dict[AppointmentStatus, frozenset[AppointmentStatus]] = {
    AppointmentStatus.BOOKED: ENDINGS,
    **{ended: frozenset() for ended in ENDINGS},
}


@dataclass(frozen=True)
class Hold:
    """A seat kept while the person confirms (holds table): it becomes their booking, or lapses by itself.
    While it lives its seat counts in the slot's `reserved`."""

    id: uuid.UUID
    slot_id: uuid.UUID
    expires_at: datetime

    def is_live(self, now: datetime) -> bool:
        # The SQL says the same with `expires_at > now` (live) and `expires_at <= now` (lapsed).
        return now < self.expires_at
