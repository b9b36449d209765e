"""A booked time that a schedule change took away (se.nara.appointment.displaced.v1, issue 15) is still booked:
the monitor takes the event in (it is never dead-lettered) and the clock does not change until staff move the
patient, whose rebooking or cancellation is an event of its own."""

from datetime import UTC, datetime, timedelta

from nara.guarantee_monitor.domain.facts import ContactFacts
from nara.guarantee_monitor.domain.guarantee_clock import state_at
from nara.guarantee_monitor.domain.policy import GuaranteePolicy
from nara.guarantee_monitor.domain.projection import apply
from nara.shared import topics
from nara.shared.events.envelope import decode_event, encode_event
from nara.shared.events.models import AppointmentBooked, AppointmentDisplaced, ContactRegistered
from nara.shared.events.registry import models_for_topic

UNIT = "SE2321000115-E00000000011"
SOUGHT = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
START = SOUGHT + timedelta(days=1)


def test_the_monitor_subscribes_to_the_displaced_type_on_the_appointments_topic():
    # The monitor's consumer has a handler for every type models_for_topic lists (app.subscribe_consumer).
    assert AppointmentDisplaced in models_for_topic(topics.APPOINTMENTS)


def test_a_displaced_appointment_leaves_the_guarantee_clock_as_it_was():
    facts = apply(
        ContactFacts("c1"),
        ContactRegistered.event_type,
        ContactRegistered(
            contact_id="c1",
            patient="p_1",
            unit=UNIT,
            listed_unit=UNIT,
            channel="web",
            sought_at=SOUGHT,
            reason_code="x",
        ),
        SOUGHT,
    )
    booked = AppointmentBooked(
        appointment_id="a1",
        contact_id="c1",
        patient="p_1",
        unit=UNIT,
        practitioner="SE2321000115-P000000101",
        profession="nurse",
        contact_form="clinic",
        start=START,
        end=START + timedelta(minutes=20),
        booked_by="patient",
        earlier_time_offered_within_guarantee=False,
    )
    facts = apply(facts, booked.event_type, booked, SOUGHT + timedelta(minutes=5))
    displaced = AppointmentDisplaced(
        appointment_id="a1",
        lineage="a1",
        contact_id="c1",
        patient="p_1",
        unit=UNIT,
        practitioner="SE2321000115-P000000101",
        start=START,
        end=START + timedelta(minutes=20),
        reason="unit_closed",
    )
    wire = decode_event(encode_event(displaced, source="/nara/booking", subject="p_1", time=SOUGHT))

    after = apply(facts, wire.type, wire.data, wire.time)

    assert after == facts
    policy = GuaranteePolicy()
    assert state_at(after, policy, SOUGHT + timedelta(hours=1)) == state_at(facts, policy, SOUGHT + timedelta(hours=1))
