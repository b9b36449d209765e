"""The contract events: models, the CloudEvents envelope, and the registry (no I/O)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any, get_args
from zoneinfo import ZoneInfo

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from nara.shared import topics
from nara.shared.events import (
    CONTENT_TYPE,
    EVENT_MODELS,
    DecodedEvent,
    EventData,
    UndecodableEvent,
    decode_event,
    encode_event,
    models_for_topic,
)
from nara.shared.events.asyncapi import topic_message_schema
from nara.shared.events.models import (
    AppointmentBooked,
    AppointmentCompleted,
    ContactRegistered,
    ContactTriaged,
    RuleFired,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")
PSEUDONYM = "p-3f9a1c7e2b8d4a60"
TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
SOURCE = "/nara/test"

# The contract's table, written out by hand so that a change to the code cannot move it.
CONTRACT_TYPES = {
    "se.nara.contact.registered.v1": "nara.contacts.v1",
    "se.nara.contact.triaged.v1": "nara.contacts.v1",
    "se.nara.contact.assessed.v1": "nara.contacts.v1",
    "se.nara.contact.closed.v1": "nara.contacts.v1",
    "se.nara.contact.listing_resolved.v1": "nara.contacts.v1",  # new under se.nara.*.v1 (issue 12)
    "se.nara.appointment.booked.v1": "nara.appointments.v1",
    "se.nara.appointment.rebooked.v1": "nara.appointments.v1",
    "se.nara.appointment.cancelled.v1": "nara.appointments.v1",
    "se.nara.appointment.completed.v1": "nara.appointments.v1",
    "se.nara.appointment.no_show.v1": "nara.appointments.v1",
    "se.nara.appointment.displaced.v1": "nara.appointments.v1",  # new under se.nara.*.v1 (issue 15)
    "se.nara.patient-contract.updated.v1": "nara.appointments.v1",  # new under se.nara.*.v1 (issue 17)
    "se.nara.waitlist.joined.v1": "nara.appointments.v1",  # new under se.nara.*.v1 (issue 18)
    "se.nara.waitlist.left.v1": "nara.appointments.v1",
    "se.nara.waitlist.ended.v1": "nara.appointments.v1",
    "se.nara.waitlist.offered.v1": "nara.appointments.v1",
    "se.nara.waitlist.offer_accepted.v1": "nara.appointments.v1",
    "se.nara.waitlist.offer_declined.v1": "nara.appointments.v1",
    "se.nara.waitlist.offer_lapsed.v1": "nara.appointments.v1",
    "se.nara.waitlist.offer_withdrawn.v1": "nara.appointments.v1",
    "se.nara.guarantee.at_risk.v1": "nara.guarantee-alerts.v1",
    "se.nara.guarantee.breached.v1": "nara.guarantee-alerts.v1",
    "se.nara.guarantee.resolved.v1": "nara.guarantee-alerts.v1",
}

_SCHEDULED = {
    "appointment_id": "a-1",
    "contact_id": "c-1",
    "patient": PSEUDONYM,
    "unit": "SE2321000131-E000000000001",
    "practitioner": "SE2321000131-P000000000042",
    "profession": "nurse",
    "contact_form": "video",
    "start": "2025-03-07T08:00:00+01:00",
    "end": "2025-03-07T08:20:00+01:00",
    "booked_by": "patient",
    "earlier_time_offered_within_guarantee": False,
}
_ALERT = {
    "contact_id": "c-1",
    "patient": PSEUDONYM,
    "unit": "SE2321000131-E000000000001",
    "deadline": "2025-03-08T22:59:59+00:00",
    "level": "warning",
    "hours_left": 5.5,
    "reason": "No medical assessment is booked before the deadline.",
}

# One valid data part per contract type, as a producer would send it in JSON.
SAMPLE_DATA: dict[str, dict[str, Any]] = {
    "se.nara.contact.registered.v1": {
        "contact_id": "c-1",
        "patient": PSEUDONYM,
        "unit": "SE2321000131-E000000000001",
        "listed_unit": None,
        "channel": "phone_1177",
        "sought_at": "2025-03-05T08:15:00+01:00",
        "reason_code": "cough",
    },
    "se.nara.contact.triaged.v1": {
        "contact_id": "c-1",
        "urgency": "yellow",
        "care_level": "within_3_days",
        "profession": "district_nurse",
        "guarantee_applies": True,
        "guideline_version": "2025.1",
        "rules_fired": [{"rule_id": "cough.duration", "text": "Cough for more than three weeks."}],
        "override_reason": None,
    },
    "se.nara.contact.assessed.v1": {
        "contact_id": "c-1",
        "assessed_at": "2025-03-06T10:00:00+01:00",
        "profession": "doctor",
        "contact_form": "clinic",
    },
    "se.nara.contact.closed.v1": {
        "contact_id": "c-1",
        "reason": "self_care",
        "closed_at": "2025-03-05T09:00:00+01:00",
    },
    "se.nara.contact.listing_resolved.v1": {
        "contact_id": "c-1",
        "listed_unit": "SE2321000115-E00000000011",
        "listing": "here",
        "resolved_at": "2025-03-05T09:30:00+01:00",
    },
    "se.nara.appointment.booked.v1": dict(_SCHEDULED),
    "se.nara.appointment.rebooked.v1": dict(_SCHEDULED, contact_id=None, booked_by="staff"),
    "se.nara.appointment.cancelled.v1": {
        "appointment_id": "a-1",
        "contact_id": None,
        "cancelled_by": "patient",
        "reason": "Feeling better.",
    },
    "se.nara.appointment.completed.v1": {
        "appointment_id": "a-1",
        "contact_id": "c-1",
        "medical_assessment": True,
        "profession": "physiotherapist",
        "contact_form": "home",
        "at": "2025-03-07T08:20:00+01:00",
    },
    "se.nara.appointment.no_show.v1": {
        "appointment_id": "a-1",
        "contact_id": "c-1",
        "at": "2025-03-07T08:30:00+01:00",
    },
    "se.nara.appointment.displaced.v1": {
        "appointment_id": "a-1",
        "lineage": "a-1",
        "contact_id": "c-1",
        "patient": PSEUDONYM,
        "unit": "SE2321000131-E000000000001",
        "practitioner": "SE2321000131-P000000000042",
        "start": "2025-03-07T08:00:00+01:00",
        "end": "2025-03-07T08:20:00+01:00",
        "reason": "unit_closed",
    },
    "se.nara.patient-contract.updated.v1": {
        "patient": PSEUDONYM,
        "unit": "SE2321000115-E00000000011",
        "parts": ["agreement", "plan"],
        "updated_by": "staff",
        "updated_at": "2026-12-07T09:30:00+01:00",
    },
    "se.nara.waitlist.joined.v1": {
        "entry_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
        "contact_id": "c-1",
        "patient": PSEUDONYM,
        "units": ["SE2321000115-E00000000011"],
        "again": False,
        "joined_by": "patient",
        "joined_at": "2026-12-07T09:30:00+01:00",
    },
    "se.nara.waitlist.left.v1": {
        "entry_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
        "contact_id": "c-1",
        "patient": PSEUDONYM,
        "left_by": "staff",
        "left_at": "2026-12-07T10:30:00+01:00",
    },
    "se.nara.waitlist.ended.v1": {
        "entry_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
        "contact_id": "c-1",
        "patient": PSEUDONYM,
        "reason": "assessed",
        "ended_at": "2026-12-07T11:30:00+01:00",
    },
    "se.nara.waitlist.offered.v1": {
        "entry_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
        "contact_id": "c-1",
        "patient": PSEUDONYM,
        "offer_id": "0b6f9a52-2f4e-4a8e-9d1c-5a7e2b3c4d5e",
        "slot_id": "s-1",
        "unit": "SE2321000115-E00000000011",
        "profession": "nurse",
        "slot_start": "2026-12-08T09:00:00+01:00",
        "national_deadline": "2026-12-10T23:59:59+01:00",
        "standing": "at_risk",
        "offered_at": "2026-12-07T11:30:00+01:00",
        "hold_until": "2026-12-07T11:45:00+01:00",
    },
    "se.nara.waitlist.offer_accepted.v1": {
        "entry_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
        "contact_id": "c-1",
        "patient": PSEUDONYM,
        "offer_id": "0b6f9a52-2f4e-4a8e-9d1c-5a7e2b3c4d5e",
        "slot_id": "s-1",
        "unit": "SE2321000115-E00000000011",
        "appointment_id": "a-1",
        "accepted_at": "2026-12-07T11:35:00+01:00",
        "breach_prevented": True,
    },
    "se.nara.waitlist.offer_declined.v1": {
        "entry_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
        "contact_id": "c-1",
        "patient": PSEUDONYM,
        "offer_id": "0b6f9a52-2f4e-4a8e-9d1c-5a7e2b3c4d5e",
        "slot_id": "s-1",
        "unit": "SE2321000115-E00000000011",
        "declined_at": "2026-12-07T11:35:00+01:00",
    },
    "se.nara.waitlist.offer_lapsed.v1": {
        "entry_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
        "contact_id": "c-1",
        "patient": PSEUDONYM,
        "offer_id": "0b6f9a52-2f4e-4a8e-9d1c-5a7e2b3c4d5e",
        "slot_id": "s-1",
        "unit": "SE2321000115-E00000000011",
        "lapsed_at": "2026-12-07T11:45:00+01:00",
    },
    "se.nara.waitlist.offer_withdrawn.v1": {
        "entry_id": "7c9e6679-7425-40de-944b-e07fc1f90ae7",
        "contact_id": "c-1",
        "patient": PSEUDONYM,
        "offer_id": "0b6f9a52-2f4e-4a8e-9d1c-5a7e2b3c4d5e",
        "slot_id": "s-1",
        "unit": "SE2321000115-E00000000011",
        "reason": "slot_gone",
        "withdrawn_at": "2026-12-07T11:40:00+01:00",
    },
    "se.nara.guarantee.at_risk.v1": dict(_ALERT),
    "se.nara.guarantee.breached.v1": dict(_ALERT, level="critical", hours_left=-2.0),
    "se.nara.guarantee.resolved.v1": dict(_ALERT, level="info", hours_left=0),
}

ALL_TYPES = sorted(CONTRACT_TYPES)


def sample(event_type: str, **changes: Any) -> EventData:
    return EVENT_MODELS[event_type].model_validate({**SAMPLE_DATA[event_type], **changes})


def encoded_document(event_type: str = "se.nara.contact.registered.v1", **kwargs: Any) -> dict:
    raw = encode_event(sample(event_type), source=SOURCE, subject=PSEUDONYM, **kwargs)
    return json.loads(raw)


def raw(document: Any) -> bytes:
    return json.dumps(document).encode()


def reason_for(message: bytes) -> UndecodableEvent:
    with pytest.raises(UndecodableEvent) as caught:
        decode_event(message)
    return caught.value


# --- the registry ---


def test_the_registry_holds_exactly_the_contracts_types_on_their_topics():
    assert set(EVENT_MODELS) == set(CONTRACT_TYPES)
    assert set(SAMPLE_DATA) == set(CONTRACT_TYPES)
    for event_type, model in EVENT_MODELS.items():
        assert model.event_type == event_type
        assert model.topic == CONTRACT_TYPES[event_type]
        assert model.schema_version == 1


def test_models_for_topic_lists_each_topics_types_and_refuses_others():
    for topic in (topics.CONTACTS, topics.APPOINTMENTS, topics.GUARANTEE_ALERTS):
        expected = {t for t, on in CONTRACT_TYPES.items() if on == topic}
        assert {model.event_type for model in models_for_topic(topic)} == expected
    with pytest.raises(ValueError):
        models_for_topic(topics.dead_letter_topic(topics.CONTACTS))


# --- round trips and the envelope ---


@pytest.mark.parametrize("event_type", ALL_TYPES)
def test_every_contract_type_round_trips(event_type):
    data = sample(event_type)
    at = datetime(2025, 3, 5, 9, 0, tzinfo=UTC)
    message = encode_event(data, source=SOURCE, subject=PSEUDONYM, event_id="e-1", time=at, traceparent=TRACEPARENT)

    event = decode_event(message)

    assert isinstance(event, DecodedEvent)
    assert type(event.data) is EVENT_MODELS[event_type]
    assert event.data == data
    assert (event.id, event.source, event.type, event.time, event.subject) == (
        "e-1",
        SOURCE,
        event_type,
        at,
        PSEUDONYM,
    )
    assert event.traceparent == TRACEPARENT
    assert event.extensions == {"traceparent": TRACEPARENT}
    # Decoding and encoding again gives the same JSON: nothing is lost or reshaped on the way.
    again = encode_event(
        event.data,
        source=event.source,
        subject=event.subject,
        event_id=event.id,
        time=event.time,
        traceparent=event.traceparent,
    )
    assert json.loads(again) == json.loads(message)


def test_the_envelope_carries_every_required_attribute_and_the_traceparent():
    local_time = datetime(2025, 3, 30, 3, 30, tzinfo=STOCKHOLM)  # just after the DST change
    document = encoded_document(time=local_time, traceparent=TRACEPARENT)

    assert document["specversion"] == "1.0"
    assert uuid.UUID(document["id"]).version == 4
    assert document["source"] == SOURCE
    assert document["type"] == "se.nara.contact.registered.v1"
    assert document["subject"] == PSEUDONYM
    assert document["datacontenttype"] == "application/json"
    assert "se.nara.contact.registered.v1" in document["dataschema"]
    assert document["dataschema"].endswith(":1")
    assert document["traceparent"] == TRACEPARENT
    assert document["data"]["contact_id"] == "c-1"
    sent_time = datetime.fromisoformat(document["time"])
    assert sent_time.utcoffset() == timedelta(0)
    assert sent_time == local_time
    assert CONTENT_TYPE == "application/cloudevents+json"


@pytest.mark.parametrize("event_type", ALL_TYPES)
def test_encoded_events_match_the_envelope_the_asyncapi_document_describes(event_type):
    documented = TypeAdapter(topic_message_schema(CONTRACT_TYPES[event_type]))
    for traceparent in (TRACEPARENT, None):
        envelope = documented.validate_python(encoded_document(event_type, traceparent=traceparent))
        assert envelope.type == event_type
        assert type(envelope.data) is EVENT_MODELS[event_type]


def test_each_event_gets_its_own_id_and_the_traceparent_is_optional():
    first, second = encoded_document(), encoded_document()
    assert first["id"] != second["id"]
    assert "traceparent" not in first
    assert decode_event(raw(first)).traceparent is None


def test_times_in_data_are_sent_in_utc_with_an_offset():
    data = sample("se.nara.contact.registered.v1", sought_at=datetime(2025, 3, 5, 8, 15, tzinfo=STOCKHOLM))
    document = json.loads(encode_event(data, source=SOURCE, subject=PSEUDONYM))
    assert document["data"]["sought_at"] == "2025-03-05T07:15:00Z"


def test_fields_a_newer_producer_adds_are_kept_through_a_round_trip():
    document = encoded_document("se.nara.contact.triaged.v1")
    document["data"]["priority_hint"] = {"score": 3}
    document["data"]["rules_fired"][0]["severity"] = "high"

    event = decode_event(raw(document))
    again = json.loads(encode_event(event.data, source=SOURCE, subject=PSEUDONYM))

    assert again["data"]["priority_hint"] == {"score": 3}
    assert again["data"]["rules_fired"][0]["severity"] == "high"


def test_unknown_envelope_extensions_are_kept_as_raw_attributes():
    document = encoded_document()
    document["partitionkey"] = PSEUDONYM
    assert decode_event(raw(document)).extensions == {"partitionkey": PSEUDONYM}


def test_nullable_fields_may_be_null_but_must_be_present():
    event = decode_event(raw(encoded_document("se.nara.appointment.rebooked.v1")))
    assert event.data.contact_id is None

    document = encoded_document("se.nara.appointment.rebooked.v1")
    del document["data"]["contact_id"]
    bad = reason_for(raw(document))
    assert bad.reason == "invalid_data"
    assert "contact_id" in bad.detail


# --- what cannot be read, and why ---


@pytest.mark.parametrize("event_type", ALL_TYPES)
def test_a_missing_required_field_is_invalid_data_naming_the_field(event_type):
    for field in SAMPLE_DATA[event_type]:
        document = encoded_document(event_type)
        del document["data"][field]
        bad = reason_for(raw(document))
        assert bad.reason == "invalid_data", field
        assert field in bad.detail and "missing" in bad.detail


@pytest.mark.parametrize(
    "message",
    [b"", b"{not json", b"\xff\xfe\x00", b'{"specversion": "1.0",'],
    ids=["empty", "broken", "not-utf8", "truncated"],
)
def test_a_value_that_is_not_json_is_not_json(message):
    assert reason_for(message).reason == "not_json"


def _without(attribute: str) -> dict:
    document = encoded_document()
    del document[attribute]
    return document


@pytest.mark.parametrize(
    "document",
    [
        [1, 2, 3],
        "a string",
        {"hello": "world"},
        _without("specversion"),
        _without("id"),
        _without("type"),
        _without("source"),
        _without("time"),
        _without("subject"),
        dict(encoded_document(), specversion="0.3"),
        dict(encoded_document(), id=""),
        dict(encoded_document(), source=17),
        dict(encoded_document(), time="yesterday"),
        dict(encoded_document(), time="2025-03-05T09:00:00"),  # naive
        dict(encoded_document(), subject="19121212-1212"),
    ],
    ids=[
        "list",
        "string",
        "other-object",
        "no-specversion",
        "no-id",
        "no-type",
        "no-source",
        "no-time",
        "no-subject",
        "specversion-0.3",
        "empty-id",
        "numeric-source",
        "bad-time",
        "naive-time",
        "personnummer-subject",
    ],
)
def test_json_that_is_not_a_contract_cloudevent_is_not_cloudevent(document):
    assert reason_for(raw(document)).reason == "not_cloudevent"


def test_a_type_outside_the_contract_is_unknown_type():
    document = dict(encoded_document(), type="se.nara.contact.teleported.v1")
    bad = reason_for(raw(document))
    assert bad.reason == "unknown_type"
    assert "se.nara.contact.teleported.v1" in bad.detail


@pytest.mark.parametrize(
    "change",
    [
        {"data": None},
        {"data": "contact c-1"},
        {"data": [1, 2]},
        {"data": dict(SAMPLE_DATA["se.nara.contact.registered.v1"], channel="carrier_pigeon")},
        {"data": dict(SAMPLE_DATA["se.nara.contact.registered.v1"], patient="someone-else")},
    ],
    ids=["null", "string", "list", "bad-enum", "patient-is-not-subject"],
)
def test_data_that_fails_its_model_is_invalid_data(change):
    document = dict(encoded_document(), **change)
    assert reason_for(raw(document)).reason == "invalid_data"


def test_the_detail_names_fields_but_never_repeats_their_values():
    secrets = {
        "channel": "SECRET-channel-value",
        "sought_at": "SECRET-time-value",
        "unit": 19121212,
        "patient": "191212121212",
        "reason_code": ["SECRET-list-value"],
    }
    document = encoded_document()
    document["subject"] = "a-pseudonym-that-differs"
    document["data"].update(secrets)

    bad = reason_for(raw(document))

    assert bad.reason == "invalid_data"
    for field, value in secrets.items():
        assert field in bad.detail
        assert str(value) not in bad.detail and "SECRET" not in bad.detail


# --- times must say their zone ---


def test_naive_datetimes_are_rejected_everywhere():
    naive = datetime(2025, 3, 5, 9, 0)
    with pytest.raises(ValidationError, match="timezone"):
        sample("se.nara.contact.assessed.v1", assessed_at=naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        encode_event(sample("se.nara.contact.assessed.v1"), source=SOURCE, subject=PSEUDONYM, time=naive)

    document = encoded_document("se.nara.contact.assessed.v1")
    document["data"]["assessed_at"] = "2025-03-05T09:00:00"
    bad = reason_for(raw(document))
    assert bad.reason == "invalid_data"
    assert "assessed_at" in bad.detail and "timezone" in bad.detail


# --- what the models themselves promise ---


def test_an_appointment_must_end_after_it_starts():
    with pytest.raises(ValidationError, match="end must be after start"):
        sample("se.nara.appointment.booked.v1", end=SAMPLE_DATA["se.nara.appointment.booked.v1"]["start"])


def test_rules_fired_carry_a_rule_id_and_the_text_a_person_reads():
    triaged = sample("se.nara.contact.triaged.v1")
    assert isinstance(triaged, ContactTriaged)
    expected = RuleFired(rule_id="cough.duration", text="Cough for more than three weeks.")
    assert triaged.rules_fired == [expected]
    with pytest.raises(ValidationError, match="text"):
        sample("se.nara.contact.triaged.v1", rules_fired=[{"rule_id": "cough.duration"}])


def test_hours_left_is_a_number_and_may_be_negative():
    breached = sample("se.nara.guarantee.breached.v1", hours_left=-2.5)
    assert breached.hours_left == -2.5
    with pytest.raises(ValidationError, match="hours_left"):
        sample("se.nara.guarantee.breached.v1", hours_left="soon")


@pytest.mark.parametrize(
    ("model", "field", "allowed"),
    [
        (
            ContactRegistered,
            "channel",
            {"web", "phone_1177", "phone_unit", "reception", "walk_in", "e_service", "emergency_department"},
        ),
        (AppointmentCompleted, "contact_form", {"clinic", "home", "phone", "video", "chat_letter"}),
        (
            AppointmentCompleted,
            "profession",
            {
                "doctor",
                "nurse",
                "district_nurse",
                "physiotherapist",
                "occupational_therapist",
                "psychologist",
                "counsellor",
                "midwife",
            },
        ),
        (
            ContactTriaged,
            "care_level",
            {"call_112", "emergency_now", "within_hours", "same_day", "within_3_days", "planned", "self_care"},
        ),
        (AppointmentBooked, "booked_by", {"patient", "staff"}),
    ],
)
def test_value_sets_are_exactly_the_contracts(model, field, allowed):
    schema = model.model_json_schema()
    reference = schema["properties"][field]["$ref"].rsplit("/", 1)[-1]
    assert set(schema["$defs"][reference]["enum"]) == allowed


def test_encoding_refuses_what_is_not_a_contract_event():
    class Stray(EventData):
        event_type = "se.nara.contact.registered.v1"

    with pytest.raises(TypeError):
        encode_event(Stray(), source=SOURCE, subject=PSEUDONYM)
    with pytest.raises(ValueError, match="traceparent"):
        encode_event(sample(ALL_TYPES[0]), source=SOURCE, subject=PSEUDONYM, traceparent="abc")
    with pytest.raises(ValueError):
        encode_event(sample(ALL_TYPES[0]), source="", subject=PSEUDONYM)


# --- no personnummer or name travels ---


def _field_names(model: type[BaseModel]) -> set[str]:
    """Every field name in the model and in the models nested in it (such as rules_fired)."""
    names = set()
    for name, info in model.model_fields.items():
        names.add(name)
        for nested in (info.annotation, *get_args(info.annotation)):
            if isinstance(nested, type) and issubclass(nested, BaseModel):
                names |= _field_names(nested)
    return names


@pytest.mark.parametrize("event_type", ALL_TYPES)
def test_no_event_has_a_field_for_a_personnummer_or_a_name(event_type):
    model = EVENT_MODELS[event_type]
    forbidden = {
        "personnummer",
        "personal_number",
        "ssn",
        "name",
        "patient_name",
        "first_name",
        "last_name",
        "full_name",
    }
    names = _field_names(model)
    assert not (names & forbidden)
    assert "rule_id" in names or "rules_fired" not in names  # the walk does reach nested models
    if "patient" in model.model_fields:
        assert "pseudonym" in (model.model_fields["patient"].description or "")


@pytest.mark.parametrize("personnummer", ["19121212-1212", "191212121212", "121212-1212", "201212121212"])
def test_a_personnummer_is_refused_where_a_pseudonym_belongs(personnummer):
    with pytest.raises(ValidationError) as caught:
        sample("se.nara.appointment.booked.v1", patient=personnummer)
    assert personnummer not in str(caught.value.errors(include_input=False))
    with pytest.raises(ValueError, match="pseudonym"):
        encode_event(sample("se.nara.contact.closed.v1"), source=SOURCE, subject=personnummer)


def test_the_subject_must_be_the_patient_in_the_data():
    with pytest.raises(ValueError, match=r"data\.patient"):
        encode_event(sample("se.nara.guarantee.at_risk.v1"), source=SOURCE, subject="p-someone-else")
