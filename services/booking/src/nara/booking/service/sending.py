"""Sending the outbox's messages (offers, reminders): each due message is claimed by one sender, sent through its
channel, and marked sent, retried later, failed for good, or `unknown`.

Once, with several instances and restarts: a claim takes one message (SKIP LOCKED: another instance takes the
next) and lasts a while (adapters/message_queue.py). A send whose answer never came (a timeout, or a sender that
stopped mid-send and left its claim to run out) is marked `unknown`, never sent again blindly: an SMS gateway has
no idempotency key, and an e-mail's Message-ID (made from the key) only lets the mailbox spot a second copy. A
job stopped while sending finishes that one message first, so a graceful stop leaves nothing unknown."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from nara.shared.messaging import (
    Channel,
    DeliveryFailed,
    InvalidMessage,
    Message,
    MessageSender,
    PersonnummerInMessage,
)

from .message_records import Purpose

log = logging.getLogger(__name__)
UNKNOWN_AFTER_STOP = "the sender stopped while sending: it may have been sent, so it is not sent again"


@dataclass(frozen=True)
class ClaimedMessage:
    key: str
    purpose: Purpose
    channel: Channel
    recipient: str
    subject: str
    body: str
    attempts: int  # this one included


@dataclass(frozen=True)
class RetryPolicy:
    """A retryable failure waits `first_wait`, then twice as long each time (or the server's own wait, if longer),
    up to `max_attempts` in all; then the message is parked as failed."""

    max_attempts: int = 6
    first_wait: timedelta = timedelta(seconds=30)
    longest_wait: timedelta = timedelta(hours=1)

    def wait_after(self, attempts: int, asked_seconds: float | None = None) -> timedelta:
        wait: timedelta = min(self.first_wait * (2 ** max(attempts - 1, 0)), self.longest_wait)
        asked = timedelta(seconds=asked_seconds or 0)
        return asked if asked > wait else wait


class MessageQueue(Protocol):
    async def give_up_stale_claims(self, now: datetime) -> int:
        """Mark `unknown` the messages whose claim ran out without an answer (a sender stopped mid-send)."""

    async def claim_next(self, now: datetime) -> ClaimedMessage | None:
        """The next due pending message, claimed for this sender (attempts counted); None when none is due."""

    async def sent(self, key: str, *, now: datetime) -> None: ...

    async def retry_at(self, key: str, at: datetime, *, reason: str) -> None: ...

    async def give_up(self, key: str, *, now: datetime, reason: str, unknown: bool = False) -> None:
        """Failed for good (or outcome unknown): done, the recipient blanked, the reason kept."""


async def send_due(
    queue: MessageQueue, sender: MessageSender, clock: Callable[[], datetime], policy: RetryPolicy
) -> int:
    """Send every message due now, one claim at a time; how many were sent."""
    await queue.give_up_stale_claims(clock())
    sent = 0
    while (message := await queue.claim_next(clock())) is not None:
        # Shielded: a stop while sending lets this one message finish and be marked, so it is never left
        # claimed (and so `unknown`) by a graceful stop.
        delivery = asyncio.ensure_future(_deliver(queue, sender, message, clock, policy))
        try:
            sent += await asyncio.shield(delivery)
        except asyncio.CancelledError:
            await delivery
            raise
    return sent


async def _deliver(
    queue: MessageQueue,
    sender: MessageSender,
    claimed: ClaimedMessage,
    clock: Callable[[], datetime],
    policy: RetryPolicy,
) -> int:
    about = {"key": claimed.key, "purpose": claimed.purpose.value, "channel": claimed.channel.value}
    try:
        message = Message(
            claimed.channel, claimed.recipient, claimed.body, claimed.subject, idempotency_key=claimed.key
        )
        await sender.send(message)
    except (InvalidMessage, PersonnummerInMessage) as wrong:  # it can never leave as it is
        await queue.give_up(claimed.key, now=clock(), reason=str(wrong))
        log.warning("message cannot be sent", extra={**about, "reason": str(wrong)})
        return 0
    except DeliveryFailed as failed:
        now = clock()
        if failed.outcome_unknown:
            await queue.give_up(claimed.key, now=now, reason=failed.reason, unknown=True)
            log.warning("message outcome unknown", extra={**about, "reason": failed.reason})
        elif failed.retryable and claimed.attempts < policy.max_attempts:
            wait = policy.wait_after(claimed.attempts, failed.retry_after_seconds)
            await queue.retry_at(claimed.key, now + wait, reason=failed.reason)
            log.info("message will be retried", extra={**about, "reason": failed.reason, "attempt": claimed.attempts})
        else:
            await queue.give_up(claimed.key, now=now, reason=failed.reason)
            log.warning("message failed", extra={**about, "reason": failed.reason, "attempt": claimed.attempts})
        return 0
    await queue.sent(claimed.key, now=clock())
    log.info("message sent", extra=about)
    return 1
