"""No personnummer in any event, whatever a person types: every string field of every contract event, found by
looking at the models, so a field added later is covered (or this fails until it says what kind of string it is)."""

from __future__ import annotations

import copy
import importlib.util
import json
import types
import uuid
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin, get_type_hints

import pytest
from pydantic import BaseModel, ValidationError

from nara.shared.events import EVENT_MODELS, decode_event, encode_event
from nara.shared.events.vocabulary import FreeText, HsaId, Identifier, Pseudonym
from nara.shared.redaction import PLACEHOLDER


def _contract_samples():
    """The one valid data part per event type that the contract tests keep (tests import by path here)."""
    spec = importlib.util.spec_from_file_location(
        "event_contract_samples", Path(__file__).with_name("test_event_contracts.py")
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.SAMPLE_DATA, module.PSEUDONYM


SAMPLE_DATA, PSEUDONYM = _contract_samples()

KINDS = {FreeText: "free text", HsaId: "hsa id", Identifier: "id or code", Pseudonym: "pseudonym"}
UNTYPED = "untyped str"

# Valid numbers (date and check digit), in every way a person writes them.
PERSONNUMMER_FORMS = {
    "12 digits with a dash": "19121212-1212",
    "12 digits": "191212121212",
    "10 digits with a dash": "121212-1212",
    "10 digits": "1212121212",
    "10 digits, 100 or older": "121212+1212",
    "10 digits with a space": "121212 1212",
    "samordningsnummer": "701063-2391",
    "samordningsnummer, 12 digits": "197010632391",
}


def string_fields(model: type[BaseModel], path: tuple = ()) -> list[tuple[tuple, str]]:
    """(path, kind) of every string in the model's fields, into nested models and lists."""
    found = []
    hints = get_type_hints(model, include_extras=True)
    for name in model.model_fields:
        found += _strings(hints[name], (*path, name))
    return found


def _strings(hint: Any, path: tuple) -> list[tuple[tuple, str]]:
    if hint in KINDS:
        return [(path, KINDS[hint])]
    origin, args = get_origin(hint), get_args(hint)
    if origin is Annotated:
        return _strings(args[0], path)
    if origin in (Union, types.UnionType):
        return [found for arg in args for found in _strings(arg, path)]
    if origin in (list, tuple):
        return _strings(args[0], (*path, 0))
    if isinstance(hint, type) and issubclass(hint, BaseModel):
        return string_fields(hint, path)
    # A vocabulary's StrEnum or a Literal is a value from a list, not text anyone types.
    return [(path, UNTYPED)] if hint is str else []


ALL_FIELDS = [
    (event_type, path, kind) for event_type, model in EVENT_MODELS.items() for path, kind in string_fields(model)
]
TEXT_FIELDS = [(t, p) for t, p, kind in ALL_FIELDS if kind in ("free text", "hsa id")]
ID_FIELDS = [(t, p) for t, p, kind in ALL_FIELDS if kind in ("id or code", "pseudonym")]


def with_value(event_type: str, path: tuple, value: str) -> dict:
    data = copy.deepcopy(SAMPLE_DATA[event_type])
    place = data
    for step in path[:-1]:
        place = place[step]
    place[path[-1]] = value
    return data


def refusal(event_type: str, path: tuple, value: str) -> dict:
    with pytest.raises(ValidationError) as refused:
        EVENT_MODELS[event_type](**with_value(event_type, path, value))
    [error] = refused.value.errors()
    return error


def test_every_string_of_every_event_type_says_what_kind_of_string_it_is():
    untyped = [(t, p) for t, p, kind in ALL_FIELDS if kind == UNTYPED]

    assert untyped == [], "a bare str in an event: make it FreeText, or an HsaId, Identifier or Pseudonym"
    assert set(SAMPLE_DATA) == set(EVENT_MODELS)


def test_the_fields_people_type_into_are_free_text_and_ids_and_codes_are_not():
    kinds = {(t.split(".")[3], p): kind for t, p, kind in ALL_FIELDS}

    assert kinds[("cancelled", ("reason",))] == "free text"
    assert kinds[("triaged", ("override_reason",))] == "free text"
    assert kinds[("triaged", ("rules_fired", 0, "text"))] == "free text"
    assert kinds[("at_risk", ("reason",))] == "free text"
    assert kinds[("registered", ("listed_unit",))] == "hsa id"  # a citizen types it
    for field in ("contact_id", "reason_code"):
        assert kinds[("registered", (field,))] == "id or code"
    for field in ("appointment_id", "contact_id"):
        assert kinds[("cancelled", (field,))] == "id or code"
    assert kinds[("triaged", ("rules_fired", 0, "rule_id"))] == "id or code"
    assert kinds[("triaged", ("guideline_version",))] == "id or code"
    assert kinds[("booked", ("patient",))] == "pseudonym"
    assert ("closed", ("reason",)) not in kinds  # a reason from a list, not text


@pytest.mark.parametrize("form", PERSONNUMMER_FORMS)
@pytest.mark.parametrize(
    "event_type, path", TEXT_FIELDS, ids=lambda v: v if isinstance(v, str) else ".".join(map(str, v))
)
def test_a_personnummer_anywhere_in_text_is_refused_when_the_event_is_built(event_type, path, form):
    number = PERSONNUMMER_FORMS[form]

    error = refusal(event_type, path, f"Patienten ({number}) ringde igen")

    assert error["loc"] == path and "personnummer" in error["msg"]
    assert number not in error["msg"]  # the refusal does not carry the number on into logs


@pytest.mark.parametrize("form", PERSONNUMMER_FORMS)
@pytest.mark.parametrize(
    "event_type, path", ID_FIELDS, ids=lambda v: v if isinstance(v, str) else ".".join(map(str, v))
)
def test_a_personnummer_as_an_id_or_code_is_refused_when_the_event_is_built(event_type, path, form):
    number = PERSONNUMMER_FORMS[form]

    error = refusal(event_type, path, number)

    assert error["loc"] == path


@pytest.mark.parametrize(
    "event_type, path", TEXT_FIELDS + ID_FIELDS, ids=lambda v: v if isinstance(v, str) else ".".join(map(str, v))
)
def test_ordinary_values_with_digits_are_still_taken(event_type, path):
    kind = {(t, p): k for t, p, k in ALL_FIELDS}[(event_type, path)]
    value = {
        "free text": "Ring 010-123 45 67 efter 2026-12-07, tid 09:30; kod 4711",
        "hsa id": "SE2321000131-E000000000001",
        "id or code": str(uuid.uuid4()),
        "pseudonym": PSEUDONYM,
    }[kind]

    EVENT_MODELS[event_type](**with_value(event_type, path, value))


def test_a_sole_traders_hsa_id_holds_their_public_organisation_number_and_is_taken():
    # A sole trader's organisation number is their personnummer; in an HSA-id it names a care provider.
    data = with_value("se.nara.contact.registered.v1", ("unit",), "SE1912121212-E0001")

    assert EVENT_MODELS["se.nara.contact.registered.v1"](**data).unit == "SE1912121212-E0001"
    refusal("se.nara.contact.registered.v1", ("unit",), "SE2321000131-E191212121212")


def test_a_consumer_reading_an_older_event_with_a_personnummer_applies_it_without_the_number():
    # Written before the rule, by a producer that did not use the models: the state change must not be lost.
    model = EVENT_MODELS["se.nara.appointment.cancelled.v1"]
    clean = encode_event(model(**SAMPLE_DATA[model.event_type]), source="/test", subject=PSEUDONYM)
    document = json.loads(clean)
    document["data"]["reason"] = "Fel patient, ska vara 19121212-1212"
    document["data"]["contact_id"] = "121212-1212"

    decoded = decode_event(json.dumps(document).encode())

    assert decoded.data.reason == f"Fel patient, ska vara {PLACEHOLDER}"
    assert decoded.data.contact_id == PLACEHOLDER
