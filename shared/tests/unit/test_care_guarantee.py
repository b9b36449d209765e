from datetime import UTC, datetime

import pytest

from nara.shared.care_guarantee import guarantee_deadline
from nara.shared.clock import STOCKHOLM


@pytest.mark.parametrize(
    ("sought_local", "deadline_local"),
    [
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
    ],
)
def test_the_deadline_is_midnight_after_the_third_calendar_day_in_stockholm(sought_local, deadline_local):
    sought_at = sought_local.replace(tzinfo=STOCKHOLM).astimezone(UTC)

    deadline = guarantee_deadline(sought_at, 3)

    assert deadline.tzinfo == UTC
    assert deadline.astimezone(STOCKHOLM).replace(tzinfo=None) == deadline_local


def test_regional_limits_count_the_same_way():
    sought_at = datetime(2026, 11, 23, 8, 0, tzinfo=STOCKHOLM)
    assert guarantee_deadline(sought_at, days=7).astimezone(STOCKHOLM).replace(tzinfo=None) == datetime(2026, 12, 1)


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError, match="timezone"):
        guarantee_deadline(datetime(2026, 11, 23, 8, 0), 3)


def test_one_policy_keeps_the_national_measure_and_puts_a_regional_limit_beside_it():
    from nara.shared.care_guarantee import NATIONAL_DAYS, CareGuaranteePolicy, MeasureKind

    policy = CareGuaranteePolicy.from_json('{"days_by_profession": {"physiotherapist": 7, "psychologist": 14}}')
    sought_at = datetime(2026, 11, 23, 8, 0, tzinfo=STOCKHOLM)

    physio = policy.measures(sought_at, "physiotherapist")
    doctor = policy.measures(sought_at, "doctor")

    assert [(m.kind, m.days) for m in physio] == [(MeasureKind.NATIONAL, NATIONAL_DAYS), (MeasureKind.REGIONAL, 7)]
    assert physio[0].deadline == guarantee_deadline(sought_at, 3) < physio[1].deadline
    assert [m.kind for m in doctor] == [MeasureKind.NATIONAL] and policy.regional_deadline(sought_at, "doctor") is None


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('{"days": 7}', "3 days by law"),
        ('{"days_by_profession": {"chiropractor": 7}}', "not a profession"),
        ('{"days_by_profession": {"physiotherapist": "sju"}}', "whole days"),
        ('{"dayz": 3}', "unknown care guarantee settings"),
        ("not json", "not JSON"),
    ],
)
def test_a_policy_that_cannot_be_used_is_refused_with_the_reason(text, words):
    from nara.shared.care_guarantee import CareGuaranteePolicy, PolicyError

    with pytest.raises(PolicyError, match=words):
        CareGuaranteePolicy.from_json(text)


def test_every_service_reads_the_same_variable_and_the_monitors_older_name_still_works():
    from nara.shared.care_guarantee import CareGuaranteePolicy

    shared = CareGuaranteePolicy.from_environment(
        {"NARA_CARE_GUARANTEE_POLICY": '{"days_by_profession": {"psychologist": 14}}'}
    )
    older = CareGuaranteePolicy.from_environment(
        {"GUARANTEE_MONITOR_POLICY_JSON": '{"days_by_profession": {"psychologist": 14}}'}
    )
    assert shared == older and shared.regional_days_for("psychologist") == 14
    assert CareGuaranteePolicy.from_environment({}).regional_days == {}


def test_wait_days_are_calendar_days_in_stockholm():
    from nara.shared.care_guarantee import wait_days

    sought = datetime(2026, 11, 23, 23, 30, tzinfo=STOCKHOLM)
    assert wait_days(sought, datetime(2026, 11, 24, 0, 15, tzinfo=STOCKHOLM)) == 1
    assert wait_days(sought, datetime(2026, 11, 23, 23, 45, tzinfo=STOCKHOLM)) == 0
