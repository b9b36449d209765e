"""The local read model of triaged contacts, kept from nara.contacts.v1 whatever order the events come in.
A projection of another service's events: a Kafka adapter, with its SQL."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

import asyncpg

from nara.shared.care_guarantee import CareGuaranteePolicy
from nara.shared.events.envelope import DecodedEvent
from nara.shared.events.models import ContactClosed, ContactRegistered, ContactTriaged, EventData

Data = TypeVar("Data", bound=EventData)

# "Within the guarantee first" is the national 3 days, which no regional rule replaces (the shared policy).
GUARANTEE = CareGuaranteePolicy()


async def on_registered(connection: asyncpg.Connection, event: DecodedEvent) -> None:
    data = _data_of(event, ContactRegistered)
    await connection.execute(
        """INSERT INTO contacts (contact_id, patient, unit, listed_unit, sought_at, guarantee_deadline)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (contact_id) DO UPDATE SET patient = $2, unit = $3, listed_unit = $4, sought_at = $5,
               guarantee_deadline = $6""",
        data.contact_id,
        data.patient,
        data.unit,
        data.listed_unit,
        data.sought_at,
        GUARANTEE.national_deadline(data.sought_at),
    )


async def on_triaged(connection: asyncpg.Connection, event: DecodedEvent) -> None:
    """The latest triage by event time wins, so a late older triage cannot undo an override."""
    data = _data_of(event, ContactTriaged)
    alternatives = [str(p) for p in (getattr(data, "alternatives", None) or []) if str(p) != str(data.profession)]
    await connection.execute(
        """INSERT INTO contacts (contact_id, patient, urgency, care_level, professions, guarantee_applies, triaged_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (contact_id) DO UPDATE SET urgency = $3, care_level = $4, professions = $5,
               guarantee_applies = $6, triaged_at = $7, patient = coalesce(contacts.patient, $2)
           WHERE contacts.triaged_at IS NULL OR contacts.triaged_at <= $7""",
        data.contact_id,
        event.subject,
        str(data.urgency),
        str(data.care_level),
        [str(data.profession), *alternatives],
        data.guarantee_applies,
        event.time,
    )


async def on_closed(connection: asyncpg.Connection, event: DecodedEvent) -> None:
    data = _data_of(event, ContactClosed)
    await connection.execute(
        """INSERT INTO contacts (contact_id, patient, closed_at) VALUES ($1, $2, $3)
           ON CONFLICT (contact_id) DO UPDATE SET closed_at = $3""",
        data.contact_id,
        event.subject,
        data.closed_at,
    )


def _data_of(event: DecodedEvent, kind: type[Data]) -> Data:
    if not isinstance(event.data, kind):  # HANDLERS routes by type, so only a wrong route gets here
        raise TypeError(f"{event.type} carries {type(event.data).__name__}, not {kind.__name__}")
    return event.data


HANDLERS: dict[str, Callable[[asyncpg.Connection, DecodedEvent], Awaitable[None]]] = {
    ContactRegistered.event_type: on_registered,
    ContactTriaged.event_type: on_triaged,
    ContactClosed.event_type: on_closed,
}


async def apply_batch(connection: asyncpg.Connection, events: list[DecodedEvent]) -> None:
    """A poll's events in the consumer's one transaction; each handler is order-tolerant, so any order does."""
    for event in events:
        await HANDLERS[event.type](connection, event)
