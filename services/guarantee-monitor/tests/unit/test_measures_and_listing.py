"""Listing, the regional measure beside the national one, and the alerts that fire at once (issue 12)."""

from datetime import datetime, timedelta

import pytest

from nara.guarantee_monitor.domain.alerts import alerts_until, next_alert_moment
from nara.guarantee_monitor.domain.facts import ContactFacts
from nara.guarantee_monitor.domain.guarantee_clock import state_at
from nara.guarantee_monitor.domain.policy import GuaranteePolicy
from nara.guarantee_monitor.domain.projection import apply
from nara.shared.care_guarantee import PolicyError
from nara.shared.clock import STOCKHOLM

POLICY = GuaranteePolicy()
UNIT = "SE2321000115-E00000000011"
OTHER_UNIT = "SE2321000115-E00000000013"


def local(*args) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)


class Event:
    def __init__(self, **fields):
        self.__dict__.update(fields)


def registered(sought_at) -> ContactFacts:
    data = Event(patient="p_1", unit=UNIT, listed_unit=UNIT, channel="phone_unit", sought_at=sought_at)
    return apply(ContactFacts("c1"), "se.nara.contact.registered.v1", data, sought_at)


def booked(facts, appointment_id, start, at=None, earlier=False):
    data = Event(
        appointment_id=appointment_id,
        contact_id="c1",
        patient="p_1",
        unit=UNIT,
        practitioner="P",
        profession="nurse",
        contact_form="clinic",
        start=start,
        end=start + timedelta(minutes=20),
        booked_by="patient",
        earlier_time_offered_within_guarantee=earlier,
    )
    return apply(facts, "se.nara.appointment.booked.v1", data, at or facts.sought_at + timedelta(minutes=5))


HALLAND = GuaranteePolicy.from_json('{"days_by_profession": {"physiotherapist": 7}}')
SOUGHT = local(2026, 11, 23, 9)  # Monday: national deadline at the end of Thursday, regional 7 days on 1 December
NATIONAL_DEADLINE, REGIONAL_DEADLINE = local(2026, 11, 27), local(2026, 12, 1)


def registered_with(listing=None, listed_unit=None) -> ContactFacts:
    data = Event(
        patient="p_1",
        unit=UNIT,
        listed_unit=listed_unit,
        channel="phone_unit",
        sought_at=SOUGHT,
        listing=listing,
        sex="female",
        age_group="18-64",
    )
    return apply(ContactFacts("c1"), "se.nara.contact.registered.v1", data, SOUGHT)


def triaged(facts, at, profession="nurse", applies=True):
    return apply(facts, "se.nara.contact.triaged.v1", Event(guarantee_applies=applies, profession=profession), at)


def keys(facts, policy, now):
    return [alert.key for alert in alerts_until(facts, policy, now)]


@pytest.mark.parametrize(
    ("listing", "listed_unit", "status", "flagged"),
    [
        ("here", UNIT, "at_risk", False),
        ("elsewhere", OTHER_UNIT, "not_covered", False),
        ("unknown", None, "at_risk", True),
        (None, None, "at_risk", True),  # an older event: no listed unit said means unknown, never dropped
        (None, UNIT, "at_risk", False),
        (None, OTHER_UNIT, "not_covered", False),
    ],
)
def test_only_a_listing_at_another_unit_takes_a_contact_outside_the_guarantee(listing, listed_unit, status, flagged):
    state = state_at(registered_with(listing, listed_unit), POLICY, SOUGHT + timedelta(hours=1))

    assert (state.status, state.listing_unknown) == (status, flagged)
    if status == "not_covered":
        assert state.reason == "Listad på en annan vårdcentral"


def test_an_unknown_listing_gets_every_alert_and_an_assessment_counts():
    facts = registered_with("unknown")
    assessed = apply(
        facts,
        "se.nara.contact.assessed.v1",
        Event(assessed_at=SOUGHT + timedelta(days=1), profession="nurse", contact_form="phone"),
        SOUGHT + timedelta(days=1),
    )

    assert keys(facts, POLICY, NATIONAL_DEADLINE) == ["at_risk:48", "at_risk:24", "at_risk:8", "breached"]
    assert state_at(assessed, POLICY, SOUGHT + timedelta(days=2)).status == "assessed"


def test_the_regional_measure_has_its_own_alerts_and_a_national_breach_still_alerts():
    facts = triaged(registered(SOUGHT), SOUGHT + timedelta(minutes=5), "physiotherapist")
    facts = booked(facts, "a1", local(2026, 11, 30, 10), at=SOUGHT + timedelta(minutes=10))  # day 7: regional only

    at_national_breach = state_at(facts, HALLAND, NATIONAL_DEADLINE)
    found = keys(facts, HALLAND, REGIONAL_DEADLINE + timedelta(hours=1))

    assert (at_national_breach.status, at_national_breach.regional.status) == ("breached", "on_track")
    assert at_national_breach.regional.reason == "Tid bokad inom regionens gräns på 7 dagar"
    assert found == ["late_booking:a1", "at_risk:48", "at_risk:24", "at_risk:8", "breached"]
    assert not any(key.startswith("regional:") for key in found), "the regional limit was kept: no regional alert"


def test_regional_alerts_are_prefixed_and_come_at_the_regional_tiers():
    facts = triaged(registered(SOUGHT), SOUGHT + timedelta(minutes=5), "physiotherapist")

    alerts = [a for a in alerts_until(facts, HALLAND, REGIONAL_DEADLINE) if a.key.startswith("regional:")]

    assert [(a.key, a.at, a.deadline) for a in alerts] == [
        ("regional:at_risk:48", REGIONAL_DEADLINE - timedelta(hours=48), REGIONAL_DEADLINE),
        ("regional:at_risk:24", REGIONAL_DEADLINE - timedelta(hours=24), REGIONAL_DEADLINE),
        ("regional:at_risk:8", REGIONAL_DEADLINE - timedelta(hours=8), REGIONAL_DEADLINE),
        ("regional:breached", REGIONAL_DEADLINE, REGIONAL_DEADLINE),
    ]
    assert alerts[0].reason == "Ingen tid bokad och ingen bedömning gjord (regionens gräns på 7 dagar)"
    assert alerts[-1].reason == "Ingen medicinsk bedömning inom regionens gräns på 7 dagar"
    assert next_alert_moment(facts, HALLAND, NATIONAL_DEADLINE) == REGIONAL_DEADLINE - timedelta(hours=48)


def test_a_booking_after_the_deadline_alerts_at_once_and_only_once():
    booked_at = SOUGHT + timedelta(minutes=10)
    facts = booked(registered(SOUGHT), "a1", local(2026, 11, 30, 8), at=booked_at)

    alerts = alerts_until(facts, POLICY, booked_at)

    assert [(a.key, a.kind, a.at) for a in alerts] == [("late_booking:a1", "at_risk", booked_at)]
    assert alerts[0].level == "warning" and "efter vårdgarantins gräns" in alerts[0].reason
    assert keys(facts, POLICY, NATIONAL_DEADLINE).count("late_booking:a1") == 1


def test_a_later_time_the_patient_chose_over_offered_ones_does_not_alert():
    facts = booked(registered(SOUGHT), "a1", local(2026, 11, 30, 8), earlier=True)

    assert keys(facts, POLICY, NATIONAL_DEADLINE + timedelta(days=5)) == []


@pytest.mark.parametrize(("event", "key"), [("cancelled", "cancelled:a1"), ("no_show", "no_show:a1")])
def test_a_time_inside_the_deadline_cancelled_or_missed_alerts_at_once(event, key):
    ended_at = local(2026, 11, 24, 10, 30)
    facts = booked(registered(SOUGHT), "a1", local(2026, 11, 24, 10))
    facts = apply(
        facts,
        f"se.nara.appointment.{event}.v1",
        Event(appointment_id="a1", contact_id="c1", cancelled_by="patient", reason="x", at=ended_at),
        ended_at,
    )

    alerts = alerts_until(facts, POLICY, ended_at)

    assert [(a.key, a.at) for a in alerts] == [(key, ended_at)]


def test_a_cancellation_while_another_time_inside_the_deadline_is_kept_does_not_alert():
    facts = booked(booked(registered(SOUGHT), "a1", local(2026, 11, 24, 10)), "a2", local(2026, 11, 25, 10))
    cancelled = apply(
        facts,
        "se.nara.appointment.cancelled.v1",
        Event(appointment_id="a1", contact_id="c1", cancelled_by="patient", reason="x"),
        local(2026, 11, 24, 8),
    )

    assert keys(cancelled, POLICY, local(2026, 11, 24, 9)) == []


def test_a_new_triage_that_makes_the_guarantee_apply_alerts_at_once():
    override_at = SOUGHT + timedelta(hours=2)
    facts = triaged(triaged(registered(SOUGHT), SOUGHT + timedelta(minutes=5), applies=False), override_at)

    alerts = alerts_until(facts, POLICY, override_at)

    assert [(a.key.split(":")[0], a.at) for a in alerts] == [("covered", override_at)]
    assert keys(facts, POLICY, override_at) == keys(facts, POLICY, override_at + timedelta(minutes=1))  # same key
    assert state_at(facts, POLICY, override_at - timedelta(seconds=1)).status == "not_covered"


def test_a_first_triage_saying_the_guarantee_applies_is_no_override():
    facts = triaged(registered(SOUGHT), SOUGHT + timedelta(minutes=5))

    assert keys(facts, POLICY, SOUGHT + timedelta(hours=1)) == []


def test_a_fact_dated_ahead_of_the_monitors_clock_is_looked_at_when_its_moment_comes():
    now = SOUGHT + timedelta(hours=1)
    assessed_at = now + timedelta(minutes=3)  # triage accepts an assessment up to 5 minutes ahead
    facts = apply(
        registered(SOUGHT),
        "se.nara.contact.assessed.v1",
        Event(assessed_at=assessed_at, profession="nurse", contact_form="phone"),
        assessed_at,
    )

    assert state_at(facts, POLICY, now).status == "at_risk"
    assert next_alert_moment(facts, POLICY, now) == assessed_at
    assert state_at(facts, POLICY, assessed_at).status == "assessed"
    assert next_alert_moment(facts, POLICY, assessed_at) is None


def test_a_registration_dated_ahead_of_the_monitors_clock_is_looked_at_when_it_comes():
    facts = registered(SOUGHT)

    assert state_at(facts, POLICY, SOUGHT - timedelta(seconds=2)) is None
    assert next_alert_moment(facts, POLICY, SOUGHT - timedelta(seconds=2)) == SOUGHT


def test_the_monitor_keeps_only_alert_tiers_of_its_own_and_the_regional_limits_come_from_the_shared_policy():
    shared = '{"days_by_profession": {"physiotherapist": 7}}'

    both = GuaranteePolicy.from_json('{"alert_tiers_hours": [24, 4]}', shared)
    older_only = GuaranteePolicy.from_json('{"days_by_profession": {"physiotherapist": 7}}')

    assert dict(both.care.regional_days) == dict(older_only.care.regional_days) == {"physiotherapist": 7}
    assert both.alert_tiers_hours == (24, 4) and older_only.alert_tiers_hours == (48, 24, 8)
    with pytest.raises(PolicyError, match="differ"):
        GuaranteePolicy.from_json('{"days_by_profession": {"physiotherapist": 10}}', shared)
    with pytest.raises(PolicyError, match="3 days by law"):
        GuaranteePolicy.from_json('{"days": 5}')
    with pytest.raises(PolicyError, match="alert_tiers_hours"):
        GuaranteePolicy.from_json('{"alert_tiers_hours": [0]}')


def resolved(facts, listing, listed_unit, at):
    data = Event(contact_id="c1", listing=listing, listed_unit=listed_unit, resolved_at=at)
    return apply(facts, "se.nara.contact.listing_resolved.v1", data, at)


def test_a_listing_resolved_here_clears_the_flag_and_keeps_the_clock():
    at = SOUGHT + timedelta(hours=3)
    facts = resolved(registered_with("unknown"), "here", UNIT, at)

    before, after = state_at(facts, POLICY, at - timedelta(seconds=1)), state_at(facts, POLICY, at)

    assert (before.listing_unknown, after.listing_unknown, after.status) == (True, False, "at_risk")
    assert resolved(facts, "here", UNIT, at) == facts, "applying it again changes nothing"


def test_a_listing_resolved_elsewhere_takes_the_contact_outside_the_guarantee_from_then_and_resolves_its_alert():
    at = NATIONAL_DEADLINE - timedelta(hours=30)  # after the 48-hour alert
    facts = resolved(registered_with("unknown"), "elsewhere", OTHER_UNIT, at)

    state = state_at(facts, POLICY, at)

    assert (state.status, state.reason) == ("not_covered", "Listad på en annan vårdcentral")
    assert keys(facts, POLICY, NATIONAL_DEADLINE + timedelta(days=1)) == ["at_risk:48", "resolved:at_risk:48"]
