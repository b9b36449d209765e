from datetime import UTC, datetime, timedelta

import pytest

from nara.shared.clock import STOCKHOLM, SettableClock, SystemClock, to_stockholm


def test_the_system_clock_gives_the_current_moment_in_utc():
    before = datetime.now(UTC)
    now = SystemClock().now()
    after = datetime.now(UTC)

    assert now.utcoffset() == timedelta(0)
    assert before <= now <= after


def test_a_settable_clock_stands_still_until_set_and_always_answers_in_utc():
    clock = SettableClock(datetime(2025, 6, 2, 9, 0, tzinfo=STOCKHOLM))

    assert clock.now() == datetime(2025, 6, 2, 7, 0, tzinfo=UTC)
    assert clock.now().tzinfo is UTC
    assert clock.now() == clock.now()

    clock.set(datetime(2025, 12, 24, 15, 0, tzinfo=STOCKHOLM))

    assert clock.now() == datetime(2025, 12, 24, 14, 0, tzinfo=UTC)
    assert clock.now().tzinfo is UTC


def test_advancing_across_the_spring_daylight_saving_change_adds_real_time():
    # 02:00 local time on 30 March 2025 does not exist: the clocks jump to 03:00.
    clock = SettableClock(datetime(2025, 3, 30, 1, 30, tzinfo=STOCKHOLM))

    clock.advance(timedelta(hours=1))

    assert clock.now() == datetime(2025, 3, 30, 1, 30, tzinfo=UTC)
    assert to_stockholm(clock.now()).isoformat() == "2025-03-30T03:30:00+02:00"


def test_advancing_across_the_autumn_daylight_saving_change_adds_real_time():
    clock = SettableClock(datetime(2025, 10, 26, 0, 30, tzinfo=UTC))  # 02:30 summer time

    clock.advance(timedelta(hours=1))

    assert to_stockholm(clock.now()).isoformat() == "2025-10-26T02:30:00+01:00"  # the hour is lived twice


@pytest.mark.parametrize(
    "use",
    [
        lambda naive: SettableClock(naive),
        lambda naive: SettableClock(datetime(2025, 1, 1, tzinfo=UTC)).set(naive),
        lambda naive: to_stockholm(naive),
    ],
)
def test_naive_datetimes_are_refused_with_a_message_that_says_what_is_missing(use):
    with pytest.raises(ValueError, match=r"naive datetime.*timezone"):
        use(datetime(2025, 1, 1, 12, 0))


def test_a_refused_set_leaves_the_clock_where_it_was():
    clock = SettableClock(datetime(2025, 1, 1, tzinfo=UTC))

    with pytest.raises(ValueError):
        clock.set(datetime(2030, 1, 1))

    assert clock.now() == datetime(2025, 1, 1, tzinfo=UTC)


def test_times_are_displayed_on_swedish_wall_clock_time_in_winter_and_summer():
    assert to_stockholm(datetime(2025, 1, 15, 10, 0, tzinfo=UTC)).isoformat() == "2025-01-15T11:00:00+01:00"
    assert to_stockholm(datetime(2025, 7, 15, 10, 0, tzinfo=UTC)).isoformat() == "2025-07-15T12:00:00+02:00"
