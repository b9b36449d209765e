"""A waitlist offer's pure rules: the states it moves between, what a closed offer tells the patient, when an
accepted offer prevented a breach, the link's token, and the offer's message (Swedish, no personnummer)."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nara.booking.domain.errors import InvalidRequest
from nara.booking.domain.offers import (
    CLOSED_MESSAGES,
    Answer,
    OfferClosed,
    OfferState,
    breach_prevented,
    new_token,
    next_state,
    offer_time,
    token_digest,
)

NOW = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)  # 09:00 in Stockholm
HELD = NOW + timedelta(minutes=15)


@pytest.mark.unit
@pytest.mark.parametrize(
    ("answer", "becomes"),
    [
        (Answer.ACCEPT, OfferState.ACCEPTED),
        (Answer.DECLINE, OfferState.DECLINED),
        (Answer.WITHDRAW, OfferState.WITHDRAWN),
    ],
)
def test_an_open_offer_answered_in_time_moves_on(answer, becomes):
    assert next_state(OfferState.OPEN, answer, now=NOW, hold_until=HELD) is becomes


@pytest.mark.unit
def test_an_open_offer_lapses_only_once_its_hold_ran_out():
    assert next_state(OfferState.OPEN, Answer.LAPSE, now=HELD, hold_until=HELD) is OfferState.LAPSED
    with pytest.raises(InvalidRequest):
        next_state(OfferState.OPEN, Answer.LAPSE, now=HELD - timedelta(seconds=1), hold_until=HELD)


@pytest.mark.unit
@pytest.mark.parametrize("answer", [Answer.ACCEPT, Answer.DECLINE])
def test_an_answer_after_the_hold_is_told_the_time_passed_on(answer):
    with pytest.raises(OfferClosed) as closed:
        next_state(OfferState.OPEN, answer, now=HELD, hold_until=HELD)
    assert closed.value.state is OfferState.LAPSED and closed.value.code == "offer_closed"


@pytest.mark.unit
@given(
    st.sampled_from([s for s in OfferState if s is not OfferState.OPEN]),
    st.sampled_from(list(Answer)),
    st.integers(-3600, 3600),
)
def test_a_closed_offer_never_changes_and_says_why_in_swedish(state, answer, seconds):
    with pytest.raises(OfferClosed) as closed:
        next_state(state, answer, now=HELD + timedelta(seconds=seconds), hold_until=HELD)
    assert closed.value.state is state
    assert closed.value.message == CLOSED_MESSAGES[state] and closed.value.message.endswith(".")


@pytest.mark.unit
def test_accepted_says_the_time_is_already_theirs():
    assert CLOSED_MESSAGES[OfferState.ACCEPTED].startswith("Tiden är redan din")


@pytest.mark.unit
@pytest.mark.parametrize(
    ("deadline", "had_time_inside", "now", "end", "prevented"),
    [
        (NOW + timedelta(days=1), False, NOW, NOW + timedelta(hours=3), True),  # inside, in time: prevented
        (NOW + timedelta(days=1), True, NOW, NOW + timedelta(hours=3), False),  # had a time inside already
        (NOW - timedelta(hours=1), False, NOW, NOW + timedelta(hours=3), False),  # breached already
        (NOW + timedelta(days=1), False, NOW, NOW + timedelta(days=2), False),  # the time ends after it
        (NOW + timedelta(days=1), False, NOW, NOW + timedelta(days=1), True),  # ends exactly at the deadline
        (None, False, NOW, NOW + timedelta(hours=3), False),  # no deadline known
    ],
)
def test_breach_prevented(deadline, had_time_inside, now, end, prevented):
    assert (
        breach_prevented(national_deadline=deadline, had_time_inside=had_time_inside, now=now, accepted_end=end)
        is prevented
    )


@pytest.mark.unit
def test_the_token_is_unguessable_and_only_its_digest_is_kept():
    tokens = {new_token() for _ in range(100)}
    assert len(tokens) == 100 and all(len(t) >= 43 for t in tokens)  # 256 bits, URL-safe
    token = next(iter(tokens))
    assert len(token_digest(token)) == 32 and token_digest(token) == token_digest(token)
    assert token.encode() not in token_digest(token)


@pytest.mark.unit
def test_a_units_offer_time_is_between_5_minutes_and_a_day():
    assert offer_time(15) == timedelta(minutes=15)
    for wrong in (0, 4, 24 * 60 + 1):
        with pytest.raises(InvalidRequest):
            offer_time(wrong)


@pytest.mark.unit
def test_the_offer_message_is_plain_swedish_with_the_time_unit_profession_answer_by_and_link():
    from nara.booking.domain.schedule import BookingChannel, Seats, Slot, TimeType
    from nara.booking.service.offer_records import NewOffer
    from nara.booking.service.offers import offer_message

    kind = TimeType(
        "SSK_BESOK",
        "Sjuksköterskebesök",
        "nurse",
        "clinic",
        timedelta(minutes=20),
        BookingChannel.WEB,
        True,
        True,
        timedelta(0),
        timedelta(0),
        False,
    )
    start = datetime(2026, 12, 8, 7, 0, tzinfo=UTC)  # 08:00 in Stockholm
    slot = Slot(
        uuid.uuid4(),
        "SE2321000115-E00000000011",
        "P1",
        "Anna",
        kind,
        start,
        start + timedelta(minutes=20),
        Seats(1, 0),
        False,
        "Vårdcentralen Falkenberg",
        "Storgatan 40",
    )
    offer = NewOffer(
        uuid.uuid4(), b"0" * 32, slot.id, uuid.uuid4(), "c-1", "pseudonym", slot.unit, uuid.uuid4(), NOW, HELD
    )

    subject, body = offer_message(offer, slot, "https://nara.example/erbjudande/abc")

    assert subject == "En tidigare tid hos Vårdcentralen Falkenberg"
    assert "tisdag 8 december kl. 08:00" in body and "sjuksköterska på Vårdcentralen Falkenberg" in body
    assert "Svara senast 09:15:" in body and "https://nara.example/erbjudande/abc" in body
    assert "pseudonym" not in body and "c-1" not in body
