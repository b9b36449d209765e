"""The guarantee clock's rules, case by case, from domain.md's 'The care guarantee'."""

from datetime import datetime, timedelta

import pytest

from nara.guarantee_monitor.domain.alerts import alerts_until, next_alert_moment
from nara.guarantee_monitor.domain.facts import ContactFacts
from nara.guarantee_monitor.domain.guarantee_clock import state_at
from nara.guarantee_monitor.domain.policy import GuaranteePolicy
from nara.guarantee_monitor.domain.projection import apply
from nara.shared.clock import STOCKHOLM

POLICY = GuaranteePolicy()
UNIT = "SE2321000115-E00000000011"


def local(*args) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)


class Event:
    def __init__(self, **fields):
        self.__dict__.update(fields)


def registered(sought_at, listed_unit=UNIT, contact_id="c1") -> ContactFacts:
    data = Event(patient="p_1", unit=UNIT, listed_unit=listed_unit, channel="phone_unit", sought_at=sought_at)
    return apply(ContactFacts(contact_id), "se.nara.contact.registered.v1", data, sought_at)


def booked(facts, appointment_id, start, minutes=20, at=None, earlier=False, replaces=None):
    data = Event(
        appointment_id=appointment_id,
        contact_id=facts.contact_id,
        patient="p_1",
        unit=UNIT,
        practitioner="P",
        profession="nurse",
        contact_form="clinic",
        start=start,
        end=start + timedelta(minutes=minutes),
        booked_by="patient",
        earlier_time_offered_within_guarantee=earlier,
        replaces=replaces,
    )
    kind = "rebooked" if replaces else "booked"
    return apply(facts, f"se.nara.appointment.{kind}.v1", data, at or facts.sought_at + timedelta(minutes=5))


def status(facts, moment) -> str:
    return state_at(facts, POLICY, moment).status


@pytest.mark.parametrize(
    ("sought", "deadline"),
    [
        (local(2026, 3, 5, 10, 0), local(2026, 3, 9)),  # the domain's own example: by the end of 8 March
        (local(2026, 11, 20, 15, 0), local(2026, 11, 24)),  # Friday: by the end of Monday
        (local(2026, 11, 23, 23, 59), local(2026, 11, 27)),  # just before midnight is still day 0
        (local(2026, 11, 24, 0, 1), local(2026, 11, 28)),  # just after midnight is a new day 0
        (local(2026, 3, 27, 12, 0), local(2026, 3, 31)),  # across the March change
        (local(2026, 10, 23, 12, 0), local(2026, 10, 27)),  # across the October change
    ],
)
def test_the_deadline_is_the_end_of_the_third_calendar_day_in_stockholm(sought, deadline):
    facts = registered(sought)

    state = state_at(facts, POLICY, sought)

    assert state.deadline == deadline and state.status == "at_risk"
    assert status(facts, deadline - timedelta(seconds=1)) == "at_risk"
    assert status(facts, deadline) == "breached"


def test_a_booking_that_ends_exactly_at_the_deadline_is_on_track():
    facts = booked(registered(local(2026, 11, 23, 9)), "a1", local(2026, 11, 26, 23, 40), minutes=20)

    assert status(facts, local(2026, 11, 24, 12)) == "on_track"


def test_a_booking_after_the_deadline_is_at_risk_at_once():
    facts = booked(registered(local(2026, 11, 23, 9)), "a1", local(2026, 11, 27, 8, 0))

    assert status(facts, local(2026, 11, 23, 9, 6)) == "at_risk"
    assert "efter" in state_at(facts, POLICY, local(2026, 11, 23, 9, 6)).reason


def test_a_cancellation_makes_the_contact_at_risk_again_from_that_moment():
    facts = booked(registered(local(2026, 11, 23, 9)), "a1", local(2026, 11, 25, 10))
    cancelled = apply(
        facts,
        "se.nara.appointment.cancelled.v1",
        Event(appointment_id="a1", contact_id="c1", cancelled_by="patient", reason="x"),
        local(2026, 11, 24, 8),
    )

    assert status(cancelled, local(2026, 11, 24, 7, 59)) == "on_track"
    assert status(cancelled, local(2026, 11, 24, 8)) == "at_risk"
    assert state_at(cancelled, POLICY, local(2026, 11, 24, 8)).reason == "Den bokade tiden avbokades"


def test_a_no_show_makes_the_contact_at_risk_again():
    facts = booked(registered(local(2026, 11, 23, 9)), "a1", local(2026, 11, 24, 10))
    no_show = apply(
        facts,
        "se.nara.appointment.no_show.v1",
        Event(appointment_id="a1", contact_id="c1", at=local(2026, 11, 24, 10, 30)),
        local(2026, 11, 24, 10, 30),
    )

    assert status(no_show, local(2026, 11, 24, 11)) == "at_risk"
    assert "uteblev" in state_at(no_show, POLICY, local(2026, 11, 24, 11)).reason


def test_a_later_time_chosen_while_earlier_ones_were_offered_is_the_patients_own_wait():
    facts = booked(registered(local(2026, 11, 23, 9)), "a1", local(2026, 11, 30, 8), earlier=True)

    assert status(facts, local(2026, 11, 28, 12)) == "patient_chosen_wait"
    assert [a.kind for a in alerts_until(facts, POLICY, local(2026, 12, 1))] == []


def test_a_contact_at_another_unit_than_the_listed_one_is_not_covered():
    facts = registered(local(2026, 11, 23, 9), listed_unit="SE2321000115-E00000000013")

    assert status(facts, local(2026, 11, 30)) == "not_covered"
    assert alerts_until(facts, POLICY, local(2026, 12, 1)) == []


def test_the_first_medical_assessment_stops_the_clock_whichever_event_brings_it():
    by_phone = apply(
        registered(local(2026, 11, 23, 9)),
        "se.nara.contact.assessed.v1",
        Event(contact_id="c1", assessed_at=local(2026, 11, 24, 11), profession="nurse", contact_form="phone"),
        local(2026, 11, 24, 11, 5),
    )
    at_visit = booked(registered(local(2026, 11, 23, 9)), "a1", local(2026, 11, 24, 10))
    at_visit = apply(
        at_visit,
        "se.nara.appointment.completed.v1",
        Event(
            appointment_id="a1",
            contact_id="c1",
            medical_assessment=True,
            profession="doctor",
            contact_form="clinic",
            at=local(2026, 11, 24, 10, 20),
        ),
        local(2026, 11, 24, 10, 20),
    )

    assert status(by_phone, local(2026, 11, 30)) == "assessed"
    assert status(at_visit, local(2026, 11, 30)) == "assessed"


def test_triage_or_self_care_closing_takes_the_contact_outside_the_guarantee():
    return_visit = apply(
        registered(local(2026, 11, 23, 9)),
        "se.nara.contact.triaged.v1",
        Event(guarantee_applies=False, profession="nurse"),
        local(2026, 11, 23, 9, 10),
    )
    self_care = apply(
        registered(local(2026, 11, 23, 9)),
        "se.nara.contact.closed.v1",
        Event(contact_id="c1", reason="self_care", closed_at=local(2026, 11, 23, 9, 20)),
        local(2026, 11, 23, 9, 20),
    )

    assert status(return_visit, local(2026, 11, 24)) == "not_covered"
    assert status(self_care, local(2026, 11, 24)) == "not_covered"


def test_a_regional_limit_runs_beside_the_national_deadline_and_never_replaces_it():
    halland = GuaranteePolicy.from_json('{"days_by_profession": {"physiotherapist": 7, "psychologist": 14}}')
    facts = apply(
        registered(local(2026, 11, 23, 9)),
        "se.nara.contact.triaged.v1",
        Event(guarantee_applies=True, profession="physiotherapist"),
        local(2026, 11, 23, 9, 10),
    )

    state = state_at(facts, halland, local(2026, 11, 24))

    assert state.deadline == local(2026, 11, 27)  # the national 3 days, with or without a regional rule
    assert (state.regional.days, state.regional.deadline) == (7, local(2026, 12, 1))
    assert state_at(facts, POLICY, local(2026, 11, 24)).regional is None
    with pytest.raises(ValueError, match="unknown"):
        GuaranteePolicy.from_json('{"dayz": 3}')


def test_alerts_fire_at_each_tier_then_at_the_breach_and_never_twice():
    facts = registered(local(2026, 11, 23, 9))
    deadline = local(2026, 11, 27)

    alerts = alerts_until(facts, POLICY, deadline + timedelta(days=2))

    assert [(a.key, a.at) for a in alerts] == [
        ("at_risk:48", deadline - timedelta(hours=48)),
        ("at_risk:24", deadline - timedelta(hours=24)),
        ("at_risk:8", deadline - timedelta(hours=8)),
        ("breached", deadline),
    ]
    assert [a.level for a in alerts] == ["info", "warning", "critical", "critical"]
    assert alerts_until(facts, POLICY, deadline - timedelta(hours=24)) == alerts[:2]


def test_a_resolution_follows_an_alert_and_a_cancellation_inside_the_deadline_alerts_at_once():
    deadline = local(2026, 11, 27)
    facts = booked(registered(local(2026, 11, 23, 9)), "a1", local(2026, 11, 26, 9), at=deadline - timedelta(hours=30))
    facts = apply(
        facts,
        "se.nara.appointment.cancelled.v1",
        Event(appointment_id="a1", contact_id="c1", cancelled_by="patient", reason="x"),
        deadline - timedelta(hours=12),
    )

    keys = [a.key for a in alerts_until(facts, POLICY, deadline + timedelta(hours=1))]

    assert keys == ["at_risk:48", "resolved:at_risk:48", "cancelled:a1", "at_risk:8", "breached"]


def test_the_scheduler_looks_again_at_the_next_tier_or_the_deadline():
    facts = registered(local(2026, 11, 23, 9))
    deadline = local(2026, 11, 27)

    assert next_alert_moment(facts, POLICY, local(2026, 11, 23, 10)) == deadline - timedelta(hours=48)
    assert next_alert_moment(facts, POLICY, deadline - timedelta(hours=1)) == deadline
    assert next_alert_moment(facts, POLICY, deadline) is None


def test_events_in_any_order_give_the_same_facts():
    sought = local(2026, 11, 23, 9)
    registration = (
        "se.nara.contact.registered.v1",
        Event(patient="p_1", unit=UNIT, listed_unit=UNIT, channel="web", sought_at=sought),
        sought,
    )
    booking = (
        "se.nara.appointment.booked.v1",
        Event(
            appointment_id="a1",
            contact_id="c1",
            patient="p_1",
            unit=UNIT,
            practitioner="P",
            profession="nurse",
            contact_form="clinic",
            start=local(2026, 11, 24, 9),
            end=local(2026, 11, 24, 9, 20),
            booked_by="patient",
            earlier_time_offered_within_guarantee=False,
        ),
        local(2026, 11, 23, 9, 5),
    )

    in_order = apply(apply(ContactFacts("c1"), *registration), *booking)
    reversed_order = apply(apply(ContactFacts("c1"), *booking), *registration)
    twice = apply(in_order, *booking)

    assert in_order == reversed_order == twice
    assert status(reversed_order, local(2026, 11, 23, 10)) == "on_track"
    assert ContactFacts.from_json(_roundtrip(in_order.to_json())) == in_order


def _roundtrip(value):
    import json

    return json.loads(json.dumps(value, default=lambda v: v.isoformat()))
