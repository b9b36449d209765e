# The AsyncAPI document shared/asyncapi.yaml is generated from this module by FastStream. Regenerate
# it after changing any event model, from the repository root:
#
#   uv run faststream docs gen nara.shared.events.asyncapi:app --yaml --out shared/asyncapi.yaml
#
# (`uv run python -m nara.shared.events.asyncapi shared/asyncapi.yaml` writes the same file.)
# shared/tests/unit/test_asyncapi_current.py fails while the file is stale.
"""The AsyncAPI description of Nära's Kafka topics, generated from the event models."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any, Literal, Union

from faststream import FastStream
from faststream.kafka import KafkaBroker, KafkaRouter
from faststream.specification import AsyncAPI
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, create_model

from nara.shared import topics
from nara.shared.events.envelope import (
    CONTENT_TYPE,
    TRACEPARENT_PATTERN,
    DataContentType,
    SpecVersion,
    dataschema_for,
)
from nara.shared.events.models import EventData
from nara.shared.events.registry import models_for_topic

TITLE = "Nära events"
VERSION = "1.0.0"

_PRODUCERS = {
    topics.CONTACTS: "triage",
    topics.APPOINTMENTS: "booking",
    topics.GUARANTEE_ALERTS: "guarantee-monitor",
}


class CloudEventEnvelope(BaseModel):
    """A CloudEvents 1.0 event in structured content mode: the Kafka value is this JSON object."""

    model_config = ConfigDict(extra="allow")

    specversion: SpecVersion
    id: str = Field(min_length=1, description="Unique per event; consumers deduplicate on it.")
    source: str = Field(min_length=1, description="The producing service, e.g. /nara/booking.")
    time: AwareDatetime = Field(description="When the event happened, ISO 8601 with an offset.")
    subject: str = Field(
        min_length=1,
        description="The patient's pseudonym (also the Kafka message key); never a personnummer.",
    )
    datacontenttype: DataContentType
    traceparent: str | None = Field(
        default=None,
        pattern=TRACEPARENT_PATTERN,
        description="W3C Trace Context traceparent (CloudEvents distributed tracing extension);"
        " also sent as a Kafka header.",
    )


def envelope_model(model: type[EventData]) -> type[CloudEventEnvelope]:
    """The documentation model of the whole CloudEvent that carries `model` as its data."""
    # Literals made at run time from the model: pydantic reads them, a static checker cannot.
    event_type: Any = Literal[model.event_type]
    dataschema: Any = Literal[dataschema_for(model)]
    return create_model(
        f"{model.__name__}Event",
        __base__=CloudEventEnvelope,
        __doc__=f"CloudEvent of type `{model.event_type}`. {model.__doc__}",
        type=(event_type, ...),
        dataschema=(dataschema, ...),
        data=(model, ...),
    )


def topic_message_schema(topic: str) -> Any:
    """Every event on `topic`, as envelopes told apart by their CloudEvents `type`."""
    envelopes = tuple(envelope_model(model) for model in models_for_topic(topic))
    return Annotated[Union[envelopes], Field(discriminator="type")]  # noqa: UP007 -- a union of a tuple built at run time: "|" cannot spell it


def build_app() -> FastStream:
    """A FastStream app whose broker only describes the topics; it is never connected."""
    broker = KafkaBroker(
        "localhost:9092",
        description="Kafka (KRaft). Keys are patient pseudonyms, so one patient's events keep"
        f" their order. Values are CloudEvents, content type {CONTENT_TYPE}.",
    )
    # One router per channel: a broker keeps its own publishers in a WeakSet, whose order changes
    # from run to run, but keeps routers in a list, so the document comes out the same every time.
    for topic, producer in _PRODUCERS.items():
        channel = KafkaRouter()
        channel.publisher(
            topic,
            title=topic,
            description=f"Published by {producer}. Content type {CONTENT_TYPE}.",
            schema=topic_message_schema(topic),
        )
        broker.include_router(channel)
    for topic in _PRODUCERS:
        dead_letters = topics.dead_letter_topic(topic)
        channel = KafkaRouter()
        channel.publisher(
            dead_letters,
            title=dead_letters,
            description=f"Messages from {topic} that a consumer could not read or apply, with the"
            " original key and value unchanged; the reason is in the message headers.",
            schema=bytes,
        )
        broker.include_router(channel)
    specification = AsyncAPI(
        broker,
        title=TITLE,
        version=VERSION,
        description="The events Nära's services exchange over Kafka (the public contract).",
    )
    return FastStream(broker, specification=specification)


app = build_app()


def render_yaml() -> str:
    """The AsyncAPI document as YAML, exactly as `faststream docs gen --yaml` writes it."""
    return app.schema.to_specification().to_yaml()


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "asyncapi.yaml")
    out.write_text(render_yaml(), encoding="utf-8")
    print(f"wrote {out}")
