"""Compliance as SKR reports it: the share of medical assessments made within the national guarantee (3 days),
per month, unit, profession and contact form (clinic, home, distance); and beside it the "0": the share of
phone contacts that got contact the same day. Groups of fewer than 20 are not published; staff of the unit may
see their own small groups, marked as such (include_small_groups)."""

from __future__ import annotations

from datetime import datetime

from ..domain.compliance import ComplianceRow, SameDayRow
from ..domain.reporting import MINIMUM_GROUP, SKR_FORM_GROUP
from .ports import ReportViews

__all__ = ["MINIMUM_GROUP", "ComplianceRow", "SameDayRow", "compliance", "same_day_contact"]


async def compliance(
    views: ReportViews,
    *,
    units: tuple[str, ...],
    date_from: datetime | None,
    date_to: datetime | None,
    unit: str | None,
    profession: str | None,
    contact_form: str | None,
) -> tuple[list[ComplianceRow], dict[str, int]]:
    """Rows per group, and totals over every group (hidden ones too), which add up to the clocks."""
    found = await views.compliance_groups(units, date_from, date_to, unit, profession)
    if contact_form:
        found = [r for r in found if r.contact_form == SKR_FORM_GROUP.get(contact_form, contact_form)]
    totals = {
        "assessments": sum(r.assessments for r in found),
        "within_guarantee": sum(r.within_guarantee for r in found),
        "patient_chosen_wait": sum(r.patient_chosen_wait for r in found),
        "hidden_groups": sum(r.hidden for r in found),
        "hidden_assessments": sum(r.assessments for r in found if r.hidden),
    }
    return found, totals


async def same_day_contact(
    views: ReportViews,
    *,
    units: tuple[str, ...],
    date_from: datetime | None,
    date_to: datetime | None,
    unit: str | None,
) -> list[SameDayRow]:
    """Per unit and month the contact was sought (Stockholm): phone contacts, and those given contact that day.
    Every phone contact counts, also one then resolved with self-care advice; only one for a patient listed at
    another unit does not, being another unit's to answer."""
    return await views.same_day_groups(units, date_from, date_to, unit)
