"""Reminders: which one is due when (the moments), the offsets a time type may have, and what a reminder says."""

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nara.booking.domain.errors import InvalidRequest
from nara.booking.domain.reminders import DueReminders, due_reminders, reminder_hours, reminder_key
from nara.booking.domain.schedule import BookingChannel, TimeType
from nara.booking.domain.waitlist import Reach, ReachBy
from nara.booking.service.reminder_records import TimeToRemind
from nara.booking.service.reminder_text import reminder_text
from nara.shared.messaging import Channel, Message, sms_parts

# Tuesday 8 December 2026, 09:00 in Stockholm (08:00 UTC).
START = datetime(2026, 12, 8, 8, 0, tzinfo=UTC)
BOOKED = START - timedelta(days=5)
HOUR = timedelta(hours=1)
NURSE = TimeType(
    "SSK",
    "Besök hos sjuksköterska",
    "nurse",
    "clinic",
    timedelta(minutes=20),
    BookingChannel.WEB,
    True,
    True,
    timedelta(hours=24),
    timedelta(hours=24),
    False,
)
APPOINTMENT = uuid.UUID("7f1c1a52-0000-4000-8000-000000000001")


def due(now, *, booked=BOOKED, offsets=(24, 2), handled=()):
    return due_reminders(START, booked, offsets, handled, now)


def test_nothing_is_due_before_the_first_moment():
    assert due(START - 25 * HOUR) == DueReminders(None, ())


def test_the_24_hour_reminder_comes_at_24_hours_and_the_2_hour_one_at_2_hours():
    assert due(START - 24 * HOUR) == DueReminders(24, ())
    assert due(START - 3 * HOUR, handled=[24]) == DueReminders(None, ())
    assert due(START - 2 * HOUR, handled=[24]) == DueReminders(2, ())


def test_a_job_away_for_a_while_sends_only_the_latest_reminder_and_lets_the_stale_one_go():
    assert due(START - 1 * HOUR) == DueReminders(2, (24,))


def test_a_time_booked_less_than_the_offset_ahead_gets_only_the_later_reminders():
    booked = START - 10 * HOUR
    assert due(booked, booked=booked) == DueReminders(None, (24,))
    assert due(START - 2 * HOUR, booked=booked, handled=[24]) == DueReminders(2, ())


def test_a_time_booked_after_every_moment_gets_no_reminder():
    booked = START - 30 * timedelta(minutes=1)
    assert due(booked, booked=booked) == DueReminders(None, (24, 2))


def test_no_reminder_once_the_time_has_begun():
    assert due(START) == DueReminders(None, ())
    assert due(START + HOUR) == DueReminders(None, ())


@given(
    offsets=st.lists(st.integers(1, 168), max_size=3),
    booked_before=st.integers(0, 400),
    now_before=st.integers(-5, 400),
)
def test_at_most_one_reminder_is_sent_at_a_time_and_never_one_whose_moment_is_before_the_booking(
    offsets, booked_before, now_before
):
    booked, now = START - booked_before * HOUR, START - now_before * HOUR
    if now < booked:
        return
    result = due(now, booked=booked, offsets=offsets)
    if result.send is not None:
        moment = START - result.send * HOUR
        assert booked <= moment <= now < START
        # the latest moment that has come is the one sent
        assert all(START - h * HOUR > now or h >= result.send for h in offsets)
    assert result.send not in result.superseded


@pytest.mark.parametrize(
    ("given", "kept"), [([24, 2], (24, 2)), ([2, 24, 2], (24, 2)), ([], ()), ([168, 1, 48], (168, 48, 1))]
)
def test_a_time_type_has_none_to_three_offsets_of_1_to_168_hours(given, kept):
    assert reminder_hours(given) == kept


@pytest.mark.parametrize("wrong", [[0], [169], [1, 2, 3, 4], [-2]])
def test_wrong_offsets_are_refused_in_swedish(wrong):
    with pytest.raises(InvalidRequest):
        reminder_hours(wrong)


def test_a_reminder_key_names_the_appointment_and_the_offset():
    assert reminder_key(APPOINTMENT, 24) == f"reminder-{APPOINTMENT}-24h"


def time_to_remind(time_type=NURSE, phone="0346-88 60 00", choice=ReachBy.EMAIL):
    return TimeToRemind(
        appointment_id=APPOINTMENT,
        patient="p-1",
        booked_at=BOOKED,
        start_at=START,
        time_type=time_type,
        unit_name="Falkenbergs vårdcentral",
        unit_address="Storgatan 1, Falkenberg",
        unit_phone=phone,
        handled=frozenset(),
        choice=Reach(choice, "patient@example.se"),
    )


def test_an_email_reminder_gives_the_time_in_stockholm_the_unit_its_phone_and_a_link_to_change_it():
    text = reminder_text(time_to_remind(), Channel.EMAIL, now=START - 48 * HOUR, base_url="https://boka.example.se/")

    assert text.subject == "Påminnelse: bokad tid tisdag 8 december kl. 09:00"
    assert "När: tisdag 8 december kl. 09:00" in text.body
    assert "Vad: Besök hos sjuksköterska" in text.body
    assert "Var: Falkenbergs vårdcentral, Storgatan 1, Falkenberg" in text.body
    assert f"https://boka.example.se/mina-tider/{APPOINTMENT}" in text.body
    assert "ring Falkenbergs vårdcentral på 0346-88 60 00" in text.body
    Message(Channel.EMAIL, "patient@example.se", text.body, text.subject)  # no personnummer, a valid message


def test_a_time_past_its_web_notice_says_ring_the_unit_to_cancel_and_gives_no_link():
    text = reminder_text(time_to_remind(), Channel.EMAIL, now=START - 2 * HOUR, base_url="https://boka.example.se")

    assert "Ring Falkenbergs vårdcentral på 0346-88 60 00 för att avboka" in text.body
    assert "mina-tider" not in text.body


def test_a_time_type_never_changed_on_the_web_gets_no_link_even_a_week_ahead():
    closed = replace(NURSE, web_cancel_allowed=False, web_rebook_allowed=False)
    text = reminder_text(time_to_remind(closed), Channel.EMAIL, now=START - 100 * HOUR, base_url="https://b.se")

    assert "mina-tider" not in text.body
    assert "för att avboka" in text.body


def test_an_sms_reminder_is_short_and_plain():
    text = reminder_text(time_to_remind(), Channel.SMS, now=START - 24 * HOUR, base_url="https://boka.example.se")

    assert text.subject == ""
    assert text.body.startswith("Påminnelse: Besök hos sjuksköterska tisdag 8 december kl. 09:00")
    assert f"https://boka.example.se/mina-tider/{APPOINTMENT}" in text.body
    assert sms_parts(text.body) <= 2
    Message(Channel.SMS, "+46701234567", text.body)


def test_a_unit_without_a_phone_number_is_named_instead():
    text = reminder_text(time_to_remind(phone=""), Channel.SMS, now=START - 2 * HOUR, base_url="https://b.se")

    assert "Kontakta Falkenbergs vårdcentral för att avboka" in text.body
