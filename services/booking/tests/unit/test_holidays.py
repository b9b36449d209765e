"""Swedish public holidays are computed (Lag 1989:253 om allmänna helgdagar), and no slot falls on one."""

from datetime import date, time, timedelta

import pytest

from nara.booking.domain.holidays import HolidayCalendar, eves, public_holidays
from nara.booking.domain.schedule import BookingChannel, TimeType, WeeklyTemplate, slots_from_templates


def test_the_moving_holidays_of_2026_and_2027():
    holidays_2026, holidays_2027 = public_holidays(2026), public_holidays(2027)

    assert {day: name for day, name in holidays_2026.items() if day.month in (4, 5, 6)} == {
        date(2026, 4, 3): "långfredagen",
        date(2026, 4, 5): "påskdagen",
        date(2026, 4, 6): "annandag påsk",
        date(2026, 5, 1): "första maj",
        date(2026, 5, 14): "kristi himmelsfärdsdag",
        date(2026, 5, 24): "pingstdagen",
        date(2026, 6, 6): "Sveriges nationaldag",
        date(2026, 6, 20): "midsommardagen",
    }
    assert holidays_2026[date(2026, 10, 31)] == "alla helgons dag"
    assert holidays_2027[date(2027, 3, 26)] == "långfredagen" and holidays_2027[date(2027, 3, 29)] == "annandag påsk"
    assert holidays_2027[date(2027, 6, 26)] == "midsommardagen"  # the last Saturday it may fall on
    assert holidays_2027[date(2027, 11, 6)] == "alla helgons dag"  # 31 October 2027 is a Sunday
    assert eves(2026)[date(2026, 6, 19)] == "midsommarafton"


@pytest.mark.parametrize("year", range(2000, 2101))
def test_midsummer_and_all_saints_are_saturdays_in_their_weeks(year):
    by_name = {name: day for day, name in public_holidays(year).items()}

    assert by_name["midsommardagen"].weekday() == 5 and date(year, 6, 20) <= by_name["midsommardagen"] <= date(
        year, 6, 26
    )
    assert by_name["alla helgons dag"].weekday() == 5
    assert date(year, 10, 31) <= by_name["alla helgons dag"] <= date(year, 11, 6)
    assert by_name["långfredagen"].weekday() == 4 and by_name["kristi himmelsfärdsdag"].weekday() == 3


def test_the_region_chooses_its_closed_eves_and_every_holiday_is_closed():
    christmas = HolidayCalendar().closed_days(date(2026, 12, 20), date(2027, 1, 7))
    only_easter_eve = HolidayCalendar(frozenset({"påskafton"})).closed_days(date(2026, 12, 20), date(2027, 1, 7))

    assert christmas == {
        date(2026, 12, 24): "julafton",
        date(2026, 12, 25): "juldagen",
        date(2026, 12, 26): "annandag jul",
        date(2026, 12, 31): "nyårsafton",
        date(2027, 1, 1): "nyårsdagen",
        date(2027, 1, 6): "trettondedag jul",
    }
    assert date(2026, 12, 24) not in only_easter_eve and date(2026, 12, 25) in only_easter_eve
    with pytest.raises(ValueError, match="unknown eves: lucia"):
        HolidayCalendar(frozenset({"lucia"}))


def test_no_slot_on_a_closed_day():
    visit = TimeType(
        "SSK", "Sjuksköterskebesök", "nurse", "clinic", timedelta(minutes=30), BookingChannel.WEB, True, True,
        timedelta(hours=24), timedelta(hours=24), False,
    )  # fmt: skip
    weekdays = [WeeklyTemplate("P1", "U1", "SSK", day, time(8), time(9)) for day in range(1, 6)]
    first, last = date(2026, 5, 11), date(2026, 5, 15)  # Thursday the 14th is Kristi himmelsfärdsdag

    slots = slots_from_templates(weekdays, {"SSK": visit}, first, last, HolidayCalendar().closed_days(first, last))

    days = sorted({slot.start_at.date() for slot in slots})
    assert days == [date(2026, 5, 11), date(2026, 5, 12), date(2026, 5, 13), date(2026, 5, 15)]
