"""The national report for SKR's väntetidsdatabas: the published groups, and the record file behind them."""

from __future__ import annotations

import csv
import io

import asyncpg

from ..domain.reporting import RECORD_COLUMNS, SKR_COLUMNS, AssessedContact, SkrRow, month_bounds, record_row, skr_rows
from ..domain.units import UnitInfo


async def assessed_in_month(
    connection: asyncpg.Connection, units: tuple[str, ...], month: str
) -> list[AssessedContact]:
    """Every covered contact whose medical assessment was made in the Stockholm month, at the given units."""
    first, following = month_bounds(month)
    rows = await connection.fetch(
        """SELECT patient, unit, assessment_profession, assessment_form, sex, age_group, sought_at, assessed_at,
                  patient_chose_to_wait
           FROM clocks
           WHERE status = 'assessed' AND unit = ANY($1::text[]) AND assessed_at >= $2 AND assessed_at < $3
           ORDER BY unit, assessed_at, contact_id""",
        list(units),
        first,
        following,
    )
    return [
        AssessedContact(
            r["patient"] or "",
            r["unit"],
            r["assessment_profession"] or "",
            r["assessment_form"] or "",
            r["sex"],
            r["age_group"],
            r["sought_at"],
            r["assessed_at"],
            r["patient_chose_to_wait"],
        )
        for r in rows
    ]


async def skr_report(
    connection: asyncpg.Connection, units: tuple[str, ...], month: str, register: dict[str, UnitInfo]
) -> list[SkrRow]:
    return skr_rows(month, await assessed_in_month(connection, units, month), register)


def skr_csv(rows: list[SkrRow]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(SKR_COLUMNS)
    writer.writerows(row.as_csv_row() for row in rows)
    return out.getvalue()


async def skr_records_csv(
    connection: asyncpg.Connection, units: tuple[str, ...], month: str, register: dict[str, UnitInfo]
) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(RECORD_COLUMNS)
    writer.writerows(record_row(contact, register) for contact in await assessed_in_month(connection, units, month))
    return out.getvalue()
