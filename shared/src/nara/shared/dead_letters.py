"""Dead letters: a message the consumer cannot use goes to <topic>.dlq with the reason, and work goes on."""

from __future__ import annotations

import logging

from faststream.kafka import KafkaBroker
from prometheus_client import Counter

from .topics import dead_letter_topic

log = logging.getLogger(__name__)

DEAD_LETTERS = Counter("nara_dead_letters_total", "Messages sent to a dead-letter topic", ["topic", "reason"])


async def send_to_dead_letters(
    broker: KafkaBroker,
    *,
    value: bytes,
    key: bytes | None,
    topic: str,
    partition: int,
    offset: int,
    reason: str,
    detail: str,
    consumer: str,
) -> None:
    """Publish the original bytes untouched; the headers say why, and where they came from."""
    headers = {
        "x-dead-letter-reason": reason,
        "x-dead-letter-detail": detail[:1000],
        "x-dead-letter-consumer": consumer,
        "x-original-topic": topic,
        "x-original-partition": str(partition),
        "x-original-offset": str(offset),
    }
    await broker.publish(value, topic=dead_letter_topic(topic), key=key, headers=headers)
    DEAD_LETTERS.labels(topic, reason).inc()
    # Only the position and the reason: the message itself may hold patient data.
    log.warning(
        "message sent to the dead-letter topic",
        extra={"topic": topic, "partition": partition, "offset": offset, "reason": reason},
    )
