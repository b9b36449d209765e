"""What the use cases need from the outside world, as ports: the adapters implement them, app.py injects them."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from types import TracebackType
from typing import Any, Protocol, Self

from nara.shared.events.models import EventData

from ..domain.alerts import Alert
from ..domain.clock_record import ClockRecord
from ..domain.compliance import ComplianceRow, SameDayRow
from ..domain.facts import ContactFacts
from ..domain.offer_counts import OfferOutcome, WeeklyOfferCounts
from ..domain.reporting import AssessedContact

Row = Mapping[str, Any]  # one row of a read-side view, by column name


@dataclass(frozen=True)
class RaisedAlert:
    """An alert due on a contact's clock, with what the alert log and the alert event carry beside it."""

    facts: ContactFacts
    traceparent: str | None
    alert: Alert


@dataclass(frozen=True)
class OutgoingEvent:
    """An event for the outbox: its data, id and source, the patient's pseudonym as key, and its time."""

    data: EventData
    event_id: str
    source: str
    key: str
    time: datetime


class ClockRepository(Protocol):
    async def lock(self, contact_ids: Sequence[str]) -> dict[str, ContactFacts]:
        """The facts of these contacts' clocks (those that exist), locked until the unit of work ends."""
        ...

    async def lock_due(self, now: datetime, limit: int) -> list[tuple[ContactFacts, str | None]]:
        """Up to `limit` clocks whose next look is due, with their last trace; ones another instance holds are
        skipped, so several instances share the work."""
        ...

    async def save(self, records: Sequence[ClockRecord]) -> None: ...


class AlertLog(Protocol):
    async def add_new(self, alerts: Sequence[RaisedAlert], raised_at: datetime) -> set[tuple[str, str]]:
        """Record the alerts not recorded before; (contact id, alert key) of those that were new."""
        ...


class Outbox(Protocol):
    async def add(self, events: Sequence[OutgoingEvent]) -> None: ...


class OfferOutcomes(Protocol):
    async def add(self, outcomes: Sequence[OfferOutcome]) -> None:
        """Store the outcomes not stored before (one per offer and outcome); the others are left as they were."""
        ...


class UnitOfWork(Protocol):
    """One transaction: what the use case writes to the clocks, the alert log, the offers' outcomes and the
    outbox commits together (with the consumed-event record, when it runs for the consumer), or not at all."""

    @property
    def clocks(self) -> ClockRepository: ...

    @property
    def alerts(self) -> AlertLog: ...

    @property
    def outbox(self) -> Outbox: ...

    @property
    def offers(self) -> OfferOutcomes: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None: ...


StartUnitOfWork = Callable[[], UnitOfWork]


class ReportViews(Protocol):
    """The read side the compliance figures and the national report are counted from."""

    async def compliance_groups(
        self,
        units: Sequence[str],
        date_from: datetime | None,
        date_to: datetime | None,
        unit: str | None,
        profession: str | None,
    ) -> list[ComplianceRow]: ...

    async def same_day_groups(
        self, units: Sequence[str], date_from: datetime | None, date_to: datetime | None, unit: str | None
    ) -> list[SameDayRow]: ...

    async def assessed_between(
        self, units: Sequence[str], first: datetime, following: datetime
    ) -> list[AssessedContact]:
        """Every covered contact assessed in [first, following) at the units."""
        ...

    async def clocks_by_status(self) -> dict[str, int]:
        """All clocks of every unit, counted by status (the gauges)."""
        ...


class OfferCountViews(Protocol):
    async def weekly(
        self, units: Sequence[str], first_week: date | None, last_week: date | None
    ) -> list[WeeklyOfferCounts]:
        """The units' waitlist offers per unit and week, for the weeks whose Monday lies in [first, last]."""
        ...


class ConsumerProgress(Protocol):
    async def caught_up(self) -> bool:
        """Whether the monitor's consumer has read everything there is on its topics."""
        ...

    async def close(self) -> None: ...


class ConsumerLag(Protocol):
    async def per_topic(self) -> dict[str, int]:
        """Messages on each consumed topic the monitor's consumer has not committed yet."""
        ...

    async def close(self) -> None: ...
