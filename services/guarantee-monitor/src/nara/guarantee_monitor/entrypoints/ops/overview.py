"""The operations page: counts by status, the live list of at-risk and breached contacts, and compliance.

It works without JavaScript (a refresh link). ops.js listens to /ops/strom, the alert stream with the
login cookie, and swaps in /ops/lista when an alert arrives, announcing the change politely.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response

from nara.shared.web.pages import SECURITY_HEADERS, choices
from nara.shared.web.swedish import unit_name

from .. import api
from ..params import Filter
from .compliance_view import by_unit
from .kit import KIT, CurrentStaff, OpsRoute, OptionalStaff
from .queries import (
    compliance_period_start,
    compliance_rows,
    counts_by_status,
    same_day_rows,
    units_shown,
    urgent_clocks,
)

router = APIRouter(prefix="/ops", route_class=OpsRoute)


def _with_unit(path: str, unit: str | None, **params: str) -> str:
    query = urlencode({**({"enhet": unit} if unit else {}), **params})
    return f"{path}?{query}" if query else path


@router.get("")
async def overview(request: Request, staff: CurrentStaff, enhet: str | None = None) -> Response:
    now = request.app.state.clock.now()
    chosen = enhet if enhet in staff.units else None
    units = units_shown(staff.units, chosen)
    since = compliance_period_start(now)
    counts, urgent = await counts_by_status(request, units), await urgent_clocks(request, units, now)
    rows, same_day = await compliance_rows(request, units, since), await same_day_rows(request, units, since)
    csv_params = {"from": since.isoformat(), **({"unit": chosen} if chosen else {})}
    unit_choices = [("", "Alla mina enheter")] + [(unit, unit_name(unit)) for unit in staff.units]
    return KIT.render(
        request,
        "overview.html",
        title="Vårdgarantin",
        active="vardgarantin",
        unit_choices=choices(unit_choices) if len(staff.units) > 1 else [],
        chosen=chosen or "",
        counts=counts,
        urgent=urgent,
        now=now,
        list_url=_with_unit("/ops/lista", chosen),
        refresh_url=_with_unit("/ops", chosen) + "#risk-rubrik",
        since=since.strftime("%Y-%m"),
        units=by_unit(rows, same_day),
        csv_url=f"/ops/uppfyllnad.csv?{urlencode(csv_params)}",
    )


@router.get("/lista")
async def live_fragment(request: Request, staff: CurrentStaff, enhet: str | None = None) -> Response:
    """Just the counts and the list, for ops.js to swap in."""
    now = request.app.state.clock.now()
    units = units_shown(staff.units, enhet)
    counts, urgent = await counts_by_status(request, units), await urgent_clocks(request, units, now)
    return KIT.render(request, "live_parts.html", counts=counts, urgent=urgent, now=now)


@router.get("/strom")
async def alert_stream(request: Request, staff: OptionalStaff) -> Response:
    """The same server-sent events as /api/v1/alerts/stream, for a browser that holds the login cookie."""
    if staff is None:
        return PlainTextResponse("Logga in på /ops/logga-in först.", status_code=401, headers=SECURITY_HEADERS)
    return await api.alert_stream(request, staff.caller, clock_changes=True)


@router.get("/uppfyllnad.csv")
async def compliance_csv(request: Request, staff: CurrentStaff, filters: Filter) -> Response:
    """The same file as /api/v1/compliance.csv, for a browser that holds the login cookie; a bad address or
    another unit answers a page (OpsRoute)."""
    response = await api.compliance_csv(request, staff.caller, filters)
    response.headers["Cache-Control"] = "no-store"
    return response
