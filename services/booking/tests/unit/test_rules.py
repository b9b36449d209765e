"""Web booking's rules: notice, what a triaged contact may book, and patient-chosen wait."""

from datetime import UTC, datetime, timedelta

import pytest

from nara.booking.domain import rules
from nara.booking.domain.errors import (
    ContactNotBookable,
    InvalidRequest,
    NotAllowedOnWeb,
    NoticeTooShort,
    SlotNotBookable,
)
from nara.booking.domain.schedule import BookingChannel, TimeType

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
DOCTOR = TimeType(
    "LAK",
    "Läkarbesök",
    "doctor",
    "clinic",
    timedelta(minutes=20),
    BookingChannel.TRIAGED,
    True,
    True,
    timedelta(hours=24),
    timedelta(hours=12),
    True,
)
NO_WEB_CHANGES = TimeType(
    "HEM",
    "Hembesök",
    "district_nurse",
    "home",
    timedelta(minutes=45),
    BookingChannel.WEB,
    False,
    False,
    timedelta(0),
    timedelta(0),
    False,
)


def contact(**changes) -> rules.TriagedContact:
    base = dict(
        contact_id="c1",
        patient="p_1",
        unit="U1",
        sought_at=NOW,
        guarantee_deadline=NOW + timedelta(days=3),
        care_level="within_3_days",
        professions=("doctor", "nurse"),
        closed=False,
        offered_within_guarantee=True,
    )
    return rules.TriagedContact(**{**base, **changes})


def test_a_citizen_cancels_only_with_the_time_types_notice():
    rules.ensure_citizen_may_change("cancel", DOCTOR, NOW + timedelta(hours=24), NOW)
    with pytest.raises(NoticeTooShort, match="minst 24 timmar"):
        rules.ensure_citizen_may_change("cancel", DOCTOR, NOW + timedelta(hours=23, minutes=59), NOW)


def test_rebook_notice_is_set_apart_from_cancel_notice():
    rules.ensure_citizen_may_change("rebook", DOCTOR, NOW + timedelta(hours=13), NOW)
    with pytest.raises(NoticeTooShort, match="omboka"):
        rules.ensure_citizen_may_change("rebook", DOCTOR, NOW + timedelta(hours=11), NOW)


def test_a_time_type_closed_to_web_changes_refuses_citizens():
    with pytest.raises(NotAllowedOnWeb, match="Ring din vårdcentral"):
        rules.ensure_citizen_may_change("cancel", NO_WEB_CHANGES, NOW + timedelta(days=5), NOW)


def test_nothing_in_the_past_is_bookable():
    with pytest.raises(SlotNotBookable):
        rules.ensure_bookable_now(NOW, NOW)


def test_hidden_time_types_open_only_to_a_triaged_contact_for_their_profession():
    rules.ensure_time_type_open_to(DOCTOR, contact(), by_staff=False)
    rules.ensure_time_type_open_to(DOCTOR, None, by_staff=True)
    with pytest.raises(NotAllowedOnWeb):
        rules.ensure_time_type_open_to(DOCTOR, None, by_staff=False)
    with pytest.raises(NotAllowedOnWeb):
        rules.ensure_time_type_open_to(DOCTOR, contact(professions=("physiotherapist",)), by_staff=False)


@pytest.mark.parametrize("care_level", ["call_112", "emergency_now", "within_hours", "self_care"])
def test_urgent_and_self_care_contacts_are_not_booked_on_the_web(care_level):
    with pytest.raises(ContactNotBookable):
        rules.ensure_contact_may_book(contact(care_level=care_level), "p_1", DOCTOR, NOW + timedelta(hours=3), NOW)


def test_a_same_day_contact_books_only_today_in_stockholm():
    same_day = contact(care_level="same_day")
    rules.ensure_contact_may_book(same_day, "p_1", DOCTOR, datetime(2026, 11, 23, 22, 30, tzinfo=UTC), NOW)
    with pytest.raises(ContactNotBookable, match="i dag"):
        rules.ensure_contact_may_book(same_day, "p_1", DOCTOR, datetime(2026, 11, 23, 23, 0, tzinfo=UTC), NOW)


def test_another_persons_or_a_closed_contact_cannot_be_used():
    with pytest.raises(ContactNotBookable):
        rules.ensure_contact_may_book(contact(), "p_other", DOCTOR, NOW + timedelta(hours=3), NOW)
    with pytest.raises(ContactNotBookable, match="avslutat"):
        rules.ensure_contact_may_book(contact(closed=True), "p_1", DOCTOR, NOW + timedelta(hours=3), NOW)


def test_a_later_time_chosen_after_earlier_ones_were_shown_is_the_patients_own_wait():
    deadline = NOW + timedelta(days=3)
    assert rules.patient_chose_to_wait(contact(), deadline + timedelta(minutes=1), booked_by_patient=True)
    assert not rules.patient_chose_to_wait(contact(), deadline, booked_by_patient=True)  # ends exactly at it
    assert not rules.patient_chose_to_wait(
        contact(offered_within_guarantee=False), deadline + timedelta(days=1), booked_by_patient=True
    )
    assert not rules.patient_chose_to_wait(contact(), deadline + timedelta(days=1), booked_by_patient=False)


def test_a_contact_serves_its_own_patient_and_staff_only_where_it_was_sought_or_listed():
    """Issue 13 (OWASP API1): another unit's staff, or another patient, are never given a contact to book on."""
    sought_at_u1_listed_at_u2 = contact(unit="U1", listed_unit="U2")
    assert rules.may_use_contact(sought_at_u1_listed_at_u2, "p_1", None)
    assert not rules.may_use_contact(sought_at_u1_listed_at_u2, "p_other", None)
    assert rules.may_use_contact(sought_at_u1_listed_at_u2, None, ("U2",))
    assert rules.may_use_contact(sought_at_u1_listed_at_u2, "p_1", ("U1", "U3"))
    assert not rules.may_use_contact(sought_at_u1_listed_at_u2, None, ("U3",))
    assert not rules.may_use_contact(sought_at_u1_listed_at_u2, "p_other", ("U1",))
    assert not rules.may_use_contact(contact(unit=None), None, ("U1",))  # where it was sought is not known yet


def test_text_with_a_personnummer_is_refused_in_swedish():
    """Issue 13, finding 3: what a person writes is never kept or published with a personnummer in it."""
    rules.ensure_no_personnummer("Hosta sedan två veckor")
    rules.ensure_no_personnummer(None)
    with pytest.raises(InvalidRequest, match="Skriv inte personnummer"):
        rules.ensure_no_personnummer("Gäller 19121212-1212")
