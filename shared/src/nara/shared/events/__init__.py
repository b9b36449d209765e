"""Nära's contract events: data models, the CloudEvents envelope, and the type registry."""

from nara.shared.events.envelope import (
    CONTENT_TYPE,
    DecodedEvent,
    UndecodableEvent,
    decode_event,
    encode_event,
)
from nara.shared.events.models import EventData
from nara.shared.events.registry import EVENT_MODELS, models_for_topic

__all__ = [
    "CONTENT_TYPE",
    "EVENT_MODELS",
    "DecodedEvent",
    "EventData",
    "UndecodableEvent",
    "decode_event",
    "encode_event",
    "models_for_topic",
]
