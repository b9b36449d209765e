"""The CloudEvents 1.0 envelope, structured content mode: the Kafka value is the whole event as JSON.

Built on the cloudevents SDK (CloudEvent for attribute validation, JSONFormat for the wire form).
Nära's contract asks more of an envelope than CloudEvents does: `time` and `subject` (the patient's
pseudonym) are required, and `data` must be a known event type that validates against its model.
"""

from __future__ import annotations

import base64
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from cloudevents.core.exceptions import CloudEventValidationError
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import OPTIONAL_ATTRIBUTES, REQUIRED_ATTRIBUTES, CloudEvent
from dateutil.parser import isoparse
from pydantic import ValidationError

from nara.shared.events.models import EventData
from nara.shared.events.registry import EVENT_MODELS
from nara.shared.events.vocabulary import READING, looks_like_personnummer

CONTENT_TYPE = "application/cloudevents+json"
# The types let the AsyncAPI models state the one allowed value; the checker keeps type and value alike.
DataContentType = Literal["application/json"]
DATA_CONTENT_TYPE: DataContentType = "application/json"
SpecVersion = Literal["1.0"]
SPECVERSION: SpecVersion = "1.0"
TRACEPARENT = "traceparent"

# The attributes every Nära event carries; CloudEvents itself requires only the first four.
CONTRACT_ATTRIBUTES = ("specversion", "id", "source", "type", "time", "subject")

# W3C Trace Context, version 00: version-traceid-parentid-flags.
TRACEPARENT_PATTERN = r"^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$"
_TRACEPARENT_SHAPE = re.compile(TRACEPARENT_PATTERN)

_FORMAT = JSONFormat()

UndecodableReason = Literal["not_json", "not_cloudevent", "unknown_type", "invalid_data"]


class UndecodableEvent(Exception):
    """A message that can never be read; `reason` says which kind, `detail` says why.

    `detail` names attributes, fields and error types only, never the values: it ends up in logs
    and dead-letter headers, and the values may be personal data.
    """

    def __init__(self, reason: UndecodableReason, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason: UndecodableReason = reason
        self.detail = detail


@dataclass(frozen=True)
class DecodedEvent:
    """A validated contract event: its envelope attributes and its data as a model instance."""

    id: str
    source: str
    type: str
    time: datetime
    subject: str
    traceparent: str | None
    data: EventData
    extensions: dict[str, Any] = field(default_factory=dict)


def dataschema_for(model: type[EventData]) -> str:
    """The `dataschema` URI naming an event type and the version of its data schema."""
    return f"urn:nara:schema:{model.event_type}:{model.schema_version}"


def encode_event(
    data: EventData,
    *,
    source: str,
    subject: str,
    event_id: str | None = None,
    time: datetime | None = None,
    traceparent: str | None = None,
) -> bytes:
    """The Kafka message value for `data`: the whole CloudEvent as JSON."""
    model = type(data)
    if EVENT_MODELS.get(getattr(model, "event_type", "")) is not model:
        raise TypeError(f"{model.__name__} is not a contract event model")
    if looks_like_personnummer(subject):
        raise ValueError("subject looks like a personnummer; it must be the patient's pseudonym")
    patient = getattr(data, "patient", None)
    if patient is not None and patient != subject:
        raise ValueError("subject must be the patient's pseudonym given in data.patient")
    if time is None:
        time = datetime.now(UTC)
    elif time.utcoffset() is None:
        raise ValueError("time must be timezone-aware")
    attributes: dict[str, Any] = {
        "specversion": SPECVERSION,
        "id": str(uuid.uuid4()) if event_id is None else event_id,
        "source": source,
        "type": model.event_type,
        "time": time.astimezone(UTC),
        "subject": subject,
        "datacontenttype": DATA_CONTENT_TYPE,
        "dataschema": dataschema_for(model),
    }
    if traceparent is not None:
        if not _TRACEPARENT_SHAPE.match(traceparent):
            raise ValueError("traceparent is not a W3C traceparent (00-<32 hex>-<16 hex>-<2 hex>)")
        attributes[TRACEPARENT] = traceparent
    try:
        event = CloudEvent(attributes, data.model_dump(mode="json"))
    except CloudEventValidationError as error:
        raise ValueError(str(error)) from error
    return _FORMAT.write(event)


def decode_event(raw: bytes) -> DecodedEvent:
    """Read a Kafka message value as a contract event, or raise UndecodableEvent saying why not."""
    document = _parse_json(raw)
    time = _check_envelope(document)
    try:
        event = _cloud_event_from(document, time)
    except CloudEventValidationError as error:
        raise UndecodableEvent("not_cloudevent", _describe_sdk(error)) from None
    except (ValueError, TypeError) as error:
        raise UndecodableEvent("not_cloudevent", f"envelope unreadable ({type(error).__name__})") from None

    event_type = event.get_type()
    model = EVENT_MODELS.get(event_type)
    if model is None:
        raise UndecodableEvent("unknown_type", f"event type {event_type[:200]!r} is not in the contract")

    payload = event.get_data()
    if not isinstance(payload, dict):
        raise UndecodableEvent("invalid_data", "data is missing or not a JSON object")
    try:
        data = model.model_validate(payload, context={READING: True})
    except ValidationError as error:
        raise UndecodableEvent("invalid_data", f"{event_type}: {_describe(error)}") from None

    subject = event.get_subject() or ""
    patient = getattr(data, "patient", None)
    if patient is not None and patient != subject:
        raise UndecodableEvent("invalid_data", "subject does not match data.patient")

    attributes = event.get_attributes()
    extensions = {
        name: value
        for name, value in attributes.items()
        if name not in REQUIRED_ATTRIBUTES and name not in OPTIONAL_ATTRIBUTES
    }
    traceparent = extensions.get(TRACEPARENT)
    return DecodedEvent(
        id=event.get_id(),
        source=event.get_source(),
        type=event_type,
        time=time.astimezone(UTC),
        subject=subject,
        traceparent=traceparent if isinstance(traceparent, str) else None,
        data=data,
        extensions=extensions,
    )


def _parse_json(raw: bytes) -> Any:
    try:
        text = bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        raise UndecodableEvent("not_json", "the message value is not UTF-8 text") from None
    except TypeError:
        raise UndecodableEvent("not_json", "the message value is not bytes") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        # error.msg and the position say what is wrong without quoting the document.
        raise UndecodableEvent("not_json", f"{error.msg} at line {error.lineno} column {error.colno}") from None


def _cloud_event_from(document: dict[str, Any], time: datetime) -> CloudEvent:
    """The SDK's JSONFormat.read for a 1.0 event, on the document parsed already (a JSON parse per message saved)."""
    attributes = dict(document)
    attributes["time"] = time
    data = attributes.pop("data", None)
    if data is None and (encoded := attributes.pop("data_base64", None)) is not None:
        data = base64.b64decode(encoded)
    return CloudEvent(attributes, data)


def _check_envelope(document: Any) -> datetime:
    """The checks the SDK leaves out (it would default a missing specversion, id or time); returns the time."""
    if not isinstance(document, dict):
        raise UndecodableEvent("not_cloudevent", f"a JSON {type(document).__name__}, not an object")
    missing = [name for name in CONTRACT_ATTRIBUTES if name not in document]
    if missing:
        raise UndecodableEvent("not_cloudevent", f"missing attribute(s): {', '.join(missing)}")
    if document["specversion"] != SPECVERSION:
        raise UndecodableEvent("not_cloudevent", f"specversion must be {SPECVERSION!r}")
    try:
        # The SDK's own parser (dateutil ships with it), so what passes here passes there.
        if not isinstance(document["time"], str):
            raise TypeError
        time = isoparse(document["time"])
    except (ValueError, TypeError, OverflowError):
        raise UndecodableEvent("not_cloudevent", "time is not an RFC 3339 timestamp") from None
    subject = document["subject"]
    if isinstance(subject, str) and looks_like_personnummer(subject):
        raise UndecodableEvent("not_cloudevent", "subject looks like a personnummer; the contract requires a pseudonym")
    return time


def _describe_sdk(error: CloudEventValidationError) -> str:
    """The SDK's findings without its preamble; each names its attribute, none quotes a value."""
    return "; ".join(str(problem) for problems in error.errors.values() for problem in problems)


def _describe(error: ValidationError) -> str:
    """Each failing field and error type, with pydantic's message unless it quotes the input."""
    problems = []
    for problem in error.errors(include_url=False):
        location = ".".join(str(part) for part in problem["loc"]) or "data"
        text = f"{location} ({problem['type']})"
        message, value = problem.get("msg", ""), problem.get("input")
        if not (isinstance(value, str | int | float) and str(value) and str(value) in message):
            text += f": {message}"
        problems.append(text)
    return "; ".join(problems)
