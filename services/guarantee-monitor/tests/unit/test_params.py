"""The monitor's parameter rules that need no database (issue 13, finding 2)."""

import pytest

from nara.guarantee_monitor.domain.reporting import month_bounds
from nara.guarantee_monitor.settings import GuaranteeMonitorSettings

FULLWIDTH_YEAR = "\uff12\uff10\uff12\uff16-11"  # digits that isdigit() accepts and int() reads, but are not ASCII


@pytest.mark.parametrize("month", ["0001-01", "1999-12", "2100-01", "9999-12", FULLWIDTH_YEAR, "2026-13", "2026-1", ""])
def test_a_month_off_the_calendar_is_no_month(month):
    """Issue 13, finding 2: '0001-01' reached PostgreSQL and answered 500 (year 1 in Stockholm is year 0 in UTC)."""
    with pytest.raises(ValueError):
        month_bounds(month)


def test_the_calendars_own_months_have_bounds():
    assert [first.year for first in month_bounds("2000-01")] == [2000, 2000]
    assert [(b.year, b.month) for b in month_bounds("2099-12")] == [(2099, 12), (2100, 1)]


@pytest.mark.parametrize("template", ["http://zipkin/{trace}", "http://zipkin/{", "zipkin/{trace_id}"])
def test_a_trace_link_that_cannot_be_filled_in_stops_the_start(template):
    """A template with another placeholder made every clock the API shows answer 500."""
    with pytest.raises(ValueError):
        GuaranteeMonitorSettings(database_url="postgresql://monitor", trace_url_template=template)
