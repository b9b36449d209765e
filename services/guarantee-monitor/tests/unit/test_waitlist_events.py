"""Booking announces its waitlist (se.nara.waitlist.*.v1, issue 18) on nara.appointments.v1: the monitor has a
handler for each type (none is dead-lettered), and an event that names a contact leaves its clock as it was."""

from datetime import UTC, datetime

from nara.guarantee_monitor.domain.facts import ContactFacts
from nara.guarantee_monitor.domain.projection import apply
from nara.shared import topics
from nara.shared.events.models import WaitlistEnded, WaitlistJoined, WaitlistLeft
from nara.shared.events.registry import models_for_topic

AT = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
COMMON = {"entry_id": "e-1", "contact_id": "c-1", "patient": "p_1"}


def test_the_monitor_hears_the_waitlist_events_and_they_leave_the_clock_as_it_was():
    events = [
        WaitlistJoined(**COMMON, units=["SE2321000115-E00000000011"], again=False, joined_by="patient", joined_at=AT),
        WaitlistLeft(**COMMON, left_by="patient", left_at=AT),
        WaitlistEnded(**COMMON, reason="booked", ended_at=AT),
    ]
    facts = ContactFacts(contact_id="c-1")

    for event in events:
        assert type(event) in models_for_topic(topics.APPOINTMENTS)
        assert apply(facts, event.event_type, event, AT) == facts
