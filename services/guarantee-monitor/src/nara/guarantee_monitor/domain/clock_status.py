"""A clock's statuses and the moves between them as a contact's history unfolds (the shared ClockStatus).

The status is worked out from the facts at each moment (guarantee_clock.state_at), never set by hand; this
table says which status may follow which in that history, and the unit tests hold the rules to it. The
database's CHECK on the six values is the last line of defence, not the statement of the rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import pairwise
from types import MappingProxyType

from nara.shared.care_guarantee import ClockStatus

ON_TRACK = ClockStatus.ON_TRACK
AT_RISK = ClockStatus.AT_RISK
BREACHED = ClockStatus.BREACHED
ASSESSED = ClockStatus.ASSESSED
NOT_COVERED = ClockStatus.NOT_COVERED
PATIENT_CHOSEN_WAIT = ClockStatus.PATIENT_CHOSEN_WAIT

# Before the deadline a contact moves freely between waiting, booked and choosing to wait, and out of the
# guarantee and back (a new triage, a resolved listing).
TRANSITIONS: Mapping[ClockStatus, frozenset[ClockStatus]] = MappingProxyType(
    {
        AT_RISK: frozenset(ClockStatus) - {AT_RISK},
        ON_TRACK: frozenset(ClockStatus) - {ON_TRACK},  # breached: a booked time inside it was missed after it
        PATIENT_CHOSEN_WAIT: frozenset(ClockStatus) - {PATIENT_CHOSEN_WAIT},
        # Past the deadline no time inside it can be booked or offered any more: only a late assessment, or
        # leaving the guarantee, moves a breached contact.
        BREACHED: frozenset({ASSESSED, NOT_COVERED}),
        NOT_COVERED: frozenset(ClockStatus) - {NOT_COVERED},  # a new triage makes the guarantee apply
        # An assessment stops the clock for good; only leaving the guarantee (a later triage or listing) moves it.
        ASSESSED: frozenset({NOT_COVERED}),
    }
)

# An open alert no longer holds once the contact is in one of these.
RESOLVED = frozenset({ASSESSED, ON_TRACK, NOT_COVERED, PATIENT_CHOSEN_WAIT})
# No alert tier or deadline ahead can change these: the scheduler needs no look at them for the measure.
SETTLED = frozenset({ASSESSED, NOT_COVERED, BREACHED})
# What operations act on: most urgent first in the lists.
URGENT = frozenset({AT_RISK, BREACHED})


def can_follow(before: ClockStatus, after: ClockStatus) -> bool:
    """Whether `after` may follow `before` in a clock's history (staying the same always may)."""
    return before == after or after in TRANSITIONS[before]


class ImpossibleTransition(ValueError):
    """A history in which a status followed one it cannot follow: the rules contradict the lifecycle."""


def check_history(statuses: list[ClockStatus]) -> None:
    """Raise ImpossibleTransition at the first move the lifecycle does not allow."""
    for before, after in pairwise(statuses):
        if not can_follow(before, after):
            raise ImpossibleTransition(f"{after} cannot follow {before}")
