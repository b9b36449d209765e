"""What a FHIR client sends: the scheduling operations' Parameters and the search parameters, read strictly.

A body or value that cannot be used raises BadParameters with a Swedish sentence; the router answers it as an
OperationOutcome with 400."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any

from pydantic import TypeAdapter, ValidationError

from nara.shared.clock import STOCKHOLM
from nara.shared.web.fields import Identifier, within_calendar

from ..fields import ContactId, HsaId, Reason
from ..setup_models import TimeTypeCode
from .resources import CONTACT, HSA_ID, PERSONNUMMER


class BadParameters(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FindRequest:
    """$find: free times from `start` to `end`, at a unit (location), optionally of a time type or practitioner."""

    unit: str
    start: datetime | None
    end: datetime | None
    service_type: str | None
    practitioner: str | None
    count: int
    contact: str | None = None  # a triaged contact's id: its hidden time types too, as /api/v1/slots gives them


@dataclass(frozen=True)
class SlotChoice:
    """$hold and $book: the slot the Appointment names, the patient it names (a personnummer, or the caller) and
    the client's identifier of it (what makes a repeated $book answer as the first)."""

    slot_id: uuid.UUID
    patient: str | None
    identifier: str | None
    reason: str | None
    contact: str | None = None


# The same shapes as the REST API's fields: nothing unchecked reaches SQL, an event or a log.
HSA_IDS: TypeAdapter[str] = TypeAdapter(HsaId)
TIME_TYPES: TypeAdapter[str] = TypeAdapter(TimeTypeCode)
CONTACTS: TypeAdapter[str] = TypeAdapter(ContactId)
REASONS: TypeAdapter[str] = TypeAdapter(Reason)
IDENTIFIERS: TypeAdapter[str] = TypeAdapter(Identifier)


def checked(shape: TypeAdapter[str], value: str, name: str, hint: str) -> str:
    """`value` in its field's shape, or BadParameters: the field's own Swedish sentence, else `hint`."""
    try:
        return shape.validate_python(value)
    except ValidationError as invalid:
        own = [str(e["ctx"]["error"]) for e in invalid.errors() if e["type"] == "value_error" and "ctx" in e]
        raise BadParameters(f"'{name}': {own[0]}" if own else f"'{name}' har fel form: {hint}") from None


def slot_search(
    unit: str,
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    service_type: str | None = None,
    practitioner: str | None = None,
    wanted: int = 20,
    contact: str | None = None,
) -> FindRequest:
    """A search for free times, each value checked (Slot search and $find alike)."""
    hsa_hint = "ange ett HSA-id, till exempel SE2321000115-E00000000012."
    return FindRequest(
        unit=checked(HSA_IDS, unit, "location", hsa_hint),
        start=start,
        end=end,
        service_type=checked(TIME_TYPES, service_type, "service-type", "ange en tidstyps kod, till exempel SSK_BESOK.")
        if service_type
        else None,
        practitioner=checked(HSA_IDS, practitioner, "practitioner", hsa_hint) if practitioner else None,
        count=wanted,
        contact=checked(CONTACTS, contact, "contact", "ange vårdkontaktens id.") if contact else None,
    )


def moment(value: str, name: str) -> datetime:
    """A FHIR date or dateTime; a date is its midnight in Stockholm, a time without zone is Stockholm's."""
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadParameters(
            f"'{name}' måste vara ett datum eller en tidpunkt, till exempel 2026-12-08T08:00:00+01:00."
        ) from None
    if len(value) == 10:
        parsed = datetime.combine(parsed.date(), time(), STOCKHOLM)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=STOCKHOLM)
    try:
        return within_calendar(parsed).astimezone(UTC)
    except ValueError as outside:
        raise BadParameters(f"'{name}': {outside}") from None


def count(value: str | int | None, default: int = 20) -> int:
    if value is None:
        return default
    try:
        wanted = int(value)
    except (TypeError, ValueError):
        raise BadParameters("'_count' måste vara ett heltal mellan 1 och 100.") from None
    if not 1 <= wanted <= 100:
        raise BadParameters("'_count' måste vara ett heltal mellan 1 och 100.")
    return wanted


def token_value(value: str) -> str:
    """A token search value `system|code` or `code`: the code."""
    return value.rpartition("|")[2]


def reference_id(value: str, resource_type: str) -> str:
    """`Schedule/abc`, a full URL ending so, or a bare id: `abc`."""
    prefix, _, last = value.rstrip("/").rpartition("/")
    if prefix and not prefix.endswith(resource_type):
        raise BadParameters(f"Referensen '{value}' pekar inte på en {resource_type}.")
    return last


def _parameters(body: Any) -> list[dict[str, Any]]:
    if not isinstance(body, dict) or body.get("resourceType") != "Parameters":
        raise BadParameters("Skicka en FHIR-resurs av typen Parameters (resourceType 'Parameters').")
    found = body.get("parameter", [])
    if not isinstance(found, list) or not all(isinstance(p, dict) and isinstance(p.get("name"), str) for p in found):
        raise BadParameters("'parameter' måste vara en lista där varje parameter har ett namn.")
    return found


def _value(parameter: dict[str, Any]) -> Any:
    for key, value in parameter.items():
        if key.startswith("value"):
            return value
    return None


def _text(parameter: dict[str, Any]) -> str:
    """A parameter's value as text: a string, code, dateTime, Coding (its code), Identifier or Reference."""
    value = _value(parameter)
    if isinstance(value, dict):
        value = value.get("code") or value.get("value") or value.get("reference")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value:
        raise BadParameters(f"Parametern '{parameter['name']}' saknar ett värde som går att använda.")
    return value


def find_request(body: Any) -> FindRequest:
    given = {p["name"]: p for p in _parameters(body)}
    unknown = set(given) - {"start", "end", "location", "service-type", "practitioner", "_count", "contact"}
    if unknown:
        raise BadParameters(f"Okända parametrar: {', '.join(sorted(unknown))}.")
    if "location" not in given:
        raise BadParameters("Ange vårdcentralen i parametern 'location' (dess HSA-id).")
    start = moment(_text(given["start"]), "start") if "start" in given else None
    end = moment(_text(given["end"]), "end") if "end" in given else None
    return slot_search(
        reference_id(_text(given["location"]), "Location"),
        start=start,
        end=end,
        service_type=token_value(_text(given["service-type"])) if "service-type" in given else None,
        practitioner=token_value(_text(given["practitioner"])) if "practitioner" in given else None,
        wanted=count(_text(given["_count"]) if "_count" in given else None),
        contact=token_value(_text(given["contact"])) if "contact" in given else None,
    )


def slot_choice(body: Any) -> SlotChoice:
    """The Appointment in the `appointment` parameter (IHE/Argonaut), or the Appointment sent as the body."""
    appointment = body if isinstance(body, dict) and body.get("resourceType") == "Appointment" else None
    if appointment is None:
        for parameter in _parameters(body):
            if parameter["name"] == "appointment":
                appointment = parameter.get("resource")
    if not isinstance(appointment, dict) or appointment.get("resourceType") != "Appointment":
        raise BadParameters("Skicka den tid som ska bokas som en Appointment i parametern 'appointment'.")
    slots = appointment.get("slot")
    if not isinstance(slots, list) or len(slots) != 1 or not isinstance(slots[0], dict):
        raise BadParameters("Appointment måste peka på exakt en tid (slot), till exempel 'Slot/<id>'.")
    try:
        slot_id = uuid.UUID(reference_id(str(slots[0].get("reference", "")), "Slot"))
    except ValueError:
        raise BadParameters("Tiden (slot) går inte att känna igen. Använd en referens från $find.") from None
    return SlotChoice(
        slot_id, _patient(appointment), _identifier(appointment), _description(appointment), _contact(appointment)
    )


def _contact(appointment: dict[str, Any]) -> str | None:
    """The triaged contact in Appointment.basedOn (an identifier of system CONTACT), as $find proposed it."""
    for request in _list(appointment, "basedOn"):
        identifier = request.get("identifier") if isinstance(request, dict) else None
        if isinstance(identifier, dict) and identifier.get("system") == CONTACT:
            value = identifier.get("value")
            if not isinstance(value, str) or not value:
                raise BadParameters("Vårdkontakten i 'basedOn' saknar ett id.")
            return checked(CONTACTS, value, "basedOn", "ange vårdkontaktens id som $find gav det.")
    return None


def _list(resource: dict[str, Any], name: str) -> list[Any]:
    """A repeating element: a list, or absent; anything else is refused."""
    found = resource.get(name)
    if found is None:
        return []
    if not isinstance(found, list):
        raise BadParameters(f"'{name}' i Appointment måste vara en lista.")
    return found


def _patient(appointment: dict[str, Any]) -> str | None:
    """The personnummer of a Patient participant, if one is named; another identifier is refused."""
    for participant in _list(appointment, "participant"):
        actor = participant.get("actor") if isinstance(participant, dict) else None
        if not isinstance(actor, dict) or not isinstance(actor.get("identifier"), dict):
            continue
        identifier = actor["identifier"]
        if identifier.get("system") == HSA_ID:
            continue  # the practitioner or the unit, already given by the slot
        if identifier.get("system") != PERSONNUMMER or not isinstance(identifier.get("value"), str):
            raise BadParameters(f"Ange patienten med personnummer (system {PERSONNUMMER}).")
        value: str = identifier["value"]
        return value
    return None


def _identifier(appointment: dict[str, Any]) -> str | None:
    for identifier in _list(appointment, "identifier"):
        if isinstance(identifier, dict) and isinstance(identifier.get("value"), str):
            named = f"{identifier.get('system', '')}|{identifier['value']}"
            return checked(IDENTIFIERS, named, "identifier", "högst 200 tecken, på en rad.")
    return None


def _description(appointment: dict[str, Any]) -> str | None:
    text = appointment.get("description")
    if not isinstance(text, str) or not text:
        return None
    return checked(REASONS, text, "description", "högst 500 tecken.")
