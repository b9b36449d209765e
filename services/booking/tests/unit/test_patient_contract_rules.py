"""The patient contract's rules: nine fixed care contacts and one fixed doctor, a plan item's what and when, the
text limits, no personnummer in what staff write, and the one next step."""

from datetime import UTC, date, datetime, timedelta

import pytest

from nara.booking.domain.errors import InvalidRequest
from nara.booking.domain.patient_contract import (
    AGREEMENT_MAX_LENGTH,
    MAX_PLAN_ITEMS,
    PLAN_WHAT_MAX_LENGTH,
    Agreement,
    FixedContactChoice,
    NextStepKind,
    PlanItem,
    PlanStatus,
    PlanTiming,
    checked_fixed_contacts,
    checked_plan,
    next_step,
)

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
TODAY = date(2026, 12, 7)  # a Monday


def nurse(n: int) -> FixedContactChoice:
    return FixedContactChoice(f"SE2321000115-P00000000{n:02d}", is_doctor=False)


DOCTOR = FixedContactChoice("SE2321000115-P000000101", is_doctor=True, fixed_doctor=True)


def test_nine_fixed_care_contacts_and_one_fixed_doctor_are_allowed():
    chosen = [nurse(n) for n in range(9)] + [DOCTOR]
    assert len(checked_fixed_contacts(chosen)) == 10


def test_a_tenth_fixed_care_contact_is_refused():
    with pytest.raises(InvalidRequest, match="högst 9"):
        checked_fixed_contacts([nurse(n) for n in range(10)])


def test_two_fixed_doctors_are_refused():
    other = FixedContactChoice("SE2321000115-P000000102", is_doctor=True, fixed_doctor=True)
    with pytest.raises(InvalidRequest, match="en fast läkarkontakt"):
        checked_fixed_contacts([DOCTOR, other])


def test_the_fixed_doctor_must_be_a_doctor():
    with pytest.raises(InvalidRequest, match="måste vara en läkare"):
        checked_fixed_contacts([FixedContactChoice("SE2321000115-P000000201", is_doctor=False, fixed_doctor=True)])


def test_one_practitioner_named_twice_is_refused():
    with pytest.raises(InvalidRequest, match="två gånger"):
        checked_fixed_contacts([nurse(1), nurse(1)])


def test_an_agreement_needs_some_text_and_keeps_it_trimmed():
    agreement = Agreement.written("  Vi ringer dig varje månad. ", "", by="SE2321000115-P000000101", at=NOW)
    assert agreement.care_does == "Vi ringer dig varje månad."
    with pytest.raises(InvalidRequest, match="Skriv vad vården gör"):
        Agreement.written(" ", "", by="SE2321000115-P000000101", at=NOW)


def test_an_agreement_longer_than_the_limit_is_refused_with_the_count():
    with pytest.raises(InvalidRequest, match=f"högst {AGREEMENT_MAX_LENGTH} tecken"):
        Agreement.written("x" * (AGREEMENT_MAX_LENGTH + 1), "", by="SE2321000115-P000000101", at=NOW)


def test_an_agreement_with_a_personnummer_in_it_is_refused():
    with pytest.raises(InvalidRequest, match="personnummer"):
        Agreement.written("Ring 19121212-1212 om svaret.", "", by="SE2321000115-P000000101", at=NOW)


def test_control_characters_are_refused_and_line_breaks_kept():
    agreement = Agreement.written("Rad ett.\nRad två.", "", by="SE2321000115-P000000101", at=NOW)
    assert agreement.care_does == "Rad ett.\nRad två."
    with pytest.raises(InvalidRequest, match="tecken"):
        PlanItem.of("Blod\x00prov", "", PlanTiming.WHEN_SUITS, None)


def test_a_plan_item_needs_what_and_when():
    with pytest.raises(InvalidRequest, match="vad som ska göras"):
        PlanItem.of("  ", "Sjuksköterska", PlanTiming.ON_DAY, TODAY)
    with pytest.raises(InvalidRequest, match="Ange när"):
        PlanItem.of("Ta blodprov", "", PlanTiming.ON_DAY, None)
    with pytest.raises(InvalidRequest, match=f"högst {PLAN_WHAT_MAX_LENGTH}"):
        PlanItem.of("x" * (PLAN_WHAT_MAX_LENGTH + 1), "", PlanTiming.WHEN_SUITS, None)


def test_a_week_is_kept_as_its_monday_and_when_it_suits_has_no_day():
    assert PlanItem.of("Blodtryck", "", PlanTiming.IN_WEEK, date(2026, 12, 10)).day == date(2026, 12, 7)
    assert PlanItem.of("Promenera", "Du", PlanTiming.WHEN_SUITS, date(2026, 12, 10)).day is None


def test_a_plan_has_at_most_thirty_items():
    items = [PlanItem.of(f"Steg {n}", "", PlanTiming.WHEN_SUITS, None) for n in range(MAX_PLAN_ITEMS + 1)]
    with pytest.raises(InvalidRequest, match=f"högst {MAX_PLAN_ITEMS}"):
        checked_plan(items)


def test_the_next_step_is_the_nearest_coming_agreed_time_first():
    soon, later = NOW + timedelta(days=2), NOW + timedelta(days=9)
    plan = [PlanItem.of("Blodprov", "", PlanTiming.ON_DAY, TODAY)]
    step = next_step([later, NOW - timedelta(days=1), soon], plan, NOW, TODAY)
    assert step.kind is NextStepKind.AGREED_TIME and step.time == soon


def test_without_a_coming_time_the_next_step_is_the_nearest_planned_activity():
    suits = PlanItem.of("Promenera", "", PlanTiming.WHEN_SUITS, None)
    next_week = PlanItem.of("Blodtryck", "", PlanTiming.IN_WEEK, TODAY + timedelta(days=7))
    tomorrow = PlanItem.of("Blodprov", "", PlanTiming.ON_DAY, TODAY + timedelta(days=1))
    passed = PlanItem.of("Röntgen", "", PlanTiming.ON_DAY, TODAY - timedelta(days=1))
    done = PlanItem.of("Vaccin", "", PlanTiming.ON_DAY, TODAY, PlanStatus.DONE)
    step = next_step([NOW - timedelta(hours=1)], [suits, next_week, passed, done, tomorrow], NOW, TODAY)
    assert step.kind is NextStepKind.PLANNED_ACTIVITY and step.activity == tomorrow
    assert next_step([], [suits, passed], NOW, TODAY).activity == suits


def test_a_week_item_stays_ahead_until_its_sunday():
    this_week = PlanItem.of("Blodtryck", "", PlanTiming.IN_WEEK, TODAY)
    assert this_week.still_ahead(TODAY + timedelta(days=6))
    assert not this_week.still_ahead(TODAY + timedelta(days=7))


def test_with_nothing_ahead_the_next_step_is_to_contact_the_care_unit():
    cancelled = PlanItem.of("Blodprov", "", PlanTiming.ON_DAY, TODAY, PlanStatus.CANCELLED)
    assert next_step([], [cancelled], NOW, TODAY).kind is NextStepKind.CONTACT_UNIT
