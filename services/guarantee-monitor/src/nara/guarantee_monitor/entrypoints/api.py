"""The monitor's REST API (/api/v1): clocks, alerts (also live, as server-sent events) and compliance."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response, StreamingResponse

from nara.shared.care_guarantee import NATIONAL_DAYS, wait_days
from nara.shared.identity import Caller, CurrentCaller
from nara.shared.web.problems import problem_responses

from ..adapters.clock_views import PostgresClockViews
from ..domain.facts import ContactFacts
from ..domain.guarantee_clock import UNKNOWN, status_history
from ..service.compliance import compliance, same_day_contact
from ..service.ports import ReportViews, Row
from .params import Filter, ListingParam, StatusParam, UnitParam, own_unit

# Besides 400, 413 and 422, which every path of every service documents.
router = APIRouter(prefix="/api/v1", tags=["guarantee"], responses=problem_responses(401, 403))
CSV = {"content": {"text/csv": {"schema": {"type": "string"}}}}
TRACEPARENT = re.compile(r"^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$")
MAX_EVENT_ID = 2**63 - 1  # alerts.id is a bigint


def staff_caller(caller: CurrentCaller) -> Caller:
    if not caller.is_staff:
        raise HTTPException(403, "Vårdgarantins klockor är för personal och driftteam.")
    return caller


Staff = Annotated[Caller, Depends(staff_caller)]


def clock_views(request: Request) -> PostgresClockViews:
    """The read side of the clocks and alerts, made and injected by app.py."""
    views: PostgresClockViews = request.app.state.clock_views
    return views


def report_views(request: Request) -> ReportViews:
    views: ReportViews = request.app.state.report_views
    return views


Views = Annotated[PostgresClockViews, Depends(clock_views)]
Reports = Annotated[ReportViews, Depends(report_views)]


def clock_view(row: Row, trace_url_template: str) -> dict[str, Any]:
    """A clock as the API and /ops show it: the national measure's fields at the top (compliance and the national
    report read those), and both measures side by side under `measures`."""
    found = TRACEPARENT.match(row["last_traceparent"] or "")  # a producer's header: never trusted to be well formed
    trace_id = found.group(1) if found else None
    national = _measure(NATIONAL_DAYS, row["deadline"], row["status"], row["status_reason"], row["now"])
    regional = None
    if row["regional_status"] is not None:
        regional = _measure(
            row["regional_days"], row["regional_deadline"], row["regional_status"], row["regional_reason"], row["now"]
        )
    waited = None
    if row["assessed_at"] is not None and row["sought_at"] is not None:
        waited = wait_days(row["sought_at"], row["assessed_at"])
    return {
        "contact_id": row["contact_id"],
        "patient": row["patient"],
        "unit": row["unit"],
        "listed_unit": row["listed_unit"],
        "listing": row["listing"],
        "listing_unknown": row["listing"] == UNKNOWN,
        "channel": row["channel"],
        "profession": row["profession"],
        "sex": row["sex"],
        "age_group": row["age_group"],
        "sought_at": _iso(row["sought_at"]),
        "deadline": national["deadline"],
        "hours_left": national["hours_left"],
        "status": row["status"],
        "reason": row["status_reason"],
        "assessed_at": _iso(row["assessed_at"]),
        "assessment_profession": row["assessment_profession"],
        "assessment_form": row["assessment_form"],
        "wait_days": waited,
        "patient_chose_to_wait": row["patient_chose_to_wait"],
        "contact_same_day": row["contact_same_day"],
        "measures": {"national": national, "regional": regional},
        "booking": {
            "appointment_id": row["booking_id"],
            "start": _iso(row["booking_start"]),
            "end": _iso(row["booking_end"]),
        }
        if row["booking_id"]
        else None,
        "next_alert_at": _iso(row["next_alert_at"]),
        "trace_url": trace_url_template.format(trace_id=trace_id) if trace_id else None,
    }


def _measure(
    days: int | None, deadline: datetime | None, status: str | None, reason: str | None, now: datetime
) -> dict[str, Any]:
    hours_left = round((deadline - now).total_seconds() / 3600, 1) if deadline is not None else None
    return {"days": days, "deadline": _iso(deadline), "hours_left": hours_left, "status": status, "reason": reason}


@router.get("/clocks")
async def list_clocks(
    request: Request,
    caller: Staff,
    views: Views,
    status: StatusParam = None,
    unit: UnitParam = None,
    listing: ListingParam = None,
    open_only: Annotated[bool, Query(alias="open")] = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> list[dict[str, Any]]:
    """Contacts and their clocks; at-risk and breached ones most urgent first. `listing=unknown` gives the
    contacts whose listing staff have to resolve ("listning okänd"); `open=true` only contacts neither
    assessed nor closed (the console's queue)."""
    own_unit(caller, unit)
    rows = await views.clocks(
        caller.units,
        request.app.state.clock.now(),
        status=status,
        unit=unit,
        listing=listing,
        open_only=open_only,
        limit=limit,
    )
    template = request.app.state.settings.trace_url_template
    return [clock_view(row, template) for row in rows]


@router.get("/clocks/{contact_id}", responses=problem_responses(404))
async def one_clock(request: Request, contact_id: uuid.UUID, caller: Staff, views: Views) -> dict[str, Any]:
    """One clock, with the history of its status (the regional measure's beside it, where there is one). 404 for
    a contact the monitor has not heard of, or one at another unit."""
    now = request.app.state.clock.now()
    key = str(contact_id)  # triage's ids are UUIDs, stored as text in their canonical form
    row = await views.clock(key, now)
    if row is None or row["status"] is None or row["unit"] not in caller.units:
        raise HTTPException(404, "Vi hittar ingen sådan klocka på dina enheter.")
    facts = ContactFacts.from_json(json.loads(row["facts"]))
    history = [
        {
            "at": change.at.isoformat(),
            "status": change.status,
            "reason": change.reason,
            "regional_status": change.regional_status,
        }
        for change in status_history(facts, request.app.state.policy, now)
    ]
    alerts = await views.alerts_of(key)
    return {
        **clock_view(row, request.app.state.settings.trace_url_template),
        "history": history,
        "alerts": [_alert_view(a) for a in alerts],
    }


@router.get("/alerts")
async def list_alerts(
    caller: Staff, views: Views, unit: UnitParam = None, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> list[dict[str, Any]]:
    """Alerts at the caller's units (or the one `unit` of theirs), newest first."""
    own_unit(caller, unit)
    rows = await views.newest_alerts(_units(caller, unit), limit)
    return [_alert_view(row) for row in rows]


@router.get(
    "/alerts/stream",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
            "description": "Alerts as they are raised",
        }
    },
)
async def stream_alerts(request: Request, caller: Staff, unit: UnitParam = None) -> StreamingResponse:
    """New alerts at the caller's units (or the one `unit` of theirs) as server-sent events; a reconnecting
    client resumes after its Last-Event-ID (one it cannot have had starts afresh)."""
    own_unit(caller, unit)
    return await alert_stream(request, caller, unit=unit)


def _last_event_id(request: Request) -> int | None:
    """The Last-Event-ID a reconnecting browser sends; anything but an id an alert could have means none."""
    text = request.headers.get("last-event-id") or ""
    ok = text.isascii() and text.isdigit() and len(text) <= 19 and int(text) <= MAX_EVENT_ID
    return int(text) if ok else None


def _units(caller: Caller, unit: str | None) -> list[str]:
    return [unit] if unit is not None else list(caller.units)


async def alert_stream(
    request: Request, caller: Caller, *, clock_changes: bool = False, unit: str | None = None
) -> StreamingResponse:
    """The alert stream; with `clock_changes`, also an event `clocks` (no id) whenever a clock of the caller's
    units changed, such as an assessment that raises no alert, so a page showing counts can refresh them."""
    views, units = clock_views(request), _units(caller, unit)
    resumed = _last_event_id(request)
    last_id = resumed if resumed is not None else await views.newest_alert_id()  # a new client: from now on

    async def events() -> AsyncIterator[str]:
        nonlocal last_id
        yield "retry: 3000\n\n"
        change = await views.latest_change(units) if clock_changes else None
        while not await request.is_disconnected():
            for row in await views.alerts_after(last_id, units):
                last_id = row["id"]
                yield f"id: {row['id']}\nevent: {row['kind']}\ndata: {json.dumps(_alert_view(row))}\n\n"
            if clock_changes and (latest := await views.latest_change(units)) != change:
                change = latest
                yield f"event: clocks\ndata: {json.dumps({'change': change})}\n\n"
            await asyncio.sleep(0.5)

    return StreamingResponse(events(), media_type="text/event-stream", headers={"Cache-Control": "no-store"})


@router.get("/compliance")
async def compliance_report(
    caller: Staff,
    filters: Filter,
    reports: Reports,
    include_small_groups: bool = False,
) -> dict[str, Any]:
    """The share of medical assessments within the national guarantee (3 days), per month, unit, profession and
    contact form; beside it the "0": the share of phone contacts given contact the same day, per unit and month.
    Groups under 20 are hidden as published; `include_small_groups` shows the caller's own units' small groups
    too, still marked `hidden` (they would be hidden when published)."""
    wanted = filters.checked_for(caller)
    rows, totals = await compliance(reports, units=tuple(caller.units), **wanted)
    same_day = await same_day_contact(
        reports,
        units=tuple(caller.units),
        date_from=filters.date_from,
        date_to=filters.date_to,
        unit=filters.unit,
    )
    return {
        "minimum_group": 20,
        "rows": [row.as_dict(include_small_groups) for row in rows],
        "totals": totals,
        "same_day_contact": [row.as_dict(include_small_groups) for row in same_day],
    }


@router.get(
    "/compliance.csv",
    response_class=Response,
    responses={200: {**CSV, "description": "One row per unit, month, profession and contact form"}},
)
async def compliance_csv(request: Request, caller: Staff, filters: Filter) -> Response:
    """The compliance rows as a CSV file; a hidden group's counts are blank."""
    wanted = filters.checked_for(caller)
    rows, _ = await compliance(report_views(request), units=tuple(caller.units), **wanted)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "month",
            "unit",
            "profession",
            "contact_form",
            "assessments",
            "within_guarantee",
            "patient_chosen_wait",
            "share",
            "hidden",
        ]
    )
    for row in rows:
        view = row.as_dict()
        writer.writerow(
            [
                view["month"],
                view["unit"],
                view["profession"],
                view["contact_form"],
                _blank(view["assessments"]),
                _blank(view["within_guarantee"]),
                _blank(view["patient_chosen_wait"]),
                _blank(view["share"]),
                "yes" if row.hidden else "no",
            ]
        )
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="vardgaranti-uppfyllnad.csv"'},
    )


def _alert_view(row: Row) -> dict[str, Any]:
    return {
        "id": row["id"],
        "contact_id": row["contact_id"],
        "patient": row["patient"],
        "unit": row["unit"],
        "kind": row["kind"],
        "key": row["key"],
        "level": row["level"],
        "at": row["at"].isoformat(),
        "deadline": row["deadline"].isoformat(),
        "hours_left": row["hours_left"],
        "reason": row["reason"],
        "raised_at": row["raised_at"].isoformat(),
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _blank(value: object) -> str:
    return "" if value is None else str(value)
