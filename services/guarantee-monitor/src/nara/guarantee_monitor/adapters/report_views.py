"""The read side compliance and the national report count from: grouped queries over the stored clocks."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

import asyncpg

from nara.shared.care_guarantee import ClockStatus

from ..domain.compliance import ComplianceRow, SameDayRow
from ..domain.guarantee_clock import ELSEWHERE
from ..domain.reporting import MINIMUM_GROUP, AssessedContact

COMPLIANCE_GROUPS = """
    SELECT to_char(assessed_at AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM') AS month, unit,
           assessment_profession AS profession,
           CASE assessment_form WHEN 'clinic' THEN 'clinic' WHEN 'home' THEN 'home' ELSE 'distance' END AS form,
           count(*) AS assessments,
           count(*) FILTER (WHERE assessed_at < deadline) AS within,
           count(*) FILTER (WHERE assessed_at >= deadline AND patient_chose_to_wait) AS chosen_wait
    FROM clocks
    WHERE status = $6 AND unit = ANY($1::text[])
      AND ($2::timestamptz IS NULL OR assessed_at >= $2) AND ($3::timestamptz IS NULL OR assessed_at < $3)
      AND ($4::text IS NULL OR unit = $4) AND ($5::text IS NULL OR assessment_profession = $5)
    GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4"""

SAME_DAY_GROUPS = """
    SELECT to_char(sought_at AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM') AS month, unit,
           count(*) AS phone_contacts, count(*) FILTER (WHERE contact_same_day) AS same_day
    FROM clocks
    WHERE contact_same_day IS NOT NULL AND listing IS DISTINCT FROM $5 AND unit = ANY($1::text[])
      AND ($2::timestamptz IS NULL OR sought_at >= $2) AND ($3::timestamptz IS NULL OR sought_at < $3)
      AND ($4::text IS NULL OR unit = $4)
    GROUP BY 1, 2 ORDER BY 1, 2"""

ASSESSED_BETWEEN = """
    SELECT patient, unit, assessment_profession, assessment_form, sex, age_group, sought_at, assessed_at,
           patient_chose_to_wait
    FROM clocks
    WHERE status = $4 AND unit = ANY($1::text[]) AND assessed_at >= $2 AND assessed_at < $3
    ORDER BY unit, assessed_at, contact_id"""


class PostgresReportViews:
    """Reads on the pool, outside any unit of work: each query is one consistent snapshot of the clocks."""

    def __init__(self, pool: Callable[[], asyncpg.Pool]) -> None:
        self._pool = pool  # the pool exists only once the app has started

    async def compliance_groups(
        self,
        units: Sequence[str],
        date_from: datetime | None,
        date_to: datetime | None,
        unit: str | None,
        profession: str | None,
    ) -> list[ComplianceRow]:
        rows = await self._pool().fetch(
            COMPLIANCE_GROUPS, list(units), date_from, date_to, unit, profession, ClockStatus.ASSESSED
        )
        return [
            ComplianceRow(
                r["month"],
                r["unit"],
                r["profession"],
                r["form"],
                r["assessments"],
                r["within"],
                r["chosen_wait"],
                r["assessments"] < MINIMUM_GROUP,
            )
            for r in rows
        ]

    async def same_day_groups(
        self, units: Sequence[str], date_from: datetime | None, date_to: datetime | None, unit: str | None
    ) -> list[SameDayRow]:
        rows = await self._pool().fetch(SAME_DAY_GROUPS, list(units), date_from, date_to, unit, ELSEWHERE)
        return [SameDayRow(r["month"], r["unit"], r["phone_contacts"], r["same_day"]) for r in rows]

    async def assessed_between(
        self, units: Sequence[str], first: datetime, following: datetime
    ) -> list[AssessedContact]:
        rows = await self._pool().fetch(ASSESSED_BETWEEN, list(units), first, following, ClockStatus.ASSESSED)
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

    async def clocks_by_status(self) -> dict[str, int]:
        rows = await self._pool().fetch(
            "SELECT status, count(*) AS n FROM clocks WHERE status IS NOT NULL GROUP BY status"
        )
        return {row["status"]: row["n"] for row in rows}
