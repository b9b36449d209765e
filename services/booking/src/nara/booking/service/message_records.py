"""Messages to patients as the use cases leave them: written in the use case's transaction, sent later by the
message job. A message's key names it for good, so writing it twice (a redelivered event, a retried request, a
second instance) leaves one message."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from nara.shared.messaging import Channel


class Purpose(StrEnum):
    OFFER = "offer"  # a freed time offered from the waitlist
    REMINDER = "reminder"  # before a booked time


@dataclass(frozen=True)
class OutgoingMessage:
    """One message to one patient; `recipient` is an e-mail address or an E.164 number (+46701234567)."""

    key: str
    purpose: Purpose
    patient: str  # pseudonym
    channel: Channel
    recipient: str
    body: str
    due_at: datetime
    subject: str = ""


class OutgoingMessages(Protocol):
    async def leave(self, message: OutgoingMessage, *, now: datetime) -> bool:
        """Write the message to be sent at its due time; False when one with its key already exists."""

    async def cancel(self, keys: Iterable[str], *, now: datetime) -> int:
        """Stop the pending messages with these keys (a cancelled time's reminders); how many were stopped."""
