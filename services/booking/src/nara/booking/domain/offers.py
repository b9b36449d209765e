"""Waitlist offers: a freed time held for one waiting patient for a while. Pure rules, no I/O: which states an
offer moves between, what each closed state tells the patient, and when an accepted offer prevented a breach."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from enum import StrEnum

from .errors import BookingRefused, InvalidRequest

DEFAULT_OFFER_TIME = timedelta(minutes=15)
OFFER_MINUTES = range(5, 24 * 60 + 1)  # the CHECK on care_units.offer_minutes (0011_waitlist_offers.sql)
TOKEN_BYTES = 32  # 256 random bits in the link: unguessable


class OfferState(StrEnum):
    OPEN = "open"  # the seat is held for the patient until hold_until
    ACCEPTED = "accepted"  # booked
    DECLINED = "declined"  # the patient said no; the time passed on
    LAPSED = "lapsed"  # nobody answered in time; the time passed on
    WITHDRAWN = "withdrawn"  # the entry stopped waiting, or the time can no longer be had


class Answer(StrEnum):
    """What the patient (or the job, for a lapse) does with an open offer."""

    ACCEPT = "accept"
    DECLINE = "decline"
    LAPSE = "lapse"
    WITHDRAW = "withdraw"


BECOMES = {
    Answer.ACCEPT: OfferState.ACCEPTED,
    Answer.DECLINE: OfferState.DECLINED,
    Answer.LAPSE: OfferState.LAPSED,
    Answer.WITHDRAW: OfferState.WITHDRAWN,
}


class OfferClosed(BookingRefused):
    """The offer was answered already, lapsed or was withdrawn: the link says which, never an error page."""

    code = "offer_closed"

    def __init__(self, state: OfferState, message: str):
        super().__init__(message)
        self.state = state


CLOSED_MESSAGES = {
    OfferState.ACCEPTED: "Tiden är redan din. Du hittar den under Mina tider.",
    OfferState.DECLINED: "Du har tackat nej till tiden. Den har gått vidare till någon annan som väntar.",
    OfferState.LAPSED: "Tiden hölls åt dig en stund men har nu gått vidare till någon annan som väntar.",
    OfferState.WITHDRAWN: "Erbjudandet gäller inte längre, så tiden kan inte tas här.",
}


def next_state(state: OfferState, answer: Answer, *, now: datetime, hold_until: datetime) -> OfferState:
    """The state an open offer moves to; OfferClosed when it is not open (or its hold ran out for an answer)."""
    if state is not OfferState.OPEN:
        raise OfferClosed(state, CLOSED_MESSAGES[state])
    held = now < hold_until
    if answer in (Answer.ACCEPT, Answer.DECLINE) and not held:
        # Past the hold: the job lapses it any moment; the patient hears it as lapsed now.
        raise OfferClosed(OfferState.LAPSED, CLOSED_MESSAGES[OfferState.LAPSED])
    if answer is Answer.LAPSE and held:
        raise InvalidRequest("Erbjudandet hålls fortfarande.")
    return BECOMES[answer]


def breach_prevented(
    *, national_deadline: datetime | None, had_time_inside: bool, now: datetime, accepted_end: datetime
) -> bool:
    """Without the offer the guarantee would have been breached: no booked time inside the national deadline,
    the deadline not yet passed, and the accepted time ends inside it."""
    if national_deadline is None or had_time_inside:
        return False
    return now < national_deadline and accepted_end <= national_deadline


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> bytes:
    """What is stored of a link's token: its SHA-256, so a database read gives no working link."""
    return hashlib.sha256(token.encode()).digest()


def offer_time(minutes: int) -> timedelta:
    if minutes not in OFFER_MINUTES:
        raise InvalidRequest("Ange hur länge en ledig tid hålls: mellan 5 minuter och 24 timmar.")
    return timedelta(minutes=minutes)
