"""The national report (/api/v1/reports/skr): what a region sends SKR's väntetidsdatabas each month."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from nara.shared.identity import Caller
from nara.shared.identity.dependencies import require_roles
from nara.shared.web.problems import problem_responses

from ..service.reports import skr_csv, skr_records_csv, skr_report
from .api import CSV, Reports
from .params import Month

# 403 for other roles than operations and administrators; 422 for a month missing, unreadable or off the calendar.
router = APIRouter(prefix="/api/v1/reports", tags=["national report"], responses=problem_responses(401, 403))
Reporter = Annotated[Caller, Depends(require_roles("ops", "admin"))]


def _csv(text: str, filename: str) -> Response:
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


@router.get("/skr", response_class=Response, responses={200: {**CSV, "description": "One row per group"}})
async def skr_groups(request: Request, caller: Reporter, month: Month, views: Reports) -> Response:
    """CSV for SKR's model, one row per group of the caller's units: month, region_code, unit_hsa_id, unit_name,
    ownership, profession, contact_form (clinic, home, distance), sex, age_group, assessments, within_0_days,
    within_3_days, within_7_days (wait in calendar days, Europe/Stockholm), patient_chosen_wait, hidden.

    A group of fewer than 20 assessments is hidden: hidden=true and its counts blank. The totals add up: after
    each unit's groups comes its total row (profession, contact_form, sex and age_group "all"), and last each
    region's total row (unit_hsa_id "all"); a hidden group's counts are its total less the published groups.
    """
    rows = await skr_report(views, tuple(caller.units), month, request.app.state.units)
    return _csv(skr_csv(rows), f"vantetider-{month}.csv")


@router.get(
    "/skr/records", response_class=Response, responses={200: {**CSV, "description": "One row per assessed contact"}}
)
async def skr_records(request: Request, caller: Reporter, month: Month, views: Reports) -> Response:
    """The de-identified record file behind the report, one row per assessed contact of the caller's units:
    month, region_code, unit_hsa_id, pseudonym, profession, contact_form (as recorded), sex, age_group,
    sought_date, assessment_date, wait_days, patient_chosen_wait. No personnummer, no contact id."""
    text = await skr_records_csv(views, tuple(caller.units), month, request.app.state.units)
    return _csv(text, f"vantetider-poster-{month}.csv")
