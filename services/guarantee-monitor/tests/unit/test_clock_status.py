"""The clock statuses' lifecycle: the moves the domain allows, and the rules held to them over whole histories."""

from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nara.guarantee_monitor.domain.clock_status import (
    TRANSITIONS,
    ImpossibleTransition,
    can_follow,
    check_history,
)
from nara.guarantee_monitor.domain.facts import ContactFacts
from nara.guarantee_monitor.domain.guarantee_clock import state_at, status_history
from nara.guarantee_monitor.domain.policy import GuaranteePolicy
from nara.guarantee_monitor.domain.projection import apply
from nara.shared.care_guarantee import ClockStatus
from nara.shared.clock import STOCKHOLM

POLICY = GuaranteePolicy()
UNIT, OTHER_UNIT = "SE2321000115-E00000000011", "SE2321000115-E00000000013"
SOUGHT = datetime(2026, 11, 23, 9, 0, tzinfo=STOCKHOLM)
DEADLINE = datetime(2026, 11, 27, tzinfo=STOCKHOLM)  # the end of calendar day 3


def test_every_status_has_its_moves():
    assert set(TRANSITIONS) == set(ClockStatus)
    assert all(status not in moves for status, moves in TRANSITIONS.items())  # staying is no move


@pytest.mark.parametrize("status", list(ClockStatus))
def test_a_status_may_always_stay_as_it_is(status):
    assert can_follow(status, status)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (ClockStatus.AT_RISK, ClockStatus.ON_TRACK),  # a time inside the deadline was booked
        (ClockStatus.ON_TRACK, ClockStatus.AT_RISK),  # ... and cancelled
        (ClockStatus.AT_RISK, ClockStatus.BREACHED),  # the deadline passed
        (ClockStatus.ON_TRACK, ClockStatus.BREACHED),  # the booked time was missed, marked after the deadline
        (ClockStatus.BREACHED, ClockStatus.ASSESSED),  # a late assessment
        (ClockStatus.NOT_COVERED, ClockStatus.AT_RISK),  # a new triage made the guarantee apply
        (ClockStatus.ASSESSED, ClockStatus.NOT_COVERED),  # a later triage took it out of the guarantee
    ],
)
def test_the_moves_a_contact_makes(before, after):
    assert can_follow(before, after)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (ClockStatus.BREACHED, ClockStatus.AT_RISK),  # past the deadline nothing is at risk any more
        (ClockStatus.BREACHED, ClockStatus.ON_TRACK),  # no time inside a passed deadline can be booked
        (ClockStatus.BREACHED, ClockStatus.PATIENT_CHOSEN_WAIT),
        (ClockStatus.ASSESSED, ClockStatus.AT_RISK),  # an assessment stops the clock for good
        (ClockStatus.ASSESSED, ClockStatus.BREACHED),
        (ClockStatus.ASSESSED, ClockStatus.ON_TRACK),
    ],
)
def test_the_moves_no_contact_can_make(before, after):
    assert not can_follow(before, after)
    with pytest.raises(ImpossibleTransition, match=f"{after} cannot follow {before}"):
        check_history([ClockStatus.AT_RISK, before, after])


# Events as the contract's data, by the fields the projection reads.
def _registered(facts: ContactFacts, listed_unit: str | None) -> ContactFacts:
    data = SimpleNamespace(patient="p_1", unit=UNIT, listed_unit=listed_unit, channel="phone_unit", sought_at=SOUGHT)
    return apply(facts, "se.nara.contact.registered.v1", data, SOUGHT)


def _event(facts: ContactFacts, kind: str, when: datetime, **fields: object) -> ContactFacts:
    return apply(facts, f"se.nara.{kind}.v1", SimpleNamespace(contact_id=facts.contact_id, **fields), when)


def _booking(facts: ContactFacts, number: int, at: datetime, starts_after: timedelta, earlier: bool) -> ContactFacts:
    start = at + starts_after  # a time is booked ahead, never in the past
    return _event(
        facts,
        "appointment.booked",
        at,
        appointment_id=f"a{number}",
        patient="p_1",
        start=start,
        end=start + timedelta(minutes=20),
        profession="nurse",
        contact_form="clinic",
        earlier_time_offered_within_guarantee=earlier and at < DEADLINE,  # only open times can be offered
    )


def _step(facts: ContactFacts, step: tuple[str, int, int, bool]) -> ContactFacts:
    """One event, `hours` after the contact was sought: what a reception, a booking page and a clinic may send."""
    kind, hours, number, flag = step
    at = SOUGHT + timedelta(hours=hours)
    if kind == "book":
        return _booking(facts, number, at, timedelta(hours=1 + 30 * number), flag)
    if kind == "cancel":
        return _event(
            facts, "appointment.cancelled", at, appointment_id=f"a{number}", cancelled_by="patient", reason="x"
        )
    if kind == "no_show":
        return _event(facts, "appointment.no_show", at, appointment_id=f"a{number}", at=at)
    if kind == "triage":
        return _event(facts, "contact.triaged", at, guarantee_applies=flag, profession="nurse")
    if kind == "assess":
        return _event(facts, "contact.assessed", at, assessed_at=at, profession="nurse", contact_form="phone")
    return _event(facts, "contact.closed", at, reason="withdrawn", closed_at=at)


steps = st.lists(
    st.tuples(
        st.sampled_from(["book", "cancel", "no_show", "triage", "assess", "close"]),
        st.integers(min_value=0, max_value=150),  # hours after seeking: before and after the deadline (87 h)
        st.integers(min_value=0, max_value=3),
        st.booleans(),
    ),
    max_size=8,
)


@settings(max_examples=300, deadline=None)
@given(steps=steps, listed_here=st.booleans())
def test_no_history_the_rules_give_breaks_the_lifecycle(steps, listed_here):
    facts = _registered(ContactFacts("c1"), UNIT if listed_here else OTHER_UNIT)
    for step in steps:
        facts = _step(facts, step)
    moments = sorted({*facts.event_times(), DEADLINE, DEADLINE + timedelta(days=30)})

    check_history([state_at(facts, POLICY, moment).status for moment in moments])


def test_a_clocks_story_as_the_api_shows_it():
    facts = _registered(ContactFacts("c1"), UNIT)
    facts = _booking(facts, 1, SOUGHT + timedelta(hours=1), timedelta(hours=24), earlier=False)
    facts = _event(facts, "appointment.cancelled", SOUGHT + timedelta(hours=5), appointment_id="a1", reason="x")
    late = DEADLINE + timedelta(hours=10)
    facts = _event(facts, "contact.assessed", late, assessed_at=late, profession="nurse", contact_form="phone")

    story = [change.status for change in status_history(facts, POLICY, DEADLINE + timedelta(days=1))]

    # The breach at the deadline itself is no event: the story shows the states after each event.
    assert story == [ClockStatus.AT_RISK, ClockStatus.ON_TRACK, ClockStatus.AT_RISK, ClockStatus.ASSESSED]
    check_history(story)
