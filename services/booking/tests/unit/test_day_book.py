"""A time's state in the day's book, from what is stored on it (domain/day_book.py)."""

import uuid
from datetime import date, datetime, timedelta

import pytest

from nara.booking.domain.appointment import AppointmentStatus
from nara.booking.domain.day_book import BookingOnSlot, DayBookPractitioner, DayBookSlot, SlotState, day_bounds
from nara.booking.domain.schedule import BookingChannel, TimeType
from nara.booking.entrypoints.staff_pages.day_book_rows import slot_row
from nara.shared.clock import STOCKHOLM
from nara.shared.events.vocabulary import ContactForm, Profession

START = datetime(2026, 11, 25, 8, 0, tzinfo=STOCKHOLM)
DROP_IN = TimeType(
    "DSK_DROPIN",
    "Drop-in",
    Profession.DISTRICT_NURSE,
    ContactForm.CLINIC,
    timedelta(minutes=30),
    BookingChannel.WEB,
    True,
    False,
    timedelta(0),
    timedelta(0),
    False,
    capacity=4,
)


def booking(status: AppointmentStatus) -> BookingOnSlot:
    return BookingOnSlot(uuid.uuid4(), "p_patient", None, status, "staff", None, None, None)


def slot(*statuses: AppointmentStatus, capacity=1, holds=0, blocked=False, withdrawn=False) -> DayBookSlot:
    return DayBookSlot(
        id=uuid.uuid4(),
        practitioner="SE2321000115-P000000104",
        time_type=DROP_IN,
        start_at=START,
        end_at=START + timedelta(minutes=30),
        capacity=capacity,
        blocked=blocked,
        withdrawn_at=START - timedelta(days=1) if withdrawn else None,
        withdrawn_reason="Frånvaro" if withdrawn else None,
        live_holds=holds,
        bookings=tuple(booking(s) for s in statuses),
    )


@pytest.mark.parametrize(
    ("time", "state"),
    [
        (slot(), SlotState.FREE),
        (slot(holds=1), SlotState.HELD),
        (slot(AppointmentStatus.BOOKED), SlotState.BOOKED),
        (slot(AppointmentStatus.COMPLETED), SlotState.BOOKED),
        (slot(AppointmentStatus.NO_SHOW), SlotState.BOOKED),
        (slot(AppointmentStatus.CANCELLED), SlotState.FREE),
        (slot(AppointmentStatus.BOOKED, blocked=True), SlotState.BLOCKED),
        (slot(AppointmentStatus.BOOKED, blocked=True, withdrawn=True), SlotState.WITHDRAWN),
    ],
)
def test_a_times_state_follows_what_is_on_it(time, state):
    assert time.state is state


def test_a_drop_in_counts_its_places_taken_by_bookings_and_live_holds():
    time = slot(AppointmentStatus.BOOKED, AppointmentStatus.CANCELLED, AppointmentStatus.COMPLETED, capacity=4, holds=1)

    assert time.state is SlotState.BOOKED
    assert time.seated == 2 and time.free_seats == 1
    assert time.may_book(START - timedelta(hours=1))


def test_staff_book_only_a_time_with_a_free_place_that_has_not_begun():
    before = START - timedelta(minutes=1)

    assert slot().may_book(before)
    assert not slot().may_book(START)
    assert not slot(AppointmentStatus.BOOKED).may_book(before)
    assert not slot(blocked=True).may_book(before)
    assert not slot(withdrawn=True).may_book(before)


def test_only_the_bookings_on_a_withdrawn_time_are_to_move():
    kept = slot(AppointmentStatus.BOOKED, AppointmentStatus.CANCELLED, capacity=4, withdrawn=True)

    assert [b.status for b in kept.to_move] == [AppointmentStatus.BOOKED]
    assert slot(AppointmentStatus.BOOKED).to_move == ()
    assert not kept.may_block() and not kept.may_unblock()


def test_a_practitioner_is_active_on_the_days_of_their_employment_both_included():
    leaving = DayBookPractitioner(
        "SE2321000115-P000000104", "Karin", "district_nurse", date(2026, 1, 1), date(2026, 6, 30)
    )

    assert leaving.is_active_on(date(2026, 1, 1)) and leaving.is_active_on(date(2026, 6, 30))
    assert not leaving.is_active_on(date(2026, 7, 1)) and not leaving.is_active_on(date(2025, 12, 31))


@pytest.mark.parametrize(
    ("day", "hours"), [(date(2026, 3, 29), 23), (date(2026, 10, 25), 25), (date(2026, 11, 25), 24)]
)
def test_a_stockholm_day_is_23_or_25_hours_long_when_the_clock_changes(day, hours):
    starts, ends = day_bounds(day)

    assert ends - starts == timedelta(hours=hours)
    assert starts.astimezone(STOCKHOLM).hour == 0


def test_a_free_time_that_has_begun_reads_as_passed_with_nothing_to_do():
    free = slot()
    before, after = slot_row(free, {}, START - timedelta(minutes=1)), slot_row(free, {}, START)

    assert (before.state, before.may_block, before.may_book) == ("Ledig", True, True)
    assert (after.state, after.may_block, after.may_book) == ("Passerad", False, False)


def test_a_booked_time_that_has_begun_can_no_longer_be_blocked():
    booked = slot(AppointmentStatus.COMPLETED)

    row = slot_row(booked, {}, START + timedelta(minutes=5))

    assert (row.state, row.may_block) == ("Bokad", False)
