"""The FHIR R4 scheduling API as a FHIR client uses it: find → hold → book, reads and searches, and errors as
OperationOutcome; every answer validated with fhir.resources (R4B, wire-compatible with R4 for these resources)."""

import asyncio
import uuid
from datetime import timedelta

from booking_support import (
    UNIT_FALKENBERG,
    UNIT_OSKARSTROM,
    citizen,
    personnummer,
    publish_contact_events,
    read_events_until,
    staff,
)
from fhir.resources.R4B.appointment import Appointment
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.schedule import Schedule

FHIR = "/fhir/R4"
PERSONNUMMER_SYSTEM = "http://electronichealth.se/identifier/personnummer"
TIME_TYPES = "urn:nara:booking:time-type"


def fhir_json(response) -> dict:
    assert response.headers["content-type"].startswith("application/fhir+json"), response.headers
    return response.json()


def bundle_of(response, status: int = 200) -> Bundle:
    assert response.status_code == status, response.text
    return Bundle.model_validate(fhir_json(response))


def refused(response, status: int) -> OperationOutcome:
    assert response.status_code == status, response.text
    outcome = OperationOutcome.model_validate(fhir_json(response))
    assert outcome.issue[0].diagnostics
    return outcome


def find_body(start: str, *, count: int = 3, service_type: str = "SSK_BESOK") -> dict:
    return {
        "resourceType": "Parameters",
        "parameter": [
            {"name": "location", "valueString": UNIT_OSKARSTROM},
            {"name": "start", "valueDateTime": start},
            {"name": "service-type", "valueCoding": {"system": TIME_TYPES, "code": service_type}},
            {"name": "_count", "valueInteger": count},
        ],
    }


def choose(proposed: dict, identifier: str | None = None) -> dict:
    appointment = {k: v for k, v in proposed.items() if k != "participant"}
    if identifier:
        appointment["identifier"] = [{"system": "urn:example:client", "value": identifier}]
    return {"resourceType": "Parameters", "parameter": [{"name": "appointment", "resource": appointment}]}


async def test_metadata_schedule_and_slot_search(booking):
    client, pnr = booking.client, personnummer(4001, 1979)
    start = (booking.clock.now() + timedelta(days=2)).isoformat()

    metadata = await client.get(f"{FHIR}/metadata")
    schedules = await client.get(f"{FHIR}/Schedule", params={"actor": UNIT_OSKARSTROM}, headers=citizen(pnr))
    one = await client.get(f"{FHIR}/Schedule/{UNIT_OSKARSTROM}", headers=citizen(pnr))
    slots = await client.get(
        f"{FHIR}/Slot",
        params={
            "schedule": f"Schedule/{UNIT_OSKARSTROM}",
            "start": f"ge{start}",
            "service-type": f"{TIME_TYPES}|SSK_BESOK",
            "_count": "4",
        },
        headers=citizen(pnr),
    )

    assert CapabilityStatement.model_validate(fhir_json(metadata)).fhirVersion == "4.0.1"
    unit_schedule, *practitioners = [e.resource for e in bundle_of(schedules).entry]
    assert unit_schedule.id == UNIT_OSKARSTROM and practitioners
    assert all(s.id.startswith(f"{UNIT_OSKARSTROM}.") for s in practitioners)
    assert fhir_json(one)["id"] == UNIT_OSKARSTROM
    found = [e.resource for e in bundle_of(slots).entry]
    assert len(found) == 4
    assert {s.serviceType[0].coding[0].code for s in found} == {"SSK_BESOK"}
    assert all(s.start.isoformat() >= start for s in found)
    # One practitioner's Schedule: their slots only, and the Schedule reads back.
    theirs = found[0].schedule.reference
    own = await client.get(f"{FHIR}/Slot", params={"schedule": theirs, "_count": "50"}, headers=citizen(pnr))
    read = await client.get(f"{FHIR}/{theirs}", headers=citizen(pnr))
    assert {e.resource.schedule.reference for e in bundle_of(own).entry} == {theirs}
    assert Schedule.model_validate(fhir_json(read)).actor[0].identifier.value == theirs.rpartition(".")[2]


async def test_find_hold_book_books_once_is_seen_in_the_rest_api_and_announced(booking, kafka_bootstrap):
    client, pnr, other = booking.client, personnummer(4002, 1979), personnummer(4003, 1979)
    start = (booking.clock.now() + timedelta(days=3)).isoformat()

    found = bundle_of(await client.post(f"{FHIR}/Appointment/$find", json=find_body(start), headers=citizen(pnr)))
    proposed = found.entry[0].resource.model_dump(mode="json")
    assert proposed["status"] == "proposed" and len(found.entry) == 3

    held = bundle_of(await client.post(f"{FHIR}/Appointment/$hold", json=choose(proposed), headers=citizen(pnr)))
    assert held.entry[0].resource.status == "pending"
    assert held.entry[0].resource.start == found.entry[0].resource.start
    # While it is held, nobody else gets it.
    taken = await client.post(f"{FHIR}/Appointment/$book", json=choose(proposed), headers=citizen(other))
    assert refused(taken, 409).issue[0].code == "conflict"

    first = await client.post(f"{FHIR}/Appointment/$book", json=choose(proposed, "k-1"), headers=citizen(pnr))
    again = await client.post(f"{FHIR}/Appointment/$book", json=choose(proposed, "k-1"), headers=citizen(pnr))
    booked = bundle_of(first).entry[0].resource
    assert booked.status == "booked" and booked.slot[0].reference == proposed["slot"][0]["reference"]
    assert bundle_of(again).entry[0].resource.id == booked.id  # the same Appointment, booked once
    another = choose(found.entry[1].resource.model_dump(mode="json"), "k-1")
    reused = await client.post(f"{FHIR}/Appointment/$book", json=another, headers=citizen(pnr))
    assert "Appointment.identifier" in refused(reused, 422).issue[0].diagnostics  # bound to the first request

    rest = await client.get("/api/v1/appointments", headers=citizen(pnr))
    read = await client.get(f"{FHIR}/Appointment/{booked.id}", headers=citizen(pnr))
    searched = await client.get(f"{FHIR}/Appointment", headers=citizen(pnr))
    others_read = await client.get(f"{FHIR}/Appointment/{booked.id}", headers=citizen(other))
    by_staff = await client.get(f"{FHIR}/Appointment/{booked.id}", headers=staff([UNIT_OSKARSTROM]))
    events, _ = await read_events_until(
        kafka_bootstrap,
        "nara.appointments.v1",
        lambda seen: any(getattr(e.data, "appointment_id", None) == booked.id for e in seen),
    )

    assert [a["id"] for a in rest.json()] == [booked.id]
    assert Appointment.model_validate(fhir_json(read)).start == booked.start
    assert [e.resource.id for e in bundle_of(searched).entry] == [booked.id]
    refused(others_read, 404)
    assert Appointment.model_validate(fhir_json(by_staff)).id == booked.id
    mine = [e for e in events if getattr(e.data, "appointment_id", None) == booked.id]
    assert [e.type.split(".")[3] for e in mine] == ["booked"]
    logged = await booking.fetch("SELECT action FROM access_log WHERE resource = $1", f"appointment/{booked.id}")
    assert [r["action"] for r in logged] == ["read appointment (FHIR)"]


async def test_what_cannot_be_used_answers_an_operation_outcome(booking):
    client, pnr = booking.client, personnummer(4004, 1979)
    headers = citizen(pnr)

    not_parameters = await client.post(f"{FHIR}/Appointment/$book", json={"resourceType": "Patient"}, headers=headers)
    not_json = await client.post(f"{FHIR}/Appointment/$hold", content=b"{nope", headers=headers)
    no_unit = await client.post(
        f"{FHIR}/Appointment/$find", json={"resourceType": "Parameters", "parameter": []}, headers=headers
    )
    bad_start = await client.get(
        f"{FHIR}/Slot", params={"schedule": UNIT_OSKARSTROM, "start": "ge-igår"}, headers=headers
    )
    far_future = await client.get(
        f"{FHIR}/Slot", params={"schedule": UNIT_OSKARSTROM, "start": "ge9999-12-31"}, headers=headers
    )
    no_login = await client.get(f"{FHIR}/Appointment")
    unknown_slot = await client.post(
        f"{FHIR}/Appointment/$book",
        json=choose(
            {"resourceType": "Appointment", "slot": [{"reference": "Slot/00000000-0000-0000-0000-000000000000"}]}
        ),
        headers=headers,
    )
    unknown_path = await client.get(f"{FHIR}/Patient/1", headers=headers)

    assert "Parameters" in refused(not_parameters, 400).issue[0].diagnostics
    assert "JSON" in refused(not_json, 400).issue[0].diagnostics
    assert "location" in refused(no_unit, 400).issue[0].diagnostics
    refused(bad_start, 400)
    assert "2100" in refused(far_future, 400).issue[0].diagnostics  # not an overflow and a 500
    assert refused(no_login, 401).issue[0].code == "login"
    refused(unknown_slot, 404)
    refused(unknown_path, 404)


async def wait_for_contact(booking, contact_id: str) -> None:
    async with asyncio.timeout(60):
        while not await booking.fetch(  # noqa: ASYNC110 - the read model is polled: it offers nothing to wait on
            "SELECT 1 FROM contacts WHERE contact_id = $1 AND care_level IS NOT NULL", contact_id
        ):
            await asyncio.sleep(0.2)


async def test_a_hidden_time_type_is_found_and_booked_only_with_the_patients_triaged_contact(booking, kafka_bootstrap):
    client, pnr, stranger = booking.client, personnummer(4005, 1979), personnummer(4006, 1979)
    contact_id = f"c-{uuid.uuid4().hex[:8]}"
    await publish_contact_events(
        kafka_bootstrap,
        pnr,
        contact_id,
        unit=UNIT_FALKENBERG,
        sought_at=booking.clock.now(),
        care_level="within_3_days",
        profession="doctor",
    )
    await wait_for_contact(booking, contact_id)
    start = booking.clock.now().isoformat()

    def find(contact: str | None) -> dict:
        body = find_body(start, count=1, service_type="LAK_BESOK")
        body["parameter"][0]["valueString"] = UNIT_FALKENBERG
        if contact:
            body["parameter"].append({"name": "contact", "valueString": contact})
        return body

    without = await client.post(f"{FHIR}/Appointment/$find", json=find(None), headers=citizen(pnr))
    with_contact = await client.post(f"{FHIR}/Appointment/$find", json=find(contact_id), headers=citizen(pnr))
    by_stranger = await client.post(f"{FHIR}/Appointment/$find", json=find(contact_id), headers=citizen(stranger))
    assert bundle_of(without).total == 0  # hidden: only a triaged contact opens it
    proposed = bundle_of(with_contact).entry[0].resource.model_dump(mode="json")
    assert proposed["basedOn"][0]["identifier"]["value"] == contact_id
    refused(by_stranger, 404)

    chosen = choose(proposed)
    chosen["parameter"][0]["resource"]["description"] = "Ont i halsen sedan i måndags"
    not_triaged = {k: v for k, v in chosen["parameter"][0]["resource"].items() if k != "basedOn"}
    as_if_not_triaged = await client.post(
        f"{FHIR}/Appointment/$book",
        json={"resourceType": "Parameters", "parameter": [{"name": "appointment", "resource": not_triaged}]},
        headers=citizen(pnr),
    )
    booked = await client.post(f"{FHIR}/Appointment/$book", json=chosen, headers=citizen(pnr))

    assert refused(as_if_not_triaged, 403).issue[0].code == "forbidden"
    appointment = bundle_of(booked).entry[0].resource
    assert appointment.status == "booked" and appointment.basedOn[0].identifier.value == contact_id
    assert appointment.description == "Ont i halsen sedan i måndags"


def odd_appointment(**fields) -> dict:
    appointment = {"resourceType": "Appointment", "slot": [{"reference": f"Slot/{uuid.uuid4()}"}], **fields}
    return {"resourceType": "Parameters", "parameter": [{"name": "appointment", "resource": appointment}]}


ODD_REQUESTS = [
    ("GET", "/Slot", {}, None),
    ("GET", "/Slot", {"schedule": "Schedule/", "start": "lt"}, None),
    ("GET", "/Slot", {"schedule": UNIT_OSKARSTROM, "_count": "0"}, None),
    ("GET", "/Slot", {"schedule": UNIT_OSKARSTROM, "start": "eq2026-02-30"}, None),
    ("GET", "/Slot", {"schedule": f"{UNIT_OSKARSTROM}.not-an-hsa-id"}, None),
    ("GET", "/Slot", {"schedule": "Patient/1"}, None),
    ("GET", "/Schedule", {"actor": "|"}, None),
    ("GET", "/Schedule/%20", {}, None),
    ("GET", "/Appointment/123", {}, None),
    ("GET", "/Appointment", {"patient:identifier": "abc"}, None),
    ("GET", "/Appointment", {"patient:identifier": "urn:x|1"}, None),
    ("POST", "/Appointment/$find", {}, []),
    ("POST", "/Appointment/$find", {}, {"resourceType": "Parameters", "parameter": [{"name": 5}]}),
    ("POST", "/Appointment/$find", {}, {"resourceType": "Parameters", "parameter": [{"name": "location"}]}),
    (
        "POST",
        "/Appointment/$find",
        {},
        {"resourceType": "Parameters", "parameter": [{"name": "_count", "valueBoolean": True}]},
    ),
    ("POST", "/Appointment/$hold", {}, {"resourceType": "Appointment", "slot": "x"}),
    (
        "POST",
        "/Appointment/$hold",
        {},
        odd_appointment(participant=[{"actor": {"identifier": {"system": PERSONNUMMER_SYSTEM, "value": "x"}}}]),
    ),
    ("POST", "/Appointment/$book", {}, odd_appointment(participant="x", basedOn=[5], identifier=[{"value": 5}])),
    ("POST", "/Appointment/$book", {}, 5),
    ("POST", "/Appointment/$book", {}, None),
    ("DELETE", "/Appointment/1", {}, None),
    ("PUT", "/Slot", {}, {"resourceType": "Slot"}),
]


async def test_odd_requests_answer_an_operation_outcome_and_never_a_server_error(booking):
    callers = {"citizen": citizen(personnummer(4007, 1979)), "staff": staff([UNIT_OSKARSTROM])}
    wrong = []
    for method, path, params, body in ODD_REQUESTS:
        for who, headers in callers.items():
            answer = await booking.client.request(method, f"{FHIR}{path}", params=params, json=body, headers=headers)
            kind = answer.headers.get("content-type", "")
            if answer.status_code >= 500 or not kind.startswith("application/fhir+json"):
                wrong.append(f"{who} {method} {path} {params} {body!r}: {answer.status_code} {answer.text[:200]}")
            elif answer.status_code >= 400:
                OperationOutcome.model_validate(answer.json())
    assert wrong == [], "\n".join(wrong)
