"""A use case's one unit of work: one transaction, the events it announces (the outbox) and the idempotency
record all commit together, or none does. adapters/unit_of_work.py is the asyncpg implementation."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from nara.shared.events.models import EventData

from .contract_records import PatientContracts
from .message_records import OutgoingMessages
from .offer_records import Offers
from .ports import Appointments, Contacts, DayBooks, Hours, IdempotencyRecords, Schedule, ScheduleSetup, Slots, Views
from .reminder_records import Reminders
from .waitlist_records import Waitlist


class UnitOfWork(Protocol):
    # Read-only to the use cases: an implementation may hold any repository that fits the protocol.
    @property
    def slots(self) -> Slots: ...

    @property
    def appointments(self) -> Appointments: ...

    @property
    def contacts(self) -> Contacts: ...

    @property
    def schedule(self) -> Schedule: ...

    @property
    def setup(self) -> ScheduleSetup: ...

    @property
    def hours(self) -> Hours: ...

    @property
    def day_books(self) -> DayBooks: ...

    @property
    def views(self) -> Views: ...

    @property
    def patient_contracts(self) -> PatientContracts: ...

    @property
    def waitlist(self) -> Waitlist: ...

    @property
    def messages(self) -> OutgoingMessages: ...

    @property
    def offers(self) -> Offers: ...

    @property
    def reminders(self) -> Reminders: ...

    @property
    def idempotency(self) -> IdempotencyRecords: ...

    async def __aenter__(self) -> Self:
        """Begin the transaction."""

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        """Commit, or roll back when an error (a refusal too) leaves the block."""

    async def announce(self, event: EventData, *, subject: str, time: datetime) -> None:
        """Write the event to the outbox: it is published once this unit of work commits."""

    def savepoint(self) -> AbstractAsyncContextManager[None]:
        """A nested part that an error undoes alone (an idempotency record outlives its refused action)."""
