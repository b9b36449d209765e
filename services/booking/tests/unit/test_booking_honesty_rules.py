"""Issue 17: what a citizen is told before booking (web change terms), finding a time (day parts, the date filter),
the booking reference and the calendar file, as rules with no server behind them."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from icalendar import Calendar

from nara.booking.domain import rules
from nara.booking.domain.appointment import AppointmentStatus
from nara.booking.domain.day_parts import DayPart, starts_in
from nara.booking.domain.errors import NoticeTooShort
from nara.booking.domain.reference import ALPHABET, booking_reference
from nara.booking.domain.schedule import BookingChannel, TimeType
from nara.booking.domain.web_changes import WebChangeTerms, terms_of
from nara.booking.entrypoints.calendar_file import appointment_calendar
from nara.booking.entrypoints.pages.slots import change_text, short_change_text
from nara.booking.entrypoints.pages.time_filters import TimeFilter, quick_days, read_filter
from nara.booking.service.records import AppointmentRecord, CareUnit
from nara.shared.clock import STOCKHOLM

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)  # Monday 10:00 in Stockholm
TODAY = date(2026, 12, 7)
PHONE = "0346-85 00 00"


def time_type(*, cancel: bool = True, rebook: bool = True, notice_hours: int = 24, rebook_hours: int | None = None):
    return TimeType(
        "SSK",
        "Sjuksköterskebesök",
        "nurse",
        "clinic",
        timedelta(minutes=20),
        BookingChannel.WEB,
        cancel,
        rebook,
        timedelta(hours=notice_hours),
        timedelta(hours=notice_hours if rebook_hours is None else rebook_hours),
        False,
    )


# --- the change terms told before booking are the rule that refuses a late change after it ---


@pytest.mark.parametrize("start_in_hours", [1, 23, 24, 25, 72])
def test_the_terms_shown_before_booking_agree_with_the_refusal_after_it(start_in_hours):
    kind = time_type()
    start = NOW + timedelta(hours=start_in_hours)
    terms = terms_of(kind, start)
    try:
        rules.ensure_citizen_may_change("cancel", kind, start, NOW)
        refused = False
    except NoticeTooShort:
        refused = True
    assert terms.may_cancel(NOW) is not refused


def test_a_same_day_time_with_a_days_notice_can_never_be_changed_on_the_web_and_says_ring_the_unit():
    terms = terms_of(time_type(), NOW + timedelta(hours=3))
    assert not terms.any_change(NOW)
    said = change_text(terms, NOW, PHONE)
    assert said == (
        f"Tiden går inte att avboka eller omboka på webben. Ring vårdcentralen på {PHONE} om du inte kan komma."
    )


def test_a_later_time_says_until_when_in_stockholm_time():
    start = datetime(2026, 12, 10, 8, 0, tzinfo=UTC)  # Thursday 09:00 in Stockholm
    said = change_text(terms_of(time_type(), start), NOW, PHONE)
    assert said == "Du kan avboka eller omboka på webben senast onsdag 9 december kl. 09:00."


def test_a_time_that_can_be_cancelled_but_not_rebooked_says_both():
    start = NOW + timedelta(days=3)
    said = change_text(terms_of(time_type(rebook=False, notice_hours=2), start), NOW, PHONE)
    assert said.startswith("Du kan avboka på webben senast ")
    assert f"ring vårdcentralen på {PHONE} för att flytta den" in said


def test_different_notices_for_cancel_and_rebook_are_both_told():
    start = NOW + timedelta(days=3)
    said = change_text(terms_of(time_type(notice_hours=24, rebook_hours=48), start), NOW, PHONE)
    assert said == (
        "Du kan avboka på webben senast onsdag 9 december kl. 10:00 och omboka senast tisdag 8 december kl. 10:00."
    )


def test_a_time_type_closed_to_web_changes_has_no_terms():
    assert terms_of(time_type(cancel=False, rebook=False), NOW + timedelta(days=5)) == WebChangeTerms(None, None)


# --- parts of the day, on Stockholm's wall clock on both sides of daylight saving ---


@pytest.mark.parametrize(
    ("utc", "part"),
    [
        (datetime(2026, 12, 7, 10, 59, tzinfo=UTC), DayPart.MORNING),  # 11:59 winter time
        (datetime(2026, 12, 7, 11, 0, tzinfo=UTC), DayPart.AFTERNOON),  # 12:00
        (datetime(2026, 12, 7, 16, 0, tzinfo=UTC), DayPart.EVENING),  # 17:00
        (datetime(2026, 6, 8, 9, 59, tzinfo=UTC), DayPart.MORNING),  # 11:59 summer time
        (datetime(2026, 6, 8, 10, 0, tzinfo=UTC), DayPart.AFTERNOON),  # 12:00 summer time
    ],
)
def test_a_time_belongs_to_one_part_of_the_day_by_the_stockholm_clock(utc, part):
    assert [p for p in DayPart if starts_in(p, utc)] == [part]


# --- the date filter ---


def test_next_wednesday_is_one_link_away_and_the_list_starts_that_day():
    links = quick_days(TimeFilter(), TODAY)
    wednesday = next(link for link in links if link.words.startswith("onsdag"))
    assert wednesday.href == "/tider?datum=2026-12-09"
    chosen, error = read_filter({"datum": "2026-12-09"}, TODAY)
    start, end = chosen.window(NOW)
    assert error is None
    assert start == datetime(2026, 12, 9, 0, 0, tzinfo=STOCKHOLM)
    assert end == datetime(2026, 12, 23, 0, 0, tzinfo=STOCKHOLM)


def test_the_filter_is_kept_in_every_link_and_a_bad_date_is_said_without_losing_the_rest():
    chosen, error = read_filter({"datum": "9 dec", "del": "eftermiddag", "form": "phone", "sida": "3"}, TODAY)
    assert error == "Skriv datumet som år-månad-dag, till exempel 2026-12-08."
    assert (chosen.day_part, chosen.contact_form, chosen.page, chosen.typed_day) == ("eftermiddag", "phone", 3, "9 dec")
    assert chosen.fields() == [("del", "eftermiddag"), ("form", "phone"), ("sida", "3")]
    assert read_filter({"datum": "2026-12-01"}, TODAY)[1] == "Välj i dag eller ett senare datum."


def test_without_a_date_the_list_starts_now_and_ends_at_a_stockholm_midnight():
    start, end = TimeFilter().window(NOW)
    assert start == NOW
    assert end == datetime(2026, 12, 21, 0, 0, tzinfo=STOCKHOLM)


def test_odd_parts_of_the_day_and_contact_forms_are_ignored():
    chosen, error = read_filter({"del": "natt", "form": "brevduva", "sida": "-1"}, TODAY)
    assert error is None and chosen == TimeFilter()


# --- the booking reference ---


def test_the_booking_reference_is_short_readable_and_the_same_every_time():
    appointment = uuid.UUID("6f1c2a4e-8d3b-4c55-9a77-0e1f2a3b4c5d")
    reference = booking_reference(appointment)
    assert reference == booking_reference(appointment)
    assert len(reference) == 14 and reference.count("-") == 2
    assert set(reference.replace("-", "")) <= set(ALPHABET)
    assert not set("ILOU") & set(reference)


def test_ten_thousand_appointments_have_ten_thousand_references():
    assert len({booking_reference(uuid.uuid4()) for _ in range(10_000)}) == 10_000


# --- the calendar file ---


def appointment(start: datetime, **changes) -> AppointmentRecord:
    fields = {
        "id": uuid.UUID("6f1c2a4e-8d3b-4c55-9a77-0e1f2a3b4c5d"),
        "lineage": uuid.uuid4(),
        "slot_id": uuid.uuid4(),
        "patient": "pseudonym-abc",
        "unit": "SE2321000115-E00000000011",
        "unit_name": "Vårdcentralen Falkenberg",
        "unit_address": "Storgatan 40, 311 31 Falkenberg",
        "contact_id": "c-1",
        "status": AppointmentStatus.BOOKED,
        "booked_by": "patient",
        "reason": "Hosta sedan två veckor",
        "earlier_time_offered_within_guarantee": False,
        "replaces": None,
        "created_at": NOW,
        "start_at": start,
        "end_at": start + timedelta(minutes=20),
        "practitioner": "SE2321000115-P000000011",
        "practitioner_name": "Anna Lindqvist",
        "profession": "doctor",
        "contact_form": "clinic",
        "time_type": "LAK_BESOK",
        "time_type_name": "Läkarbesök",
        "ended_at": None,
        "end_reason": None,
        "medical_assessment": None,
    }
    return AppointmentRecord(**{**fields, **changes})


UNIT = CareUnit("SE2321000115-E00000000011", "Vårdcentralen Falkenberg", "Storgatan 40, 311 31 Falkenberg", [], PHONE)


@pytest.mark.parametrize(
    ("start", "stockholm"),
    [
        (datetime(2026, 12, 9, 8, 0, tzinfo=UTC), "09:00"),  # winter time
        (datetime(2027, 3, 29, 7, 0, tzinfo=UTC), "09:00"),  # the day after the clocks went forward
    ],
)
def test_the_calendar_file_parses_and_starts_at_the_booked_stockholm_time(start, stockholm):
    parsed = Calendar.from_ical(appointment_calendar(appointment(start), UNIT, NOW))
    (event,) = parsed.walk("VEVENT")
    begins = event.decoded("dtstart")
    assert begins == start
    assert begins.astimezone(STOCKHOLM).strftime("%H:%M") == stockholm
    assert event.decoded("dtend") - begins == timedelta(minutes=20)
    assert str(event["summary"]) == "Läkarbesök hos Anna Lindqvist, Vårdcentralen Falkenberg"
    assert str(event["location"]) == "Vårdcentralen Falkenberg, Storgatan 40, 311 31 Falkenberg"
    assert str(event["uid"]) == "6f1c2a4e-8d3b-4c55-9a77-0e1f2a3b4c5d@booking.nara.se"
    assert PHONE in str(event["description"])


def test_the_calendar_file_says_nothing_of_who_the_patient_is_or_why():
    text = appointment_calendar(
        appointment(datetime(2026, 12, 9, 8, 0, tzinfo=UTC), patient="19121212-1212"), UNIT, NOW
    ).decode()
    assert "1212" not in text and "Hosta" not in text


def test_the_list_says_the_same_in_few_words_and_the_earlier_deadline_when_they_differ():
    start = NOW + timedelta(days=3)
    assert short_change_text(terms_of(time_type(), NOW + timedelta(hours=3)), NOW, PHONE) == (
        f"Kan inte avbokas på webben: ring {PHONE}."
    )
    assert short_change_text(terms_of(time_type(notice_hours=24, rebook_hours=48), start), NOW, PHONE) == (
        "Avboka eller omboka på webben senast tisdag 8 december kl. 10:00."
    )
    assert short_change_text(terms_of(time_type(rebook=False), start), NOW, PHONE) == (
        "Avboka på webben senast onsdag 9 december kl. 10:00."
    )
