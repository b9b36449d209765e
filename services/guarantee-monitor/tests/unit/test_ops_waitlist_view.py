"""/ops/vantelistan's shaping: the latest twelve Stockholm weeks, every one shown (noughts where nothing happened),
the sums, and the week's days in Swedish."""

from datetime import UTC, date, datetime

from nara.guarantee_monitor.domain.offer_counts import WeeklyOfferCounts
from nara.guarantee_monitor.entrypoints.ops.waitlist_view import by_unit, week_days, weeks_back

UNIT = "SE2321000115-E00000000012"


def test_twelve_mondays_back_from_stockholms_week_newest_first():
    mondays = weeks_back(datetime(2026, 12, 13, 23, 30, tzinfo=UTC))  # already Monday 14 December in Stockholm

    assert len(mondays) == 12
    assert (mondays[0], mondays[1], mondays[-1]) == (date(2026, 12, 14), date(2026, 12, 7), date(2026, 9, 28))


def test_every_week_is_shown_and_summed():
    mondays = [date(2026, 12, 7), date(2026, 11, 30), date(2026, 11, 23)]
    counted = [WeeklyOfferCounts(UNIT, date(2026, 11, 30), offered=3, accepted=2, breaches_prevented=1)]

    (unit,) = by_unit([UNIT], counted, mondays)

    assert [w.offered for w in unit.weeks] == [0, 3, 0]
    assert (unit.total.offered, unit.total.accepted, unit.total.breaches_prevented) == (3, 2, 1)
    assert unit.any_offers
    assert not by_unit([UNIT], [], mondays)[0].any_offers


def test_the_weeks_days_in_swedish():
    assert week_days(date(2026, 12, 7)) == "7–13 december"
    assert week_days(date(2026, 12, 28)) == "28 december–3 januari"
