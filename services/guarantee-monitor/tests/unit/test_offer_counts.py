"""The waitlist's offers counted per unit and ISO week in Europe/Stockholm (issue 18): which outcome each offer
event is, which week it falls in, and how the stored tallies become one row per unit and week."""

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from nara.guarantee_monitor.domain.offer_counts import (
    OutcomeTally,
    WeeklyOfferCounts,
    offer_outcome,
    week_start,
    weekly_counts,
)

UNIT = "SE2321000115-E00000000011"
COMMON = {"entry_id": "e-1", "contact_id": "c-1", "patient": "p_1", "offer_id": "o-1", "slot_id": "s-1", "unit": UNIT}
AT = datetime(2026, 12, 9, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("kind", "when", "outcome"),
    [
        ("offered", "offered_at", "offered"),
        ("offer_accepted", "accepted_at", "accepted"),
        ("offer_declined", "declined_at", "declined"),
        ("offer_lapsed", "lapsed_at", "lapsed"),
        ("offer_withdrawn", "withdrawn_at", "withdrawn"),
    ],
)
def test_each_offer_event_is_one_outcome_of_its_offer_at_the_time_it_happened(kind, when, outcome):
    data = SimpleNamespace(**COMMON, **{when: AT})

    found = offer_outcome(f"se.nara.waitlist.{kind}.v1", data, datetime(2030, 1, 1, tzinfo=UTC))

    assert found is not None
    assert (found.offer_id, found.outcome, found.unit, found.at, found.breach_prevented) == (
        "o-1",
        outcome,
        UNIT,
        AT,
        False,
    )


def test_only_an_accepted_offer_prevents_a_breach_and_only_when_the_event_says_so():
    accepted = offer_outcome(
        "se.nara.waitlist.offer_accepted.v1", SimpleNamespace(**COMMON, accepted_at=AT, breach_prevented=True), AT
    )
    not_prevented = offer_outcome(
        "se.nara.waitlist.offer_accepted.v1", SimpleNamespace(**COMMON, accepted_at=AT, breach_prevented=False), AT
    )

    assert accepted is not None and accepted.breach_prevented
    assert not_prevented is not None and not not_prevented.breach_prevented


def test_other_events_are_no_outcome():
    data = SimpleNamespace(entry_id="e-1", contact_id="c-1", patient="p_1", units=[UNIT], joined_at=AT)

    assert offer_outcome("se.nara.waitlist.joined.v1", data, AT) is None
    assert offer_outcome("se.nara.appointment.booked.v1", data, AT) is None


def test_the_week_is_stockholms_monday_to_sunday():
    # Sunday 23:30 in Stockholm is Sunday 22:30 UTC: still the week that began on Monday 7 December.
    assert week_start(datetime(2026, 12, 13, 22, 30, tzinfo=UTC)) == date(2026, 12, 7)
    # Sunday 23:30 UTC is already Monday 00:30 in Stockholm: the next week.
    assert week_start(datetime(2026, 12, 13, 23, 30, tzinfo=UTC)) == date(2026, 12, 14)
    # Across a new year the ISO week keeps its Monday: 1 January 2027 is a Friday of week 53 of 2026.
    first = WeeklyOfferCounts(UNIT, week_start(datetime(2027, 1, 1, 12, tzinfo=UTC)))
    assert (first.week_start, first.week) == (date(2026, 12, 28), "2026-W53")


def test_tallies_make_one_row_per_unit_and_week_newest_first():
    monday, before = date(2026, 12, 7), date(2026, 11, 30)
    tallies = [
        OutcomeTally(UNIT, before, "offered", 2),
        OutcomeTally(UNIT, monday, "offered", 5),
        OutcomeTally(UNIT, monday, "accepted", 3, breaches_prevented=2),
        OutcomeTally(UNIT, monday, "lapsed", 1),
        OutcomeTally("U2", monday, "withdrawn", 1),
    ]

    rows = weekly_counts(tallies)

    assert rows == [
        WeeklyOfferCounts(UNIT, monday, offered=5, accepted=3, lapsed=1, breaches_prevented=2),
        WeeklyOfferCounts(UNIT, before, offered=2),
        WeeklyOfferCounts("U2", monday, withdrawn=1),
    ]
    assert rows[0].week == "2026-W50"
