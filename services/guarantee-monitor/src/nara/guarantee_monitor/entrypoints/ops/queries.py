"""What the operations page reads: counts by status, the at-risk and breached clocks, and compliance.

Like the REST API, it reads the clocks through the read-side views (adapters/clock_views.py) and the compliance
use case, and shapes clocks with the API's own clock_view, so the page and the API never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import Request

from nara.shared.care_guarantee import ClockStatus
from nara.shared.clock import STOCKHOLM, to_stockholm

from ...service.compliance import ComplianceRow, SameDayRow, compliance, same_day_contact
from ..api import clock_view, clock_views, report_views
from .swedish import STATUSES

LIST_LIMIT = 500
COMPLIANCE_MONTHS = 12


@dataclass(frozen=True)
class Urgent:
    """The at-risk and breached clocks, most urgent first, and how many there are in all."""

    clocks: list[dict[str, Any]]  # the API's clock_view: the page shows exactly what GET /api/v1/clocks answers
    total: int


@dataclass(frozen=True)
class StatusCounts:
    """Clocks by the national measure's status, and how many open ones have a listing staff must resolve (triage
    resolves the listing of open contacts only; an assessed or closed one has nothing left to resolve)."""

    by_status: dict[str, int]
    listing_unknown: int


def units_shown(units: tuple[str, ...], chosen: str | None) -> list[str]:
    """The one unit chosen, if the person works there; else all of theirs."""
    return [chosen] if chosen in units else list(units)


async def counts_by_status(request: Request, units: list[str]) -> StatusCounts:
    """The same clocks GET /api/v1/clocks lists (a registered contact at the units), counted."""
    found, listing_unknown = await clock_views(request).counts_by_status(units)
    return StatusCounts({status: found.get(status, 0) for status in STATUSES}, listing_unknown)


URGENT = (ClockStatus.AT_RISK, ClockStatus.BREACHED)


def urgent_hours(clock: dict[str, Any]) -> float | None:
    """Hours left on the measure that makes the contact urgent: the national one, else the region's."""
    regional = clock["measures"]["regional"]
    if clock["status"] not in URGENT and regional is not None and regional["status"] in URGENT:
        hours: float | None = regional["hours_left"]
    else:
        hours = clock["hours_left"]
    return hours


async def urgent_clocks(request: Request, units: list[str], now: datetime) -> Urgent:
    """Contacts at risk or breached by either measure, the least time left first (the longest overdue at the top)."""
    rows, total = await clock_views(request).urgent_clocks(units, now, LIST_LIMIT)
    template = request.app.state.settings.trace_url_template
    return Urgent([clock_view(row, template) for row in rows], total)


def compliance_period_start(now: datetime) -> datetime:
    """The first day of the month eleven months back: this month and the eleven before it, in Stockholm."""
    local = to_stockholm(now)
    months = local.year * 12 + local.month - 1 - (COMPLIANCE_MONTHS - 1)
    return datetime(months // 12, months % 12 + 1, 1, tzinfo=STOCKHOLM)


async def compliance_rows(request: Request, units: list[str], since: datetime) -> list[ComplianceRow]:
    rows, _ = await compliance(
        report_views(request),
        units=tuple(units),
        date_from=since,
        date_to=None,
        unit=None,
        profession=None,
        contact_form=None,
    )
    return rows


async def same_day_rows(request: Request, units: list[str], since: datetime) -> list[SameDayRow]:
    return await same_day_contact(report_views(request), units=tuple(units), date_from=since, date_to=None, unit=None)
