"""Compliance as SKR reports it: the share of medical assessments made within the guarantee, per month, unit,
profession and contact form (clinic, home, distance). Groups of fewer than 20 are not published."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg

MINIMUM_GROUP = 20
FORM_GROUPS = {"clinic": "clinic", "home": "home", "phone": "distance", "video": "distance",
               "chat_letter": "distance"}


@dataclass(frozen=True)
class ComplianceRow:
    month: str
    unit: str
    profession: str
    contact_form: str
    assessments: int
    within_guarantee: int
    patient_chosen_wait: int
    hidden: bool

    @property
    def share(self) -> float | None:
        counted = self.assessments - self.patient_chosen_wait
        if self.hidden or counted <= 0:
            return None
        return round(self.within_guarantee / counted, 4)

    def as_dict(self) -> dict:
        published = not self.hidden
        return {"month": self.month, "unit": self.unit, "profession": self.profession,
                "contact_form": self.contact_form, "hidden": self.hidden,
                "assessments": self.assessments if published else None,
                "within_guarantee": self.within_guarantee if published else None,
                "patient_chosen_wait": self.patient_chosen_wait if published else None, "share": self.share}


async def compliance(connection: asyncpg.Connection, *, units: tuple[str, ...], date_from: datetime | None,
                     date_to: datetime | None, unit: str | None, profession: str | None,
                     contact_form: str | None) -> tuple[list[ComplianceRow], dict]:
    """Rows per group, and totals over every group (hidden ones too), which add up to the clocks."""
    rows = await connection.fetch(
        """SELECT to_char(assessed_at AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM') AS month, unit,
                  assessment_profession AS profession,
                  CASE assessment_form WHEN 'clinic' THEN 'clinic' WHEN 'home' THEN 'home' ELSE 'distance' END AS form,
                  count(*) AS assessments,
                  count(*) FILTER (WHERE assessed_at < deadline) AS within,
                  count(*) FILTER (WHERE assessed_at >= deadline AND patient_chose_to_wait) AS chosen_wait
           FROM clocks
           WHERE status = 'assessed' AND unit = ANY($1::text[])
             AND ($2::timestamptz IS NULL OR assessed_at >= $2) AND ($3::timestamptz IS NULL OR assessed_at < $3)
             AND ($4::text IS NULL OR unit = $4) AND ($5::text IS NULL OR assessment_profession = $5)
           GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4""",
        list(units), date_from, date_to, unit, profession)
    found = [ComplianceRow(r["month"], r["unit"], r["profession"], r["form"], r["assessments"], r["within"],
                           r["chosen_wait"], r["assessments"] < MINIMUM_GROUP) for r in rows]
    if contact_form:
        found = [r for r in found if r.contact_form == FORM_GROUPS.get(contact_form, contact_form)]
    totals = {"assessments": sum(r.assessments for r in found),
              "within_guarantee": sum(r.within_guarantee for r in found),
              "patient_chosen_wait": sum(r.patient_chosen_wait for r in found),
              "hidden_groups": sum(r.hidden for r in found),
              "hidden_assessments": sum(r.assessments for r in found if r.hidden)}
    return found, totals
