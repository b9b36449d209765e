"""Triage's contact events as the waitlist hears them: an assessed or closed contact's entry ends (and a later join
is refused). Beside the contacts read model, in the same consumer and transaction (contact_projection.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

import asyncpg

from nara.shared.events.envelope import DecodedEvent
from nara.shared.events.models import ContactAssessed, ContactClosed, EventData
from nara.shared.outbox.writer import OutboxRow, add_row_to_outbox

from ..domain.waitlist import EntryEnd
from ..service import waitlist as use_cases
from . import contact_projection
from .appointments import SOURCE
from .offers import PostgresOffers
from .waitlist import PostgresWaitlist

Handler = Callable[[asyncpg.Connection, DecodedEvent], Awaitable[None]]


async def on_assessed(connection: asyncpg.Connection, event: DecodedEvent) -> None:
    data = event.data
    if not isinstance(data, ContactAssessed):  # HANDLERS routes by type, so only a wrong route gets here
        raise TypeError(f"{event.type} carries {type(data).__name__}, not ContactAssessed")
    await _end(connection, event, data.contact_id, EntryEnd.ASSESSED, data.assessed_at)


async def on_closed(connection: asyncpg.Connection, event: DecodedEvent) -> None:
    await contact_projection.on_closed(connection, event)
    data = event.data
    if not isinstance(data, ContactClosed):
        raise TypeError(f"{event.type} carries {type(data).__name__}, not ContactClosed")
    await _end(connection, event, data.contact_id, EntryEnd.CLOSED, data.closed_at)


async def _end(
    connection: asyncpg.Connection, event: DecodedEvent, contact_id: str, reason: EntryEnd, at: datetime
) -> None:
    async def announce(ended: EventData, subject: str, time: datetime) -> None:
        await add_row_to_outbox(connection, OutboxRow.of_event(ended, source=SOURCE, subject=subject, time=time))

    await use_cases.end_for_good(
        PostgresWaitlist(connection), announce, contact_id, event.subject, reason, at, offers=PostgresOffers(connection)
    )


# The booking consumer's handlers: the contacts read model's, with the waitlist's ends beside them.
HANDLERS: dict[str, Handler] = {
    **contact_projection.HANDLERS,
    ContactAssessed.event_type: on_assessed,
    ContactClosed.event_type: on_closed,
}


async def apply_batch(connection: asyncpg.Connection, events: list[DecodedEvent]) -> None:
    """A poll's events in the consumer's one transaction; each handler is order-tolerant, so any order does."""
    for event in events:
        await HANDLERS[event.type](connection, event)
