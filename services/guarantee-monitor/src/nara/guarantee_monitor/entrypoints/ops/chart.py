"""Compliance per unit and month as an accessible chart: where each bar, label and grid line goes (the SVG itself
is drawn by templates/compliance.html). Staff see their own unit's figures, small groups too: a group under 20
assessments is drawn with a dashed frame and says in words that it is hidden when the figures are published."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from typing import ClassVar

from nara.shared.web.labels import label
from nara.shared.web.swedish import month_name, percent

from ...service.compliance import ComplianceRow
from .swedish import FORM_GROUPS

TARGET = 0.85  # the national target the state ties money to (domain.md)
WIDTH, LABEL_X, BAR_X, BAR_W = 900, 16, 330, 360
TOP, ROW_H, SMALL_ROW_H, MONTH_H, BOTTOM = 44, 30, 48, 34, 44
VALUE_X = BAR_X + BAR_W + 12  # values in words, in a column right of 100 %


def group_label(row: ComplianceRow) -> str:
    form = FORM_GROUPS.get(row.contact_form, row.contact_form).lower()
    return f"{label(row.profession, 'profession', 'Ej triagerad')}, {form}"


def value_label(row: ComplianceRow) -> str:
    share = row.internal_share
    if share is None:
        return "inga bedömningar att räkna"
    return percent(share) + (" (under målet)" if share < TARGET else "")


def x_of(share: float) -> float:
    return round(BAR_X + share * BAR_W, 1)


@dataclass(frozen=True)
class MonthHeading:
    y: int
    name: str


@dataclass(frozen=True)
class Bar:
    """One group's row: its label at y, its bar (no width: no assessments to count) and its value in words."""

    row: ComplianceRow
    y: int
    label: str
    value: str
    width: float | None
    under_target: bool


@dataclass(frozen=True)
class Chart:
    """A horizontal bar per group, grouped by month; a dashed line marks the 85 % target."""

    width: ClassVar[int] = WIDTH
    top: ClassVar[int] = TOP
    label_x: ClassVar[int] = LABEL_X
    bar_x: ClassVar[int] = BAR_X
    value_x: ClassVar[int] = VALUE_X
    target_x: ClassVar[float] = x_of(TARGET)
    target: ClassVar[str] = f"{round(TARGET * 100)} %"

    unit: str
    index: int  # tells apart the ids of several charts on one page
    parts: list[MonthHeading | Bar]  # each month's heading, then its groups' bars
    bottom: int  # where the bars end
    summary: str

    @property
    def height(self) -> int:
        return self.bottom + BOTTOM

    @property
    def grid(self) -> list[tuple[float, str]]:
        return [(x_of(share), f"{int(share * 100)} %") for share in (0, 0.25, 0.5, 0.75, 1)]


def chart(unit: str, rows: list[ComplianceRow], index: int) -> Chart:
    parts: list[MonthHeading | Bar] = []
    y = TOP
    for month, in_month in groupby(rows, key=lambda r: r.month):
        parts.append(MonthHeading(y, month_name(month)))
        y += MONTH_H
        for row in in_month:
            share = row.internal_share
            width = None if share is None else max(1.0, round(share * BAR_W, 1))
            parts.append(Bar(row, y, group_label(row), value_label(row), width, share is not None and share < TARGET))
            y += SMALL_ROW_H if row.hidden else ROW_H
    small = sum(r.hidden for r in rows)
    summary = (
        f"{len(rows)} {'grupp' if len(rows) == 1 else 'grupper'} med andel inom vårdgarantin. "
        f"{small} {'grupp har' if small == 1 else 'grupper har'} färre än 20 bedömningar: de visas här för "
        "enhetens personal, med streckad ram, men döljs när siffrorna publiceras. "
        "Målet 85 procent är en streckad linje; staplar under målet är randiga. "
        "Samma siffror finns i tabellen under diagrammet."
    )
    return Chart(unit, index, parts, y, summary)
