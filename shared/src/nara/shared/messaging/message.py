"""What the services hand to a sender: one plain-text message to one person, and what comes back.

A message is checked when it is made, so that no adapter ever sees one that must not leave: no personnummer in
any part of it (the address included), no line break in a header, an SMS number in E.164.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from nara.shared.redaction import contains_personnummer

E164 = re.compile(r"\+[1-9][0-9]{6,14}")


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"


class PersonnummerInMessage(ValueError):
    """A message would carry a personnummer or samordningsnummer; it is refused, and the text never repeated."""

    def __init__(self, part: str) -> None:
        self.part = part
        super().__init__(f"a message must not carry a personnummer (found one in its {part}); it was not sent")


class InvalidMessage(ValueError):
    """A message that no channel could send as it is; the reason names the part, never its content."""


@dataclass(frozen=True)
class Message:
    """One plain-text message, in Swedish, to one recipient.

    `to` is an e-mail address for EMAIL and an E.164 number (+46701234567) for SMS; `subject` is for e-mail only.
    `idempotency_key` names the message for good: the e-mail's Message-ID is made from it, so a retry after a lost
    answer is recognisable downstream as the same message. Give it (say, "reminder-<booking>-24h"); a random one
    is made when it is left out.
    """

    channel: Channel
    to: str
    body: str
    subject: str = ""
    idempotency_key: str = field(default_factory=lambda: uuid.uuid4().hex)

    def __post_init__(self) -> None:
        # The key too: it becomes the e-mail's Message-ID header, which every relay logs.
        parts = (("recipient", self.to), ("subject", self.subject), ("body", self.body), ("key", self.idempotency_key))
        for part, text in parts:
            if contains_personnummer(text):
                raise PersonnummerInMessage(part)
        if not self.body.strip():
            raise InvalidMessage("the message's body is empty")
        if not self.idempotency_key.strip():
            raise InvalidMessage("the idempotency key is empty")
        if any(ch in self.to + self.subject + self.idempotency_key for ch in "\r\n"):
            raise InvalidMessage("a line break in the recipient, subject or key (header injection)")
        if self.channel is Channel.EMAIL:
            if not self.subject.strip():
                raise InvalidMessage("an e-mail needs a subject")
            if self.to.count("@") != 1 or " " in self.to.strip():
                raise InvalidMessage("the e-mail recipient is not one address")
        elif self.channel is Channel.SMS:
            if self.subject:
                raise InvalidMessage("an SMS has no subject: put everything in the body")
            if not E164.fullmatch(self.to):
                raise InvalidMessage("an SMS recipient is a number in E.164 form, e.g. +46701234567")


@dataclass(frozen=True)
class Receipt:
    """The channel took the message: `message_id` is the e-mail's Message-ID or the SMS gateway's id."""

    channel: Channel
    message_id: str
    idempotency_key: str
    parts: int = 1  # SMS parts billed; 1 for e-mail


class DeliveryFailed(Exception):
    """The channel did not take the message. The reason never holds the recipient or the text.

    `retryable`: the same message may be sent again later (a timeout, a server busy or down, too many requests);
    otherwise park it (credentials refused, number or address refused, message refused): sending it again as it
    is will fail again. `outcome_unknown`: the request went out but no answer came, so it may have been sent;
    a retry may then send it twice. `retry_after_seconds`: the server's own wait, when it said one.
    """

    def __init__(
        self,
        reason: str,
        *,
        retryable: bool,
        outcome_unknown: bool = False,
        retry_after_seconds: float | None = None,
    ) -> None:
        self.reason = reason
        self.retryable = retryable
        self.outcome_unknown = outcome_unknown
        self.retry_after_seconds = retry_after_seconds
        advice = "retry later" if retryable else "park it: sending it again as it is will fail again"
        super().__init__(f"{reason} ({advice})")


class ChannelNotConfigured(DeliveryFailed):
    """No sender for this channel on this installation (e.g. NARA_SMS_* not set)."""

    def __init__(self, channel: Channel) -> None:
        super().__init__(f"{channel.value} is not configured here", retryable=False)


class MessageSender(Protocol):
    """The port: send one message and return the receipt, or raise DeliveryFailed, whose `retryable` says whether
    to try again later or park the message (an SMS too long for the channel is refused so, before sending)."""

    async def send(self, message: Message) -> Receipt: ...
