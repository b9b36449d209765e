"""Swedish public holidays, computed rather than typed in, and the eves a region keeps its units closed on.

The public holidays (allmänna helgdagar) are those of Lag (1989:253) om allmänna helgdagar; midsommardagen is the
Saturday from 20 to 26 June and alla helgons dag the Saturday from 31 October to 6 November. Sundays are holidays
too, but a template simply has no Sunday hours. The eves (midsommarafton, julafton, nyårsafton, ...) are not
public holidays: each region decides which of them its units close on (`HolidayCalendar.closed_eves`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from dateutil.easter import easter

# The eves a region may close on; Region Halland's units close on the first three (the default).
EVES = ("midsommarafton", "julafton", "nyårsafton", "påskafton", "pingstafton", "trettondagsafton")
DEFAULT_CLOSED_EVES = frozenset({"midsommarafton", "julafton", "nyårsafton"})


def _saturday_from(first: date) -> date:
    return first + timedelta(days=(5 - first.weekday()) % 7)


def public_holidays(year: int) -> dict[date, str]:
    """The year's public holidays other than ordinary Sundays, by date, with their Swedish names."""
    easter_day = easter(year)
    midsummer_day = _saturday_from(date(year, 6, 20))
    return {
        date(year, 1, 1): "nyårsdagen",
        date(year, 1, 6): "trettondedag jul",
        easter_day - timedelta(days=2): "långfredagen",
        easter_day: "påskdagen",
        easter_day + timedelta(days=1): "annandag påsk",
        date(year, 5, 1): "första maj",
        easter_day + timedelta(days=39): "kristi himmelsfärdsdag",
        date(year, 6, 6): "Sveriges nationaldag",
        easter_day + timedelta(days=49): "pingstdagen",
        midsummer_day: "midsommardagen",
        _saturday_from(date(year, 10, 31)): "alla helgons dag",
        date(year, 12, 25): "juldagen",
        date(year, 12, 26): "annandag jul",
    }


def eves(year: int) -> dict[date, str]:
    """The eves before the great holidays, by date."""
    easter_day = easter(year)
    return {
        date(year, 1, 5): "trettondagsafton",
        easter_day - timedelta(days=1): "påskafton",
        easter_day + timedelta(days=48): "pingstafton",
        _saturday_from(date(year, 6, 20)) - timedelta(days=1): "midsommarafton",
        date(year, 12, 24): "julafton",
        date(year, 12, 31): "nyårsafton",
    }


@dataclass(frozen=True)
class HolidayCalendar:
    """The days a region's units are closed for holidays: every public holiday, and the eves it chooses."""

    closed_eves: frozenset[str] = field(default=DEFAULT_CLOSED_EVES)

    def __post_init__(self) -> None:
        unknown = self.closed_eves - set(EVES)
        if unknown:
            raise ValueError(f"unknown eves: {', '.join(sorted(unknown))} (known: {', '.join(EVES)})")

    def closed_days(self, first_day: date, last_day: date) -> dict[date, str]:
        """Each closed day from first_day to last_day inclusive, with why it is closed."""
        closed: dict[date, str] = {}
        for year in range(first_day.year, last_day.year + 1):
            closed |= public_holidays(year)
            closed |= {day: name for day, name in eves(year).items() if name in self.closed_eves}
        return {day: name for day, name in sorted(closed.items()) if first_day <= day <= last_day}
