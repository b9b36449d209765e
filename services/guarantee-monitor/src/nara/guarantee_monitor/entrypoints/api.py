"""The monitor's REST API (/api/v1): clocks, alerts (also live, as server-sent events) and compliance."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response, StreamingResponse

from nara.shared.identity import Caller, CurrentCaller

from ..domain.clock import state_at
from ..domain.facts import ContactFacts
from ..service.compliance import compliance

router = APIRouter(prefix="/api/v1", tags=["guarantee"])
STATUSES = {"on_track", "at_risk", "breached", "assessed", "not_covered", "patient_chosen_wait"}


def staff_caller(caller: CurrentCaller) -> Caller:
    if not caller.is_staff:
        raise HTTPException(403, "Vårdgarantins klockor är för personal och driftteam.")
    return caller


Staff = Annotated[Caller, Depends(staff_caller)]


def clock_view(row, trace_url_template: str) -> dict:
    trace_id = row["last_traceparent"].split("-")[1] if row["last_traceparent"] else None
    hours_left = None
    if row["deadline"] is not None:
        hours_left = round((row["deadline"] - row["now"]).total_seconds() / 3600, 1)
    return {
        "contact_id": row["contact_id"], "patient": row["patient"], "unit": row["unit"],
        "listed_unit": row["listed_unit"], "channel": row["channel"], "profession": row["profession"],
        "sought_at": _iso(row["sought_at"]), "deadline": _iso(row["deadline"]), "hours_left": hours_left,
        "status": row["status"], "reason": row["status_reason"], "assessed_at": _iso(row["assessed_at"]),
        "next_alert_at": _iso(row["next_alert_at"]),
        "trace_url": trace_url_template.format(trace_id=trace_id) if trace_id else None,
    }


@router.get("/clocks")
async def list_clocks(request: Request, caller: Staff, status: str | None = None, unit: str | None = None,
                      limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> list[dict]:
    """Contacts and their clocks; at-risk and breached ones most urgent first."""
    if status is not None and status not in STATUSES:
        raise HTTPException(422, f"Okänd status '{status}'. Välj en av: {', '.join(sorted(STATUSES))}.")
    rows = await request.app.state.pool.fetch(
        """SELECT *, $5::timestamptz AS now FROM clocks
           WHERE status IS NOT NULL AND unit = ANY($1::text[]) AND ($2::text IS NULL OR status = $2)
             AND ($3::text IS NULL OR unit = $3)
           ORDER BY (status IN ('breached', 'at_risk')) DESC, deadline LIMIT $4""",
        list(caller.units), status, unit, limit, request.app.state.clock.now())
    template = request.app.state.settings.trace_url_template
    return [clock_view(row, template) for row in rows]


@router.get("/clocks/{contact_id}")
async def one_clock(request: Request, contact_id: str, caller: Staff) -> dict:
    """One clock, with the history of its status."""
    now = request.app.state.clock.now()
    row = await request.app.state.pool.fetchrow("SELECT *, $2::timestamptz AS now FROM clocks WHERE contact_id = $1",
                                                contact_id, now)
    if row is None or row["status"] is None or row["unit"] not in caller.units:
        raise HTTPException(404, "Vi hittar ingen sådan klocka på dina enheter.")
    facts = ContactFacts.from_json(json.loads(row["facts"]))
    history, last = [], None
    for moment in [m for m in facts.event_times() if m <= now]:
        state = state_at(facts, request.app.state.policy, moment)
        if state is not None and (state.status, state.reason) != last:
            history.append({"at": moment.isoformat(), "status": state.status, "reason": state.reason})
            last = (state.status, state.reason)
    alerts = await request.app.state.pool.fetch("SELECT * FROM alerts WHERE contact_id = $1 ORDER BY at, id",
                                                contact_id)
    return {**clock_view(row, request.app.state.settings.trace_url_template), "history": history,
            "alerts": [_alert_view(a) for a in alerts]}


@router.get("/alerts")
async def list_alerts(request: Request, caller: Staff, limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> list[dict]:
    """Alerts, newest first."""
    rows = await request.app.state.pool.fetch(
        "SELECT * FROM alerts WHERE unit = ANY($1::text[]) ORDER BY id DESC LIMIT $2", list(caller.units), limit)
    return [_alert_view(row) for row in rows]


@router.get("/alerts/stream")
async def stream_alerts(request: Request, caller: Staff) -> StreamingResponse:
    """New alerts as server-sent events; a reconnecting client resumes after its Last-Event-ID."""
    try:
        last_id = int(request.headers.get("last-event-id") or 0)
    except ValueError:
        last_id = 0
    if not last_id:
        last_id = await request.app.state.pool.fetchval("SELECT coalesce(max(id), 0) FROM alerts")

    async def events():
        nonlocal last_id
        yield "retry: 3000\n\n"
        while not await request.is_disconnected():
            rows = await request.app.state.pool.fetch(
                "SELECT * FROM alerts WHERE id > $1 AND unit = ANY($2::text[]) ORDER BY id LIMIT 100",
                last_id, list(caller.units))
            for row in rows:
                last_id = row["id"]
                yield f"id: {row['id']}\nevent: {row['kind']}\ndata: {json.dumps(_alert_view(row))}\n\n"
            await asyncio.sleep(0.5)

    return StreamingResponse(events(), media_type="text/event-stream", headers={"Cache-Control": "no-store"})


@router.get("/compliance")
async def compliance_report(request: Request, caller: Staff, date_from: Annotated[datetime | None, Query(alias="from")] = None,
                            date_to: Annotated[datetime | None, Query(alias="to")] = None, unit: str | None = None,
                            profession: str | None = None, contact_form: str | None = None) -> dict:
    """The share of medical assessments within the guarantee, per month, unit, profession and contact form."""
    async with request.app.state.pool.acquire() as connection:
        rows, totals = await compliance(connection, units=tuple(caller.units), date_from=date_from, date_to=date_to,
                                        unit=unit, profession=profession, contact_form=contact_form)
    return {"minimum_group": 20, "rows": [row.as_dict() for row in rows], "totals": totals}


@router.get("/compliance.csv")
async def compliance_csv(request: Request, caller: Staff, date_from: Annotated[datetime | None, Query(alias="from")] = None,
                         date_to: Annotated[datetime | None, Query(alias="to")] = None, unit: str | None = None,
                         profession: str | None = None, contact_form: str | None = None) -> Response:
    async with request.app.state.pool.acquire() as connection:
        rows, _ = await compliance(connection, units=tuple(caller.units), date_from=date_from, date_to=date_to,
                                   unit=unit, profession=profession, contact_form=contact_form)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["month", "unit", "profession", "contact_form", "assessments", "within_guarantee",
                     "patient_chosen_wait", "share", "hidden"])
    for row in rows:
        view = row.as_dict()
        writer.writerow([view["month"], view["unit"], view["profession"], view["contact_form"],
                         _blank(view["assessments"]), _blank(view["within_guarantee"]),
                         _blank(view["patient_chosen_wait"]), _blank(view["share"]), "yes" if row.hidden else "no"])
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="vardgaranti-uppfyllnad.csv"'})


def _alert_view(row) -> dict:
    return {"id": row["id"], "contact_id": row["contact_id"], "patient": row["patient"], "unit": row["unit"],
            "kind": row["kind"], "key": row["key"], "level": row["level"], "at": row["at"].isoformat(),
            "deadline": row["deadline"].isoformat(), "hours_left": row["hours_left"], "reason": row["reason"],
            "raised_at": row["raised_at"].isoformat()}


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _blank(value) -> str:
    return "" if value is None else str(value)
