from datetime import UTC, datetime

import pytest

from nara.shared.care_guarantee import guarantee_deadline
from nara.shared.clock import STOCKHOLM


@pytest.mark.parametrize(("sought_local", "deadline_local"), [
    # Contact on 5 March means assessment by the end of 8 March (domain.md).
    (datetime(2026, 3, 5, 10, 0), datetime(2026, 3, 9, 0, 0)),
    # A Friday contact must be assessed by the end of Monday.
    (datetime(2026, 11, 20, 16, 30), datetime(2026, 11, 24, 0, 0)),
    # Just before midnight still counts as day 0.
    (datetime(2026, 11, 23, 23, 59), datetime(2026, 11, 27, 0, 0)),
    # Across the spring change (29 March 2026): the local midnight is kept, the day only 23 h long.
    (datetime(2026, 3, 27, 9, 0), datetime(2026, 3, 31, 0, 0)),
    # Across the autumn change (25 October 2026).
    (datetime(2026, 10, 23, 9, 0), datetime(2026, 10, 27, 0, 0)),
])
def test_the_deadline_is_midnight_after_the_third_calendar_day_in_stockholm(sought_local, deadline_local):
    sought_at = sought_local.replace(tzinfo=STOCKHOLM).astimezone(UTC)

    deadline = guarantee_deadline(sought_at)

    assert deadline.tzinfo == UTC
    assert deadline.astimezone(STOCKHOLM).replace(tzinfo=None) == deadline_local


def test_regional_limits_count_the_same_way():
    sought_at = datetime(2026, 11, 23, 8, 0, tzinfo=STOCKHOLM)
    assert guarantee_deadline(sought_at, days=7).astimezone(STOCKHOLM).replace(tzinfo=None) == datetime(2026, 12, 1)


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError, match="timezone"):
        guarantee_deadline(datetime(2026, 11, 23, 8, 0))
