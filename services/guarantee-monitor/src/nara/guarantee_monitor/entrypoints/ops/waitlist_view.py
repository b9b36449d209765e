"""The waitlist's offers on /ops/vantelistan: per unit, the latest weeks' offers and what became of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import Response

from nara.shared.web.pages import choices
from nara.shared.web.swedish import MONTHS, unit_name

from ...domain.offer_counts import WeeklyOfferCounts, week_start
from ..offer_counts import offer_count_views, weekly_offer_counts
from .kit import KIT, CurrentStaff, OpsRoute

router = APIRouter(prefix="/ops", route_class=OpsRoute)
WEEKS_SHOWN = 12
# The columns, in the order the table shows them: the field of WeeklyOfferCounts and its Swedish heading.
COLUMNS = (
    ("offered", "Erbjudna tider"),
    ("accepted", "Tackade ja"),
    ("declined", "Tackade nej"),
    ("lapsed", "Gick ut utan svar"),
    ("withdrawn", "Återtagna"),
    ("breaches_prevented", "Förhindrade vårdgarantibrott"),
)


@dataclass(frozen=True)
class UnitWeeks:
    """One unit's weeks, the newest first, every week shown (a week without offers as noughts), and the sums."""

    unit: str
    weeks: list[WeeklyOfferCounts]
    total: WeeklyOfferCounts

    @property
    def any_offers(self) -> bool:
        return any(getattr(self.total, field) for field, _ in COLUMNS)


def weeks_back(now: datetime, count: int = WEEKS_SHOWN) -> list[date]:
    """The Mondays of this week and the count - 1 before it, the newest first (Europe/Stockholm)."""
    this_week = week_start(now)
    return [this_week - timedelta(weeks=back) for back in range(count)]


def by_unit(units: list[str], rows: list[WeeklyOfferCounts], mondays: list[date]) -> list[UnitWeeks]:
    found = {(row.unit, row.week_start): row for row in rows}
    shown = []
    for unit in sorted(units, key=unit_name):
        weeks = [found.get((unit, monday), WeeklyOfferCounts(unit, monday)) for monday in mondays]
        sums = {field: sum(getattr(week, field) for week in weeks) for field, _ in COLUMNS}
        shown.append(UnitWeeks(unit, weeks, WeeklyOfferCounts(unit, mondays[-1], **sums)))
    return shown


def week_days(monday: date) -> str:
    """E.g. '7–13 december', or '28 december–3 januari' across a month."""
    sunday = monday + timedelta(days=6)
    if monday.month == sunday.month:
        return f"{monday.day}–{sunday.day} {MONTHS[sunday.month - 1]}"
    return f"{monday.day} {MONTHS[monday.month - 1]}–{sunday.day} {MONTHS[sunday.month - 1]}"


@router.get("/vantelistan")
async def waitlist_offers(request: Request, staff: CurrentStaff, enhet: str | None = None) -> Response:
    chosen = enhet if enhet in staff.units else None
    mondays = weeks_back(request.app.state.clock.now())
    rows = await weekly_offer_counts(offer_count_views(request), staff.caller, chosen, mondays[-1], mondays[0])
    units = [chosen] if chosen else list(staff.units)
    unit_choices = [("", "Alla mina enheter")] + [(unit, unit_name(unit)) for unit in staff.units]
    return KIT.render(
        request,
        "waitlist.html",
        title="Väntelistan",
        active="vantelistan",
        unit_choices=choices(unit_choices) if len(staff.units) > 1 else [],
        chosen=chosen or "",
        units=by_unit(units, rows, mondays),
        columns=COLUMNS,
        weeks=len(mondays),
        week_days=week_days,
    )
