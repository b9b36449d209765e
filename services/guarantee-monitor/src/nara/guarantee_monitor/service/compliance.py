"""Compliance as SKR reports it: the share of medical assessments made within the national guarantee (3 days),
per month, unit, profession and contact form (clinic, home, distance); and beside it the "0": the share of
phone contacts that got contact the same day. Groups of fewer than 20 are not published; staff of the unit may
see their own small groups, marked as such (include_small_groups)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import asyncpg

from ..domain.reporting import FORM_GROUPS, MINIMUM_GROUP

__all__ = ["FORM_GROUPS", "MINIMUM_GROUP", "ComplianceRow", "SameDayRow", "compliance", "same_day_contact"]


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
        """The published share: none for a group under 20."""
        return None if self.hidden else self.internal_share

    def as_dict(self, include_small_groups: bool = False) -> dict:
        published = not self.hidden or include_small_groups
        return {
            "month": self.month,
            "unit": self.unit,
            "profession": self.profession,
            "contact_form": self.contact_form,
            "hidden": self.hidden,
            "assessments": self.assessments if published else None,
            "within_guarantee": self.within_guarantee if published else None,
            "patient_chosen_wait": self.patient_chosen_wait if published else None,
            "share": self.internal_share if published else None,
        }

    @property
    def internal_share(self) -> float | None:
        """The share whatever the group's size: for the unit's own staff, never for publication."""
        counted = self.assessments - self.patient_chosen_wait
        return round(self.within_guarantee / counted, 4) if counted > 0 else None


async def compliance(
    connection: asyncpg.Connection,
    *,
    units: tuple[str, ...],
    date_from: datetime | None,
    date_to: datetime | None,
    unit: str | None,
    profession: str | None,
    contact_form: str | None,
) -> tuple[list[ComplianceRow], dict]:
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
        list(units),
        date_from,
        date_to,
        unit,
        profession,
    )
    found = [
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
    if contact_form:
        found = [r for r in found if r.contact_form == FORM_GROUPS.get(contact_form, contact_form)]
    totals = {
        "assessments": sum(r.assessments for r in found),
        "within_guarantee": sum(r.within_guarantee for r in found),
        "patient_chosen_wait": sum(r.patient_chosen_wait for r in found),
        "hidden_groups": sum(r.hidden for r in found),
        "hidden_assessments": sum(r.assessments for r in found if r.hidden),
    }
    return found, totals


@dataclass(frozen=True)
class SameDayRow:
    """The "0" for one unit and month: of the contacts registered by phone, how many got contact that day."""

    month: str
    unit: str
    phone_contacts: int
    same_day: int

    @property
    def hidden(self) -> bool:
        return self.phone_contacts < MINIMUM_GROUP

    @property
    def internal_share(self) -> float | None:
        return round(self.same_day / self.phone_contacts, 4) if self.phone_contacts else None

    def as_dict(self, include_small_groups: bool = False) -> dict:
        published = not self.hidden or include_small_groups
        return {
            "month": self.month,
            "unit": self.unit,
            "hidden": self.hidden,
            "phone_contacts": self.phone_contacts if published else None,
            "same_day": self.same_day if published else None,
            "share": self.internal_share if published else None,
        }


async def same_day_contact(
    connection: asyncpg.Connection,
    *,
    units: tuple[str, ...],
    date_from: datetime | None,
    date_to: datetime | None,
    unit: str | None,
) -> list[SameDayRow]:
    """Per unit and month the contact was sought (Stockholm): phone contacts, and those given contact that day.
    Every phone contact counts, also one then resolved with self-care advice; only one for a patient listed at
    another unit does not, being another unit's to answer."""
    rows = await connection.fetch(
        """SELECT to_char(sought_at AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM') AS month, unit,
                  count(*) AS phone_contacts, count(*) FILTER (WHERE contact_same_day) AS same_day
           FROM clocks
           WHERE contact_same_day IS NOT NULL AND listing IS DISTINCT FROM 'elsewhere' AND unit = ANY($1::text[])
             AND ($2::timestamptz IS NULL OR sought_at >= $2) AND ($3::timestamptz IS NULL OR sought_at < $3)
             AND ($4::text IS NULL OR unit = $4)
           GROUP BY 1, 2 ORDER BY 1, 2""",
        list(units),
        date_from,
        date_to,
        unit,
    )
    return [SameDayRow(r["month"], r["unit"], r["phone_contacts"], r["same_day"]) for r in rows]
