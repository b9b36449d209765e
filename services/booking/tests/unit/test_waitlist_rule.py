"""Who gets a freed time: examples and properties (hypothesis) of the waitlist's pure rule."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nara.booking.domain.day_parts import DayPart
from nara.booking.domain.errors import InvalidRequest
from nara.booking.domain.waitlist import (
    FreedSlot,
    Reach,
    ReachBy,
    TriageAllows,
    WaitingEntry,
    Wishes,
    offer_order,
)
from nara.shared.care_guarantee import CareGuaranteePolicy, ClockStatus

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)  # a Monday, 09:00 in Stockholm
UNIT = "SE2321000115-E00000000011"
OTHER_UNIT = "SE2321000115-E00000000012"
# Tuesday 10:00 in Stockholm: a morning, at the clinic, a doctor's time.
SLOT = FreedSlot(UNIT, "doctor", "LAK", "clinic", datetime(2026, 12, 8, 9, 0, tzinfo=UTC))
EVERY_DAY = Wishes.of([UNIT], range(7), list(DayPart), ["clinic", "phone"])
POLICY = CareGuaranteePolicy()


def entry(contact: str, *, sought: datetime = NOW, joined: datetime = NOW, **changes: object) -> WaitingEntry:
    base = WaitingEntry(
        entry_id=f"e-{contact}",
        contact_id=contact,
        patient=f"p-{contact}",
        wishes=EVERY_DAY,
        allows=TriageAllows(frozenset({"doctor"})),
        national_deadline=POLICY.national_deadline(sought),
        regional_deadline=None,
        joined_at=joined,
        chose_to_wait=False,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def ids(entries: list[WaitingEntry]) -> list[str]:
    return [e.contact_id for e in entries]


@pytest.mark.unit
def test_the_nearest_deadline_gets_the_time_not_who_asked_first():
    asked_first = entry("a", sought=NOW - timedelta(hours=1), joined=NOW - timedelta(days=1))
    nearer = entry("b", sought=NOW - timedelta(days=2), joined=NOW)
    assert ids(offer_order(SLOT, [asked_first, nearer], NOW)) == ["b", "a"]


@pytest.mark.unit
def test_breached_before_at_risk_before_on_track():
    on_track = entry("on", sought=NOW - timedelta(days=3), booked_within_deadline=True)
    breached = entry("br", sought=NOW - timedelta(days=5))
    at_risk = entry("ar", sought=NOW - timedelta(days=3))
    assert breached.standing(NOW) is ClockStatus.BREACHED
    assert at_risk.standing(NOW) is ClockStatus.AT_RISK
    assert ids(offer_order(SLOT, [on_track, at_risk, breached], NOW)) == ["br", "ar", "on"]


@pytest.mark.unit
def test_the_regional_limit_then_who_asked_first_break_a_tie():
    regional_late = entry("r1", regional_deadline=NOW + timedelta(days=10))
    regional_soon = entry("r2", regional_deadline=NOW + timedelta(days=5))
    none = entry("n")
    early_none = entry("en", joined=NOW - timedelta(hours=2))
    assert ids(offer_order(SLOT, [none, regional_late, early_none, regional_soon], NOW)) == ["r2", "r1", "en", "n"]


@pytest.mark.unit
def test_a_patient_who_chose_to_wait_comes_after_all_who_did_not():
    waited = entry("w", sought=NOW - timedelta(days=10), chose_to_wait=True)
    fresh = entry("f")
    assert ids(offer_order(SLOT, [waited, fresh], NOW)) == ["f", "w"]


@pytest.mark.unit
@pytest.mark.parametrize(
    "changes",
    [
        {"allows": TriageAllows(frozenset({"nurse"}))},
        {"allows": TriageAllows(frozenset({"doctor"}), time_types=frozenset({"LAK_TEL"}))},
        {"allows": TriageAllows(frozenset({"doctor"}), contact_forms=frozenset({"phone"}))},
        {"allows": TriageAllows(frozenset({"doctor"}), latest_start=SLOT.start)},  # same-day care, a later day
        {"wishes": Wishes.of([OTHER_UNIT], range(7), list(DayPart), ["clinic"])},
        {"wishes": Wishes.of([UNIT], [0, 2, 3, 4], list(DayPart), ["clinic"])},  # not Tuesdays
        {"wishes": Wishes.of([UNIT], range(7), [DayPart.AFTERNOON, DayPart.EVENING], ["clinic"])},
        {"wishes": Wishes.of([UNIT], range(7), list(DayPart), ["phone"])},
    ],
    ids=["profession", "time type", "triage contact form", "same day", "unit", "weekday", "day part", "form"],
)
def test_an_entry_that_does_not_fit_is_not_offered(changes):
    assert offer_order(SLOT, [entry("x", **changes)], NOW) == []


@pytest.mark.unit
def test_staff_only_and_past_times_are_offered_to_nobody():
    assert offer_order(replace(SLOT, staff_only=True), [entry("x")], NOW) == []
    assert offer_order(replace(SLOT, start=NOW - timedelta(minutes=1)), [entry("x")], NOW) == []


@pytest.mark.unit
def test_the_day_and_part_of_day_are_read_on_stockholms_clock():
    # 23:30 UTC on Monday is 00:30 on Tuesday in Stockholm: a Tuesday morning.
    late = replace(SLOT, start=datetime(2026, 12, 7, 23, 30, tzinfo=UTC))
    tuesday_mornings = Wishes.of([UNIT], [1], [DayPart.MORNING], ["clinic"])
    assert ids(offer_order(late, [entry("x", wishes=tuesday_mornings)], NOW)) == ["x"]


@pytest.mark.unit
def test_wishes_and_reach_are_checked():
    with pytest.raises(InvalidRequest):
        Wishes.of([], range(7), list(DayPart), ["clinic"])
    with pytest.raises(InvalidRequest):
        Wishes.of([UNIT], [7], list(DayPart), ["clinic"])
    with pytest.raises(InvalidRequest):
        Wishes.of([UNIT], range(7), list(DayPart), ["teleport"])
    assert Reach.of(ReachBy.SMS, "070-123 45 67").address == "+46701234567"
    assert Reach.of(ReachBy.EMAIL, " anna@example.se ").address == "anna@example.se"
    assert Reach.of(ReachBy.NONE, "anything") == Reach(ReachBy.NONE, None)
    with pytest.raises(InvalidRequest):
        Reach.of(ReachBy.SMS, "08-123 45 67")
    with pytest.raises(InvalidRequest):
        Reach.of(ReachBy.EMAIL, "not an address")


@pytest.mark.unit
def test_a_patient_with_a_booked_time_is_offered_only_an_earlier_one():
    """The waitlist is for an earlier time: a freed time after the one already booked is no offer at all."""
    booked_before = entry("before", booked_start=SLOT.start - timedelta(hours=1))
    booked_at_it = entry("same", booked_start=SLOT.start)
    booked_after = entry("after", booked_start=SLOT.start + timedelta(days=3))
    assert ids(offer_order(SLOT, [booked_before, booked_at_it, booked_after], NOW)) == ["after"]


# --- properties ---

PROFESSIONS = ["doctor", "nurse", "physiotherapist"]
FORMS = ["clinic", "phone", "video"]
moments = st.integers(min_value=-6 * 24, max_value=10 * 24).map(lambda hours: NOW + timedelta(hours=hours))


@st.composite
def entries(draw: st.DrawFn, contact: str) -> WaitingEntry:
    return WaitingEntry(
        entry_id=f"e-{contact}",
        contact_id=contact,
        patient=f"p-{contact}",
        wishes=Wishes(
            frozenset(draw(st.sets(st.sampled_from([UNIT, OTHER_UNIT]), min_size=1))),
            frozenset(draw(st.sets(st.integers(0, 6), min_size=1))),
            frozenset(draw(st.sets(st.sampled_from(list(DayPart)), min_size=1))),
            frozenset(draw(st.sets(st.sampled_from(FORMS), min_size=1))),
        ),
        allows=TriageAllows(frozenset(draw(st.sets(st.sampled_from(PROFESSIONS), min_size=1)))),
        national_deadline=POLICY.national_deadline(draw(moments)),
        regional_deadline=draw(st.none() | moments),
        joined_at=draw(moments),
        chose_to_wait=draw(st.booleans()),
        booked_within_deadline=draw(st.booleans()),
        booked_start=draw(st.none() | moments),
    )


@st.composite
def waitlists(draw: st.DrawFn) -> list[WaitingEntry]:
    size = draw(st.integers(min_value=0, max_value=12))
    return [draw(entries(f"c{n}")) for n in range(size)]


slots = st.builds(
    FreedSlot,
    unit=st.sampled_from([UNIT, OTHER_UNIT]),
    profession=st.sampled_from(PROFESSIONS),
    time_type=st.just("T"),
    contact_form=st.sampled_from(FORMS),
    start=st.integers(min_value=1, max_value=14 * 24 * 4).map(lambda quarters: NOW + timedelta(minutes=15 * quarters)),
)


@pytest.mark.unit
@settings(max_examples=100, deadline=None)
@given(slot=slots, waiting=waitlists())
def test_nobody_is_offered_a_time_their_triage_or_wishes_do_not_allow(slot, waiting):
    for offered in offer_order(slot, waiting, NOW):
        assert slot.profession in offered.allows.professions
        assert slot.unit in offered.wishes.units
        assert slot.contact_form in offered.wishes.contact_forms
        assert offered.booked_start is None or slot.start < offered.booked_start
    fitting = {e.contact_id for e in waiting if e.fits(slot, NOW)}
    assert set(ids(offer_order(slot, waiting, NOW))) == fitting


@pytest.mark.unit
@settings(max_examples=100, deadline=None)
@given(slot=slots, waiting=waitlists())
def test_the_first_never_chose_to_wait_when_someone_who_did_not_fits(slot, waiting):
    order = offer_order(slot, waiting, NOW)
    if any(not e.chose_to_wait for e in order):
        assert not order[0].chose_to_wait
    # and everyone who did not choose to wait comes before everyone who did
    flags = [e.chose_to_wait for e in order]
    assert flags == sorted(flags)


@pytest.mark.unit
@settings(max_examples=100, deadline=None)
@given(slot=slots, waiting=waitlists(), data=st.data())
def test_the_order_is_total_and_stable_under_shuffling(slot, waiting, data):
    shuffled = data.draw(st.permutations(waiting))
    assert ids(offer_order(slot, shuffled, NOW)) == ids(offer_order(slot, waiting, NOW))


@pytest.mark.unit
@settings(max_examples=100, deadline=None)
@given(slot=slots, waiting=waitlists(), data=st.data())
def test_among_those_who_did_not_wait_breached_before_at_risk_before_on_track_then_deadline(slot, waiting, data):
    order = [e for e in offer_order(slot, waiting, NOW) if not e.chose_to_wait]
    ranks = [
        (
            [ClockStatus.BREACHED, ClockStatus.AT_RISK, ClockStatus.ON_TRACK].index(e.standing(NOW)),
            e.national_deadline,
        )
        for e in order
    ]
    assert ranks == sorted(ranks)


@pytest.mark.unit
@settings(max_examples=100, deadline=None)
@given(slot=slots, waiting=waitlists(), later=st.integers(min_value=1, max_value=30), asked=moments)
def test_adding_a_later_deadline_entry_never_changes_the_first(slot, waiting, later, asked):
    order = offer_order(slot, waiting, NOW)
    if not order:
        return
    first = order[0]
    newcomer = replace(
        first,
        entry_id="e-new",
        contact_id="new",
        patient="p-new",
        national_deadline=first.national_deadline + timedelta(days=later),
        regional_deadline=None,
        joined_at=asked,
    )
    assert offer_order(slot, [*waiting, newcomer], NOW)[0] == first
