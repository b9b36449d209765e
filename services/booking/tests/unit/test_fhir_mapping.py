"""The FHIR mapping: every resource booking writes validates as FHIR (fhir.resources, R4B ≙ R4 here), and the
operations' Parameters are read strictly."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from fhir.resources.R4B.appointment import Appointment
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.schedule import Schedule
from fhir.resources.R4B.slot import Slot

from nara.booking.domain.appointment import AppointmentStatus, Hold
from nara.booking.domain.unit_setup import Practitioner
from nara.booking.domain.web_changes import WebChangeTerms
from nara.booking.entrypoints.fhir.capability import capability_statement
from nara.booking.entrypoints.fhir.parameters import BadParameters, find_request, moment, slot_choice
from nara.booking.entrypoints.fhir.resources import (
    CONTACT,
    HSA_ID,
    PERSONNUMMER,
    appointment_resource,
    bundle,
    held_appointment,
    operation_outcome,
    practitioner_schedule_resource,
    proposed_appointment,
    schedule_parts,
    schedule_resource,
    slot_resource,
)
from nara.booking.service.records import AppointmentRecord, CareUnit, FreeSlot
from nara.shared.events.vocabulary import Profession

START = datetime(2026, 12, 8, 7, 0, tzinfo=UTC)
UNIT = "SE2321000115-E00000000012"
SLOT = FreeSlot(
    uuid.uuid4(), UNIT, "SE2321000115-P000000001", "Sara Sjöström", "nurse", "clinic", "SSK_BESOK",
    "Sjuksköterskebesök", START, START + timedelta(minutes=20), 1, None, False, WebChangeTerms(None, None),
)  # fmt: skip


def record(status: AppointmentStatus = AppointmentStatus.BOOKED, end_reason: str | None = None) -> AppointmentRecord:
    appointment_id = uuid.uuid4()
    return AppointmentRecord(
        appointment_id, appointment_id, SLOT.id, "pseudonym-of-someone", UNIT, "Oskarströms vårdcentral",
        "Storgatan 1", None, status, "patient", "Hosta", False, None, START - timedelta(days=1), START,
        START + timedelta(minutes=20), SLOT.practitioner, SLOT.practitioner_name, "nurse", "clinic", "SSK_BESOK",
        "Sjuksköterskebesök", None, end_reason, None,
    )  # fmt: skip


def test_a_free_slot_is_a_valid_fhir_slot_on_its_units_schedule():
    slot = Slot.model_validate(slot_resource(SLOT))
    assert (slot.status, slot.schedule.reference) == ("free", f"Schedule/{UNIT}.{SLOT.practitioner}")
    assert slot.serviceType[0].coding[0].code == "SSK_BESOK"
    assert slot.start == START


def test_a_care_unit_is_a_schedule_whose_actor_is_named_by_hsa_id():
    unit = CareUnit(UNIT, "Oskarströms vårdcentral", "Storgatan 1", [], "035-100 00")
    schedule = Schedule.model_validate(schedule_resource(unit))
    assert schedule.id == UNIT
    assert (schedule.actor[0].identifier.system, schedule.actor[0].identifier.value) == (HSA_ID, UNIT)


def test_a_practitioner_has_a_schedule_at_their_unit_named_by_both_hsa_ids():
    unit = CareUnit(UNIT, "Oskarströms vårdcentral", "Storgatan 1", [], "035-100 00")
    nurse = Practitioner(SLOT.practitioner, "Sara Sjöström", Profession.NURSE, UNIT)
    schedule = Schedule.model_validate(practitioner_schedule_resource(nurse, unit, active=False))
    assert schedule.id == f"{UNIT}.{SLOT.practitioner}" and schedule.active is False
    assert [a.identifier.value for a in schedule.actor] == [SLOT.practitioner, UNIT]
    assert schedule_parts(schedule.id) == (UNIT, SLOT.practitioner)
    assert schedule_parts(UNIT) == (UNIT, None)


@pytest.mark.parametrize(
    ("status", "fhir_status"),
    [
        (AppointmentStatus.BOOKED, "booked"),
        (AppointmentStatus.CANCELLED, "cancelled"),
        (AppointmentStatus.REBOOKED, "cancelled"),
        (AppointmentStatus.COMPLETED, "fulfilled"),
        (AppointmentStatus.NO_SHOW, "noshow"),
    ],
)
def test_every_appointment_status_maps_to_a_valid_fhir_appointment(status, fhir_status):
    appointment = Appointment.model_validate(appointment_resource(record(status, end_reason="Frisk igen")))
    assert appointment.status == fhir_status
    assert appointment.slot[0].reference == f"Slot/{SLOT.id}"
    assert (appointment.cancelationReason is not None) == (fhir_status == "cancelled")


def test_an_appointment_names_no_patient_by_pseudonym_or_personnummer():
    written = str(appointment_resource(record()))
    assert "pseudonym-of-someone" not in written
    assert PERSONNUMMER not in written


def test_proposed_and_held_appointments_and_their_bundle_validate():
    held = Hold(uuid.uuid4(), SLOT.id, START - timedelta(hours=1))
    resources = [
        proposed_appointment(SLOT),
        held_appointment(held, (SLOT.start_at, SLOT.end_at)),
        held_appointment(held, None),
    ]
    found = Bundle.model_validate(bundle(resources, "http://booking/fhir/R4"))
    assert [e.resource.status for e in found.entry] == ["proposed", "pending", "pending"]
    assert "till 07:00." in found.entry[1].resource.comment  # Stockholm's wall clock, not UTC's 06:00
    assert found.total == 3


def test_the_capability_statement_and_an_operation_outcome_validate():
    statement = CapabilityStatement.model_validate(capability_statement("http://booking/fhir/R4", "2026-12-07"))
    assert {r.type for r in statement.rest[0].resource} == {"Schedule", "Slot", "Appointment"}
    problem = OperationOutcome.model_validate(operation_outcome(409, "Tiden är redan tagen.", "slot_taken"))
    assert problem.issue[0].code == "conflict"


def book_body(slot: str, *participants: dict) -> dict:
    appointment = {"resourceType": "Appointment", "status": "proposed", "slot": [{"reference": slot}]}
    if participants:
        appointment["participant"] = list(participants)
    return {"resourceType": "Parameters", "parameter": [{"name": "appointment", "resource": appointment}]}


def described(slot: str, **fields) -> dict:
    body = book_body(slot)
    body["parameter"][0]["resource"] |= fields
    return body


def test_hold_and_book_read_the_slot_and_a_childs_personnummer():
    child = {"actor": {"identifier": {"system": PERSONNUMMER, "value": "20150101-1234"}}, "status": "needs-action"}
    practitioner = {"actor": {"identifier": {"system": HSA_ID, "value": SLOT.practitioner}}, "status": "accepted"}
    chosen = slot_choice(book_body(f"Slot/{SLOT.id}", practitioner, child))
    assert (chosen.slot_id, chosen.patient) == (SLOT.id, "20150101-1234")
    assert slot_choice(book_body(f"http://x/fhir/R4/Slot/{SLOT.id}")).patient is None


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        {"resourceType": "Patient"},
        {"resourceType": "Parameters", "parameter": "appointment"},
        {"resourceType": "Parameters", "parameter": [{"name": "appointment"}]},
        book_body("Slot/not-a-uuid"),
        book_body(f"Schedule/{SLOT.id}"),
        book_body(f"Slot/{SLOT.id}", {"actor": {"identifier": {"system": "urn:other", "value": "1"}}}),
        described(f"Slot/{SLOT.id}", description="Ring mig, 19121212-1212"),  # no personnummer in the reason
        described(f"Slot/{SLOT.id}", description="a\x07b"),
        described(f"Slot/{SLOT.id}", description="x" * 501),
        described(f"Slot/{SLOT.id}", basedOn=[{"identifier": {"system": CONTACT, "value": "c 1; drop"}}]),
        described(f"Slot/{SLOT.id}", identifier=[{"system": "urn:x", "value": "a\nb"}]),
        described(f"Slot/{SLOT.id}", participant=5),  # was a TypeError, a 500
        described(f"Slot/{SLOT.id}", basedOn={"identifier": {}}),
    ],
)
def test_a_body_that_cannot_be_used_is_refused_with_a_swedish_sentence(body):
    with pytest.raises(BadParameters) as refused:
        slot_choice(body)
    assert refused.value.message.endswith(".")


def test_find_reads_its_parameters_and_needs_a_unit():
    wanted = find_request(
        {
            "resourceType": "Parameters",
            "parameter": [
                {"name": "location", "valueString": f"Location/{UNIT}"},
                {"name": "start", "valueDate": "2026-12-08"},
                {"name": "end", "valueDateTime": "2026-12-09T12:00:00Z"},
                {"name": "service-type", "valueCoding": {"system": "urn:nara:booking:time-type", "code": "SSK_BESOK"}},
                {"name": "_count", "valueInteger": 5},
            ],
        }
    )
    assert (wanted.unit, wanted.service_type, wanted.count) == (UNIT, "SSK_BESOK", 5)
    assert wanted.start == datetime(2026, 12, 7, 23, 0, tzinfo=UTC)  # midnight in Stockholm
    with pytest.raises(BadParameters, match="location"):
        find_request({"resourceType": "Parameters", "parameter": []})
    for wrong in ("location", "x; drop"), ("service-type", "ssk besök"), ("contact", "a b"), ("start", "9999-01-01"):
        body = {"resourceType": "Parameters", "parameter": [{"name": "location", "valueString": UNIT}]}
        body["parameter"] = [p for p in body["parameter"] if p["name"] != wrong[0]]
        body["parameter"].append({"name": wrong[0], "valueString": wrong[1]})
        with pytest.raises(BadParameters, match=wrong[0]):
            find_request(body)
    with pytest.raises(BadParameters, match="Okända"):
        find_request({"resourceType": "Parameters", "parameter": [{"name": "color", "valueString": "blå"}]})


def test_a_moment_without_a_zone_is_stockholms():
    assert moment("2026-07-01T08:00:00", "start") == datetime(2026, 7, 1, 6, 0, tzinfo=UTC)
    with pytest.raises(BadParameters):
        moment("i morgon", "start")


def test_the_triaged_contact_travels_from_find_through_book_in_based_on():
    proposed = Appointment.model_validate(proposed_appointment(SLOT, "c-123")).model_dump(mode="json")
    body = {"resourceType": "Parameters", "parameter": [{"name": "appointment", "resource": proposed}]}
    assert slot_choice(body).contact == "c-123"
    assert slot_choice(book_body(f"Slot/{SLOT.id}")).contact is None


def test_the_catch_all_path_comes_after_every_real_route():
    from nara.booking.entrypoints.fhir import router

    paths = [route.path for route in router.routes]
    assert paths[-1] == "/fhir/R4/{anything:path}"
    assert {"/fhir/R4/Appointment/$find", "/fhir/R4/Appointment/$hold", "/fhir/R4/Appointment/$book"} <= set(paths)
