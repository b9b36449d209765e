"""The waitlist's offers per unit and week (/api/v1/waitlist-offers/weekly), for operations and administrators."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.exceptions import RequestValidationError

from nara.shared.identity import Caller
from nara.shared.identity.dependencies import require_roles
from nara.shared.web.problems import problem_responses
from nara.shared.web.swedish import unit_name

from ..domain.offer_counts import WeeklyOfferCounts, monday_of
from ..service.ports import OfferCountViews
from .params import UnitParam, own_unit

# 403 for other roles than operations and administrators, and for a unit that is not the caller's.
router = APIRouter(prefix="/api/v1/waitlist-offers", tags=["waitlist"], responses=problem_responses(401, 403))
Counter = Annotated[Caller, Depends(require_roles("ops", "admin"))]
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)
FromWeek = Annotated[
    date | None, Query(alias="from", ge=EARLIEST, le=LATEST, description="A day (YYYY-MM-DD) of the first week.")
]
ToWeek = Annotated[
    date | None, Query(alias="to", ge=EARLIEST, le=LATEST, description="A day (YYYY-MM-DD) of the last week.")
]


def offer_count_views(request: Request) -> OfferCountViews:
    views: OfferCountViews = request.app.state.offer_count_views
    return views


Views = Annotated[OfferCountViews, Depends(offer_count_views)]


def weekly_view(row: WeeklyOfferCounts) -> dict[str, Any]:
    return {
        "unit": row.unit,
        "unit_name": unit_name(row.unit),
        "week": row.week,
        "week_start": row.week_start.isoformat(),
        "offered": row.offered,
        "accepted": row.accepted,
        "declined": row.declined,
        "lapsed": row.lapsed,
        "withdrawn": row.withdrawn,
        "breaches_prevented": row.breaches_prevented,
    }


async def weekly_offer_counts(
    views: OfferCountViews, caller: Caller, unit: str | None, first: date | None, last: date | None
) -> list[WeeklyOfferCounts]:
    """The caller's units' (or the one unit's) counts for the weeks from `first`'s to `last`'s, both included."""
    own_unit(caller, unit)
    if first is not None and last is not None and first > last:
        raise RequestValidationError(
            [{"loc": ("query", "to"), "type": "value_error", "msg": "Slutet (to) ska inte ligga före början (from)."}]
        )
    units = [unit] if unit else list(caller.units)
    return await views.weekly(units, monday_of(first) if first else None, monday_of(last) if last else None)


@router.get("/weekly")
async def weekly(
    caller: Counter, views: Views, unit: UnitParam = None, first: FromWeek = None, last: ToWeek = None
) -> list[dict[str, Any]]:
    """Per unit of the caller's (or the one `unit`) and ISO week (Monday to Sunday, Europe/Stockholm): the
    waitlist's offers made, accepted, declined, lapsed and withdrawn, and breaches prevented (offers accepted
    that gave a contact with no time inside its national deadline one inside it). Each offer's outcome counts
    in the week it happened. By unit, the newest week first; weeks with no offers are left out."""
    rows = await weekly_offer_counts(views, caller, unit, first, last)
    return [weekly_view(row) for row in rows]
