"""Which model reads which event type, and which types travel on which topic."""

from __future__ import annotations

from nara.shared.events.models import CONTRACT_EVENT_MODELS, EventData

EVENT_MODELS: dict[str, type[EventData]] = {model.event_type: model for model in CONTRACT_EVENT_MODELS}

# Two models claiming one type would silently shadow each other in the dict above.
if len(EVENT_MODELS) != len(CONTRACT_EVENT_MODELS):
    raise RuntimeError("two event models share one event_type")

_TOPICS = tuple(dict.fromkeys(model.topic for model in CONTRACT_EVENT_MODELS))


def models_for_topic(topic: str) -> tuple[type[EventData], ...]:
    """The event models that travel on `topic`, in contract order; ValueError for an unknown topic."""
    if topic not in _TOPICS:
        raise ValueError(f"{topic!r} is not a contract topic; known: {', '.join(_TOPICS)}")
    return tuple(model for model in CONTRACT_EVENT_MODELS if model.topic == topic)
