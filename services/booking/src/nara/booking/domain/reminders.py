"""Reminders before a booked time: how many hours before (per time type), and which reminder is due when.

Pure rules, no I/O. Each time type names up to three offsets (default 24 and 2 hours). A reminder's moment is its
offset before the start; when it has come, the reminder is sent once, to the patient's choice at that moment. A
time booked after a moment has passed gets only the later reminders, and a job that was away for a while sends
only the latest reminder that has come, never a stale one beside it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from .errors import InvalidRequest

DEFAULT_REMINDER_HOURS = (24, 2)
MOST_REMINDERS = 3
LONGEST_OFFSET_HOURS = 168  # a week


def reminder_hours(hours: Iterable[int]) -> tuple[int, ...]:
    """A time type's offsets, checked: none to three, each 1 to 168 hours, latest moment last (24, 2)."""
    chosen = tuple(sorted(set(hours), reverse=True))
    if len(chosen) > MOST_REMINDERS:
        raise InvalidRequest(f"Välj högst {MOST_REMINDERS} påminnelser per tidtyp.")
    if any(not 1 <= h <= LONGEST_OFFSET_HOURS for h in chosen):
        raise InvalidRequest(f"En påminnelse skickas 1 till {LONGEST_OFFSET_HOURS} timmar före tiden.")
    return chosen


class MomentOutcome(StrEnum):
    """What became of one reminder moment of a booked time."""

    LEFT = "left"  # a message was left for the patient
    NO_CHOICE = "no_choice"  # the patient had chosen no reminders (or nothing yet)
    SUPERSEDED = "superseded"  # booked after the moment, or a later reminder had come by the time it was handled


@dataclass(frozen=True)
class DueReminders:
    """The moments of one time to handle now: `send` the reminder (or None), `superseded` the ones to let go."""

    send: int | None
    superseded: tuple[int, ...]

    @property
    def anything(self) -> bool:
        return self.send is not None or bool(self.superseded)


def due_reminders(
    start: datetime, booked_at: datetime, offsets: Iterable[int], handled: Iterable[int], now: datetime
) -> DueReminders:
    """The reminders of a time starting at `start`, booked at `booked_at`, whose moment has come by `now` and that
    were not handled before. Of those, the latest moment is sent; the earlier ones, and any that came before the
    time was booked, are superseded. Nothing once the time has begun."""
    if start <= now:
        return DueReminders(None, ())
    done = set(handled)
    come = [h for h in sorted(set(offsets), reverse=True) if h not in done and start - timedelta(hours=h) <= now]
    in_time = [h for h in come if start - timedelta(hours=h) >= booked_at]
    send = in_time[-1] if in_time else None
    return DueReminders(send, tuple(h for h in come if h != send))


def reminder_key(appointment_id: object, hours: int) -> str:
    """The outbox key that makes a reminder exist once: reminder-<appointment>-24h."""
    return f"reminder-{appointment_id}-{hours}h"  # adapters/reminders.py, pending_keys, builds the same
