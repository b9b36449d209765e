"""Booking announces changes to a patient's contract (se.nara.patient-contract.updated.v1, issue 17) on
nara.appointments.v1: the monitor has a handler for the type (it is never dead-lettered) and, since the event
names no contact, it keeps no clock for it."""

from datetime import UTC, datetime

from nara.guarantee_monitor.domain.projection import contact_id_of
from nara.shared import topics
from nara.shared.events.envelope import decode_event, encode_event
from nara.shared.events.models import PatientContractUpdated
from nara.shared.events.registry import models_for_topic


def test_the_monitor_subscribes_to_the_patient_contract_type_and_keeps_no_clock_for_it():
    updated = PatientContractUpdated(
        patient="p_1",
        unit="SE2321000115-E00000000011",
        parts=["agreement"],
        updated_by="staff",
        updated_at=datetime(2026, 12, 7, 9, 0, tzinfo=UTC),
    )
    wire = decode_event(encode_event(updated, source="/nara/booking", subject="p_1", time=updated.updated_at))

    assert PatientContractUpdated in models_for_topic(topics.APPOINTMENTS)
    assert contact_id_of(wire.type, wire.data) is None
