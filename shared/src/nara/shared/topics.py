"""The Kafka topics in the public contract, and their dead-letter topics."""

from __future__ import annotations

from dataclasses import dataclass

CONTACTS = "nara.contacts.v1"
APPOINTMENTS = "nara.appointments.v1"
GUARANTEE_ALERTS = "nara.guarantee-alerts.v1"


def dead_letter_topic(topic: str) -> str:
    return f"{topic}.dlq"


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int


# Keyed by patient pseudonym: more partitions let more consumer instances share a topic.
CONTRACT_TOPICS = tuple(
    spec
    for topic in (CONTACTS, APPOINTMENTS, GUARANTEE_ALERTS)
    for spec in (TopicSpec(topic, 6), TopicSpec(dead_letter_topic(topic), 1))
)
