"""Slots from weekly templates, in Stockholm wall-clock time, across daylight-saving changes."""

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise

from nara.booking.domain.schedule import BookingChannel, TimeType, WeeklyTemplate, slot_id, slots_from_templates
from nara.shared.clock import STOCKHOLM

VISIT = TimeType(
    "SSK",
    "Sjuksköterskebesök",
    "nurse",
    "clinic",
    timedelta(minutes=30),
    BookingChannel.WEB,
    True,
    True,
    timedelta(hours=24),
    timedelta(hours=24),
    False,
)
NIGHT = TimeType(
    "NATT",
    "Nattjour",
    "nurse",
    "phone",
    timedelta(hours=1),
    BookingChannel.WEB,
    True,
    True,
    timedelta(0),
    timedelta(0),
    False,
)


def template(weekday: int, starts: str, ends: str, time_type: str = "SSK") -> WeeklyTemplate:
    return WeeklyTemplate("P1", "U1", time_type, weekday, time.fromisoformat(starts), time.fromisoformat(ends))


def test_a_week_across_the_spring_change_keeps_the_wall_clock_and_shifts_utc():
    # 29 March 2026 is the Sunday the clocks go forward; Friday before and Monday after.
    templates = [template(5, "08:00", "09:00"), template(1, "08:00", "09:00")]

    slots = slots_from_templates(templates, {"SSK": VISIT}, date(2026, 3, 27), date(2026, 3, 30))

    assert [s.start_at.astimezone(STOCKHOLM).strftime("%a %H:%M") for s in slots] == [
        "Fri 08:00",
        "Fri 08:30",
        "Mon 08:00",
        "Mon 08:30",
    ]
    assert slots[0].start_at == datetime(2026, 3, 27, 7, 0, tzinfo=UTC)
    assert slots[2].start_at == datetime(2026, 3, 30, 6, 0, tzinfo=UTC)
    assert all(s.end_at - s.start_at == timedelta(minutes=30) for s in slots)


def test_a_week_across_the_autumn_change_keeps_the_wall_clock():
    slots = slots_from_templates(
        [template(5, "08:00", "08:30"), template(1, "08:00", "08:30")],
        {"SSK": VISIT},
        date(2026, 10, 23),
        date(2026, 10, 26),
    )

    assert [s.start_at for s in slots] == [
        datetime(2026, 10, 23, 6, 0, tzinfo=UTC),
        datetime(2026, 10, 26, 7, 0, tzinfo=UTC),
    ]


def test_the_hour_the_clock_skips_gets_no_slot():
    slots = slots_from_templates(
        [template(7, "01:00", "04:00", "NATT")], {"NATT": NIGHT}, date(2026, 3, 29), date(2026, 3, 29)
    )

    local_starts = [s.start_at.astimezone(STOCKHOLM).strftime("%H:%M") for s in slots]
    # 02:00 does not exist that night: the 01:00 slot would end in it, the 02:00 one start in it.
    assert local_starts == ["03:00"]
    assert slots[0].end_at - slots[0].start_at == timedelta(hours=1)


def test_the_hour_the_clock_repeats_gives_slots_as_long_as_their_time_type():
    # 25 October 2026: at 03:00 summer time the clock goes back to 02:00, so 02:00-03:00 happens twice.
    slots = slots_from_templates(
        [template(7, "01:00", "04:00", "NATT")], {"NATT": NIGHT}, date(2026, 10, 25), date(2026, 10, 25)
    )

    assert all(s.end_at - s.start_at == timedelta(hours=1) for s in slots)
    assert [s.start_at for s in slots] == [datetime(2026, 10, 24, hour, tzinfo=UTC) for hour in (23,)] + [
        datetime(2026, 10, 25, hour, tzinfo=UTC) for hour in (0, 1, 2)
    ]
    assert [s.start_at.astimezone(STOCKHOLM).strftime("%H:%M%z") for s in slots] == [
        "01:00+0200",
        "02:00+0200",
        "02:00+0100",
        "03:00+0100",
    ]
    assert len({s.id for s in slots}) == 4  # the two 02:00 slots are different times


def test_half_hour_slots_through_the_repeated_hour_neither_overlap_nor_stretch():
    slots = slots_from_templates(
        [template(7, "01:30", "03:30", "SSK")], {"SSK": VISIT}, date(2026, 10, 25), date(2026, 10, 25)
    )

    assert all(s.end_at - s.start_at == timedelta(minutes=30) for s in slots)
    assert all(earlier.end_at == later.start_at for earlier, later in pairwise(slots))
    assert slots[0].start_at == datetime(2026, 10, 24, 23, 30, tzinfo=UTC)
    assert slots[-1].end_at == datetime(2026, 10, 25, 2, 30, tzinfo=UTC)  # 03:30 winter time


def test_generating_the_same_days_twice_gives_the_same_slot_ids():
    first = slots_from_templates(
        [template(2, "08:00", "10:00")], {"SSK": VISIT}, date(2026, 11, 24), date(2026, 11, 24)
    )
    second = slots_from_templates(
        [template(2, "08:00", "10:00")], {"SSK": VISIT}, date(2026, 11, 24), date(2026, 11, 24)
    )

    assert [s.id for s in first] == [s.id for s in second]
    assert len(first) == 4 and first[0].id == slot_id("P1", first[0].start_at, first[0].time_type, first[0].end_at)


def test_a_drop_in_time_type_gives_slots_with_its_capacity():
    drop_in = TimeType(
        "DROP",
        "Drop-in",
        "district_nurse",
        "clinic",
        timedelta(minutes=30),
        BookingChannel.WEB,
        True,
        False,
        timedelta(hours=2),
        timedelta(hours=2),
        False,
        capacity=4,
    )

    [slot] = slots_from_templates(
        [template(3, "13:00", "13:30", "DROP")], {"DROP": drop_in}, date(2026, 11, 25), date(2026, 11, 25)
    )

    assert slot.capacity == 4 and drop_in.is_drop_in
