"""The national report for SKR's väntetidsdatabas: the published groups, and the record file behind them."""

from __future__ import annotations

import csv
import io

from ..domain.reporting import RECORD_COLUMNS, SKR_COLUMNS, AssessedContact, SkrRow, month_bounds, record_row, skr_rows
from ..domain.units import UnitInfo
from .ports import ReportViews


async def assessed_in_month(views: ReportViews, units: tuple[str, ...], month: str) -> list[AssessedContact]:
    """Every covered contact whose medical assessment was made in the Stockholm month, at the given units."""
    first, following = month_bounds(month)
    return await views.assessed_between(units, first, following)


async def skr_report(
    views: ReportViews, units: tuple[str, ...], month: str, register: dict[str, UnitInfo]
) -> list[SkrRow]:
    return skr_rows(month, await assessed_in_month(views, units, month), register)


def skr_csv(rows: list[SkrRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(SKR_COLUMNS)
    writer.writerows(row.as_csv_row() for row in rows)
    return out.getvalue()


async def skr_records_csv(views: ReportViews, units: tuple[str, ...], month: str, register: dict[str, UnitInfo]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(RECORD_COLUMNS)
    writer.writerows(record_row(contact, register) for contact in await assessed_in_month(views, units, month))
    return out.getvalue()
