"""The national report's arithmetic and the "0" of 0-3-90-90, with no database (domain.reporting)."""

from datetime import datetime, timedelta

import pytest

from nara.guarantee_monitor.domain.facts import ContactFacts
from nara.guarantee_monitor.domain.reporting import (
    SKR_COLUMNS,
    AssessedContact,
    contact_same_day,
    month_bounds,
    record_row,
    skr_rows,
)
from nara.guarantee_monitor.domain.units import DEMO_UNITS, UnitsError, units_from_json
from nara.shared.clock import STOCKHOLM

FALKENBERG, FYLLINGE = "SE2321000115-E00000000011", "SE2321000115-E00000000013"


def local(*args) -> datetime:
    return datetime(*args, tzinfo=STOCKHOLM)


SOUGHT = local(2026, 11, 2, 10)


def assessed(
    unit=FALKENBERG, days=1, sex="female", form="phone", sought=SOUGHT, chose=False, profession="nurse"
) -> AssessedContact:
    return AssessedContact("p_x", unit, profession, form, sex, "18-64", sought, sought + timedelta(days=days), chose)


@pytest.mark.parametrize(
    ("channel", "sought", "registered", "same_day"),
    [
        ("phone_unit", local(2026, 11, 23, 16, 50), local(2026, 11, 23, 16, 55), True),
        ("phone_1177", local(2026, 11, 23, 23, 50), local(2026, 11, 24, 0, 10), False),  # past local midnight
        ("phone_unit", local(2026, 3, 29, 1, 30), local(2026, 3, 29, 23, 59), True),  # across the March change
        ("web", local(2026, 11, 23, 9), local(2026, 11, 23, 9), None),  # the "0" is for phone contacts
    ],
)
def test_the_zero_is_contact_the_same_local_day_for_phone_contacts(channel, sought, registered, same_day):
    facts = ContactFacts("c1", channel=channel, sought_at=sought, registered_at=registered)

    assert contact_same_day(facts) is same_day


def test_wait_days_are_stockholm_calendar_days_and_only_a_wait_beyond_three_days_can_be_the_patients_choice():
    late_evening = assessed(sought=local(2026, 10, 23, 23, 30), days=0)  # assessed 23:30 the same evening
    across_dst = AssessedContact(
        "p", FALKENBERG, "nurse", "clinic", None, None, local(2026, 10, 24, 23, 30), local(2026, 10, 25, 23, 30), False
    )  # 25 hours: the October change
    chosen_within = assessed(days=2, chose=True)
    chosen_beyond = assessed(days=6, chose=True)

    assert (late_evening.wait_days, across_dst.wait_days) == (0, 1)
    assert (chosen_within.patient_chosen_wait, chosen_beyond.patient_chosen_wait) == (False, True)


def test_groups_under_twenty_are_hidden_and_the_totals_add_up():
    contacts = (
        [assessed(days=0) for _ in range(5)]
        + [assessed(days=2) for _ in range(15)]
        + [assessed(days=5) for _ in range(2)]
        + [assessed(days=9, chose=True)]  # 23 female nurses
        + [assessed(sex="male", days=1) for _ in range(4)]  # a small group
        + [assessed(unit=FYLLINGE, days=3) for _ in range(3)]
    )  # a small unit

    rows = skr_rows("2026-11", contacts, DEMO_UNITS)
    table = {(r.unit.hsa_id, r.profession, r.sex): r for r in rows}

    women, men = table[(FALKENBERG, "nurse", "female")], table[(FALKENBERG, "nurse", "male")]
    unit_total, small_unit = table[(FALKENBERG, "all", "all")], table[(FYLLINGE, "all", "all")]
    region = table[("all", "all", "all")]
    assert (
        women.assessments,
        women.within_0_days,
        women.within_3_days,
        women.within_7_days,
        women.patient_chosen_wait,
    ) == (23, 5, 20, 22, 1)
    assert women.as_csv_row() == [
        "2026-11",
        "13",
        FALKENBERG,
        "Vårdcentralen Falkenberg",
        "offentlig",
        "nurse",
        "distance",
        "female",
        "18-64",
        "23",
        "5",
        "20",
        "22",
        "1",
        "false",
    ]
    assert men.hidden and men.as_csv_row()[9:] == ["", "", "", "", "", "true"]
    assert (unit_total.assessments, unit_total.within_3_days, unit_total.hidden) == (27, 24, False)
    assert small_unit.hidden and region.assessments == 30 and region.within_3_days == 27
    assert unit_total.assessments - women.assessments == men.assessments, "a hidden count is the total less the rest"
    assert [r.unit.hsa_id for r in rows] == [FALKENBERG] * 3 + [FYLLINGE] * 2 + ["all"]
    assert len(women.as_csv_row()) == len(SKR_COLUMNS)


def test_the_report_counts_only_assessments_in_its_month():
    november, december = assessed(sought=local(2026, 11, 30, 10), days=0), assessed(sought=local(2026, 11, 30, 10))

    rows = skr_rows("2026-11", [november, december], DEMO_UNITS)

    assert rows[-1].assessments == 1


def test_a_record_carries_coarse_fields_and_dates_never_the_contact_id():
    record = record_row(assessed(sought=local(2026, 11, 2, 23, 30), days=4, chose=True), DEMO_UNITS)

    assert record == [
        "2026-11",
        "13",
        FALKENBERG,
        "p_x",
        "nurse",
        "phone",
        "female",
        "18-64",
        "2026-11-02",
        "2026-11-06",
        "4",
        "true",
    ]


@pytest.mark.parametrize("month", ["2026-13", "2026-1", "26-11", "2026/11", "", "2026-00", "abcd-ef"])
def test_a_month_is_yyyy_mm(month):
    with pytest.raises(ValueError):
        month_bounds(month)


def test_a_month_is_bounded_in_stockholm_time():
    assert month_bounds("2026-12") == (local(2026, 12, 1), local(2027, 1, 1))


def test_units_come_from_configuration_with_the_halland_demo_units_as_default():
    configured = units_from_json(
        '{"SE2321000115-E00000000099": {"name": "Hälsocentralen Privat", "region_code": "13", "ownership": "privat"}}'
    )

    assert units_from_json("") == DEMO_UNITS and DEMO_UNITS[FYLLINGE].name == "Vårdcentralen Fyllinge"
    assert configured["SE2321000115-E00000000099"].ownership == "privat"
    with pytest.raises(UnitsError, match="ownership"):
        units_from_json('{"X": {"name": "A", "region_code": "13", "ownership": "kommunal"}}')
    with pytest.raises(UnitsError, match="region_code"):
        units_from_json('{"X": {"name": "A", "region_code": "Halland", "ownership": "privat"}}')
