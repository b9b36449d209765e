"""Compliance per unit on /ops, shaped for templates/compliance.html: the month's "0" and "3" side by side,
then the chart and table per group."""

from __future__ import annotations

from dataclasses import dataclass

from nara.shared.web.labels import label
from nara.shared.web.swedish import unit_name

from ...service.compliance import MINIMUM_GROUP, ComplianceRow, SameDayRow
from .chart import Chart, chart


@dataclass(frozen=True)
class Figure:
    """E.g. '20 av 24 (83,3 %)', marked when the group is under 20 and so hidden when published."""

    part: int
    whole: int
    share: float | None
    group_size: int

    @property
    def small(self) -> bool:
        return self.group_size < MINIMUM_GROUP


@dataclass(frozen=True)
class MonthFigures:
    month: str
    three: Figure  # assessed within 3 days, all groups
    zero: Figure  # phone contacts given contact the same day


@dataclass(frozen=True)
class UnitCompliance:
    index: int
    unit: str
    months: list[MonthFigures]
    rows: list[ComplianceRow]
    chart: Chart | None


def month_figures(rows: list[ComplianceRow], same_day: list[SameDayRow]) -> list[MonthFigures]:
    """Per month: the share assessed within 3 days (all groups) beside the share of phone contacts given
    contact the same day (the "0" of 0-3-90-90)."""
    months = sorted({r.month for r in rows} | {r.month for r in same_day})
    zero = {r.month: r for r in same_day}
    shown = []
    for month in months:
        groups = [r for r in rows if r.month == month]
        assessments = sum(r.assessments for r in groups)
        counted = assessments - sum(r.patient_chosen_wait for r in groups)
        within = sum(r.within_guarantee for r in groups)
        three = Figure(within, counted, round(within / counted, 4) if counted > 0 else None, assessments)
        phone = zero.get(month)
        same = (
            Figure(phone.same_day, phone.phone_contacts, phone.internal_share, phone.phone_contacts)
            if phone
            else Figure(0, 0, None, 0)
        )
        shown.append(MonthFigures(month, three, same))
    return shown


def by_unit(rows: list[ComplianceRow], same_day: list[SameDayRow]) -> list[UnitCompliance]:
    """Per unit, by name: its months' figures, and its groups for the chart and the table."""
    units: dict[str, list[ComplianceRow]] = {r.unit: [] for r in same_day}
    for row in rows:
        units.setdefault(row.unit, []).append(row)
    shown = []
    for index, unit in enumerate(sorted(units, key=unit_name)):
        unit_rows = sorted(
            units[unit], key=lambda r: (r.month, label(r.profession, "profession", "Ej triagerad"), r.contact_form)
        )
        months = month_figures(unit_rows, [r for r in same_day if r.unit == unit])
        shown.append(
            UnitCompliance(index, unit, months, unit_rows, chart(unit, unit_rows, index) if unit_rows else None)
        )
    return shown
