"""Parts of the day a citizen can ask for when looking for a time, on Stockholm's wall clock."""

from __future__ import annotations

from datetime import datetime, time
from enum import StrEnum

from nara.shared.clock import to_stockholm


class DayPart(StrEnum):
    MORNING = "morning"  # förmiddag
    AFTERNOON = "afternoon"  # eftermiddag
    EVENING = "evening"  # kväll


# From (inclusive) and until (exclusive; None: midnight) on the wall clock.
BOUNDS: dict[DayPart, tuple[time, time | None]] = {
    DayPart.MORNING: (time(0), time(12)),
    DayPart.AFTERNOON: (time(12), time(17)),
    DayPart.EVENING: (time(17), None),
}


def starts_in(part: DayPart, instant: datetime) -> bool:
    """Whether a time starting at `instant` belongs to this part of the day in Stockholm."""
    wall = to_stockholm(instant).time()
    begins, ends = BOUNDS[part]
    return wall >= begins and (ends is None or wall < ends)
