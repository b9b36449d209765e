"""Reminders as the use cases store and read them: the patient's choice of channel, and the booked times whose
reminder moment has come. adapters/reminders.py is the PostgreSQL implementation."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from ..domain.reminders import MomentOutcome
from ..domain.schedule import TimeType
from ..domain.waitlist import Reach


@dataclass(frozen=True)
class ReminderChoice:
    """How a patient wants reminders; `chosen` is False while they have not said (then: none)."""

    reach: Reach
    chosen: bool
    updated_at: datetime | None = None


@dataclass(frozen=True)
class TimeToRemind:
    """A booked time with a reminder moment come and not yet handled, with what its message says."""

    appointment_id: uuid.UUID
    patient: str  # pseudonym
    booked_at: datetime
    start_at: datetime
    time_type: TimeType
    unit_name: str
    unit_address: str
    unit_phone: str
    handled: frozenset[int]  # the offsets (hours) already handled
    choice: Reach | None  # the patient's choice now; None: not chosen


class Reminders(Protocol):
    async def choice_of(self, patient: str) -> ReminderChoice:
        """The patient's choice; none (not chosen) when they have not made one."""

    async def choose(self, patient: str, reach: Reach, *, by: str, now: datetime) -> bool:
        """Store the patient's choice; False when it already said this."""

    async def times_to_remind(self, now: datetime, *, limit: int) -> list[TimeToRemind]:
        """Booked times not begun whose reminder moment has come and is not handled, each locked for this
        transaction (another instance skips it)."""

    async def handled(self, appointment_id: uuid.UUID, hours: int, outcome: MomentOutcome, *, now: datetime) -> None:
        """Mark one reminder moment handled, once."""

    async def pending_keys(self, appointment_id: uuid.UUID) -> list[str]:
        """The keys of the time's reminders still waiting to be sent."""
