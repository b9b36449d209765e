"""A slot's seats: taking and giving back, and that a slot is never double-booked."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nara.booking.domain.errors import SlotTaken
from nara.booking.domain.seats import Seats


def test_a_free_seat_is_taken_and_given_back():
    seats = Seats(capacity=2)
    taken = seats.take()
    assert (taken.reserved, taken.free) == (1, 1)
    assert taken.release() == seats


def test_a_full_slot_refuses_another_patient():
    with pytest.raises(SlotTaken, match="bokad av någon annan"):
        Seats(capacity=1, reserved=1).take()


def test_the_patients_own_hold_becomes_their_seat_even_when_the_slot_is_full():
    held = Seats(capacity=1, reserved=1)
    assert held.take(own_hold=True) == held


def test_lapsed_holds_give_their_seats_back_before_a_seat_is_taken():
    assert Seats(capacity=2, reserved=2).take(lapsed_holds=1) == Seats(capacity=2, reserved=2)


@pytest.mark.parametrize(("capacity", "reserved"), [(0, 0), (1, 2), (2, -1)])
def test_seats_outside_the_capacity_cannot_exist(capacity, reserved):
    with pytest.raises(ValueError):
        Seats(capacity, reserved)


def test_more_seats_than_are_reserved_cannot_be_given_back():
    with pytest.raises(ValueError):
        Seats(capacity=3, reserved=1).release(2)


# One step of a slot's life: a patient takes a seat (with their own hold or not, some holds lapsing first), or
# a booking gives its seat back. Counts beyond what is reserved are cut down: the model is asked nothing impossible.
steps = st.one_of(
    st.tuples(st.just("take"), st.booleans(), st.integers(0, 3)),
    st.tuples(st.just("release"), st.just(False), st.integers(1, 3)),
)


@given(capacity=st.integers(1, 6), history=st.lists(steps, max_size=40))
def test_whatever_happens_the_seats_never_exceed_the_capacity(capacity, history):
    seats = Seats(capacity)
    for kind, own_hold, count in history:
        if kind == "release":
            seats = seats.release(min(count, seats.reserved))
            continue
        lapsed = min(count, seats.reserved)
        own_hold = own_hold and seats.reserved - lapsed > 0
        try:
            seats = seats.take(own_hold=own_hold, lapsed_holds=lapsed)
        except SlotTaken:
            assert not own_hold and seats.release(lapsed).free == 0  # refused only when truly full
        assert 0 <= seats.reserved <= seats.capacity
