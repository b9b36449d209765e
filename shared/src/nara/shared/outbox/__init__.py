"""The transactional outbox: write events with the state they announce, and relay them to Kafka."""

from .relay import OutboxRelay
from .writer import EventTooLarge, add_event_to_outbox, add_to_outbox, shard_of

__all__ = ["EventTooLarge", "OutboxRelay", "add_event_to_outbox", "add_to_outbox", "shard_of"]
