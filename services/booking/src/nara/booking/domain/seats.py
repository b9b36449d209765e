"""A slot's seats: a slot is never double-booked.

`reserved` counts bookings plus live holds. The rule is here; the database applies it atomically under
concurrency (adapters/slots.py, the `seated` conditional update) and stands behind it with the CHECK on
slots.reserved in migrations/0001_schedule.sql (`reserved >= 0 AND reserved <= capacity`)."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import SlotTaken

TAKEN = "Tiden hann bli bokad av någon annan. Välj en annan tid."


@dataclass(frozen=True)
class Seats:
    capacity: int
    reserved: int = 0

    def __post_init__(self) -> None:
        if self.capacity < 1:
            raise ValueError("a slot has at least one seat")
        if not 0 <= self.reserved <= self.capacity:
            raise ValueError(f"{self.reserved} reserved of {self.capacity} seats")

    @property
    def free(self) -> int:
        return self.capacity - self.reserved

    @property
    def has_free_seat(self) -> bool:
        return self.free > 0

    def take(self, *, own_hold: bool = False, lapsed_holds: int = 0) -> Seats:
        """A seat for one patient: their own live hold becomes the seat, else a free one is taken. Holds that
        lapsed give theirs back first. A full slot refuses (SlotTaken)."""
        after_lapse = self.release(lapsed_holds)
        if own_hold:
            return after_lapse
        if not after_lapse.has_free_seat:
            raise SlotTaken(TAKEN)
        return Seats(self.capacity, after_lapse.reserved + 1)

    def release(self, count: int = 1) -> Seats:
        """Give seats back: a cancelled or moved appointment, or holds that lapsed."""
        if count > self.reserved:
            raise ValueError(f"cannot release {count} of {self.reserved} reserved seats")
        return Seats(self.capacity, self.reserved - count)
