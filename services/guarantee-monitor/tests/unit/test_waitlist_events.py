"""Booking announces its waitlist (se.nara.waitlist.*.v1, issue 18) on nara.appointments.v1: the monitor has a
handler for each type (none is dead-lettered), and an event that names a contact leaves its clock as it was."""

from datetime import UTC, datetime

from nara.guarantee_monitor.domain.facts import ContactFacts
from nara.guarantee_monitor.domain.projection import apply
from nara.shared import topics
from nara.shared.events.models import (
    WaitlistEnded,
    WaitlistJoined,
    WaitlistLeft,
    WaitlistOfferAccepted,
    WaitlistOfferDeclined,
    WaitlistOffered,
    WaitlistOfferLapsed,
    WaitlistOfferWithdrawn,
)
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


def test_the_monitor_hears_every_offer_event_and_they_leave_the_clock_as_it_was():
    offer = {**COMMON, "offer_id": "o-1", "slot_id": "s-1", "unit": "SE2321000115-E00000000011"}
    events = [
        WaitlistOffered(
            **offer,
            profession="nurse",
            slot_start=AT,
            national_deadline=AT,
            standing="at_risk",
            offered_at=AT,
            hold_until=AT,
        ),
        WaitlistOfferAccepted(**offer, appointment_id="a-1", accepted_at=AT, breach_prevented=True),
        WaitlistOfferDeclined(**offer, declined_at=AT),
        WaitlistOfferLapsed(**offer, lapsed_at=AT),
        WaitlistOfferWithdrawn(**offer, reason="slot_gone", withdrawn_at=AT),
    ]
    facts = ContactFacts(contact_id="c-1")

    for event in events:
        assert type(event) in models_for_topic(topics.APPOINTMENTS)  # so the consumer has a handler for it
        assert apply(facts, event.event_type, event, AT) == facts
