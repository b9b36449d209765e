"""The patient contract in SQL: the agreement and plan (0008_patient_contract.sql), the fixed care contacts
(fixed_care_contacts, which the slot search prefers), the care unit to turn to, and the access log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import asyncpg

from nara.shared.identity import record_staff_read
from nara.shared.identity.caller import Caller

from ..domain.patient_contract import Agreement, FixedContactChoice, PlanItem, PlanStatus, PlanTiming
from ..service.contract_records import ContractContact, ContractUnit, StoredAgreement, StoredPlan

UNIT_OF = "SELECT u.hsa_id, u.name, u.address, u.phone FROM care_units u WHERE u.hsa_id = $1"

# The contract's own unit first, then the latest appointment's, then where the patient last sought care or is listed.
CARE_UNIT = """
    SELECT unit FROM (
        SELECT unit, 1 AS rank, updated_at AS at FROM patient_contracts WHERE patient = $1 AND unit IS NOT NULL
        UNION ALL
        SELECT unit, 2, created_at FROM appointments WHERE patient = $1
        UNION ALL
        SELECT coalesce(listed_unit, unit), 3, sought_at FROM contacts WHERE patient = $1
    ) candidates
    JOIN care_units u ON u.hsa_id = candidates.unit
    ORDER BY rank, at DESC NULLS LAST LIMIT 1"""

CARED_FOR = """
    SELECT EXISTS (SELECT FROM appointments WHERE patient = $1 AND unit = ANY($2::text[]))
        OR EXISTS (SELECT FROM contacts
                   WHERE patient = $1 AND (unit = ANY($2::text[]) OR listed_unit = ANY($2::text[])))
        OR EXISTS (SELECT FROM patient_contracts WHERE patient = $1 AND unit = ANY($2::text[]))
        OR EXISTS (SELECT FROM fixed_care_contacts f JOIN practitioners p ON p.hsa_id = f.practitioner
                   WHERE f.patient = $1 AND p.unit = ANY($2::text[]))"""

FIXED_CONTACTS = """
    SELECT f.practitioner, p.name, p.profession, p.unit, u.name AS unit_name, f.is_fixed_doctor
    FROM fixed_care_contacts f
    JOIN practitioners p ON p.hsa_id = f.practitioner
    JOIN care_units u ON u.hsa_id = p.unit
    WHERE f.patient = $1 AND ($2::text[] IS NULL OR p.unit = ANY($2::text[]))
    ORDER BY f.is_fixed_doctor DESC, p.name"""


class PostgresPatientContracts:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def lock(self, patient: str) -> None:
        # The same key as the fixed care contacts' own lock (adapters/schedule.py): one writer per patient.
        await self._connection.execute("SELECT pg_advisory_xact_lock(hashtext($1))", f"fixed-care:{patient}")

    async def agreement(self, patient: str) -> StoredAgreement | None:
        row = await self._connection.fetchrow(
            """SELECT c.care_does, c.patient_does, c.agreement_written_by, c.agreement_written_at,
                      p.name AS author_name, u.name AS unit_name
               FROM patient_contracts c
               LEFT JOIN practitioners p ON p.hsa_id = c.agreement_written_by
               LEFT JOIN care_units u ON u.hsa_id = c.unit
               WHERE c.patient = $1 AND c.agreement_written_at IS NOT NULL""",
            patient,
        )
        if row is None:
            return None
        agreement = Agreement(
            row["care_does"], row["patient_does"], row["agreement_written_by"], row["agreement_written_at"]
        )
        return StoredAgreement(agreement, row["author_name"], row["unit_name"])

    async def save_agreement(self, patient: str, agreement: Agreement, unit: str) -> None:
        await self._connection.execute(
            """INSERT INTO patient_contracts (patient, unit, care_does, patient_does, agreement_written_by,
                                              agreement_written_at, updated_at)
               VALUES ($1, $2, $3, $4, $5, $6, $6)
               ON CONFLICT (patient) DO UPDATE SET unit = $2, care_does = $3, patient_does = $4,
                   agreement_written_by = $5, agreement_written_at = $6, updated_at = $6""",
            patient,
            unit,
            agreement.care_does,
            agreement.patient_does,
            agreement.written_by,
            agreement.written_at,
        )

    async def plan(self, patient: str) -> StoredPlan:
        written = await self._connection.fetchrow(
            "SELECT plan_written_by, plan_written_at FROM patient_contracts WHERE patient = $1", patient
        )
        rows = await self._connection.fetch(
            "SELECT what, who, timing, day, status FROM patient_plan_items WHERE patient = $1 ORDER BY position",
            patient,
        )
        items = tuple(
            PlanItem(r["what"], r["who"], PlanTiming(r["timing"]), r["day"], PlanStatus(r["status"])) for r in rows
        )
        if written is None:
            return StoredPlan(items, None, None)
        return StoredPlan(items, written["plan_written_by"], written["plan_written_at"])

    async def save_plan(self, patient: str, items: Sequence[PlanItem], *, by: str, at: datetime, unit: str) -> None:
        await self._connection.execute(
            """INSERT INTO patient_contracts (patient, unit, plan_written_by, plan_written_at, updated_at)
               VALUES ($1, $2, $3, $4, $4)
               ON CONFLICT (patient) DO UPDATE SET unit = $2, plan_written_by = $3, plan_written_at = $4,
                   updated_at = $4""",
            patient,
            unit,
            by,
            at,
        )
        await self._connection.execute("DELETE FROM patient_plan_items WHERE patient = $1", patient)
        await self._connection.executemany(
            """INSERT INTO patient_plan_items (patient, position, what, who, timing, day, status)
               VALUES ($1, $2, $3, $4, $5, $6, $7)""",
            [
                (patient, position, i.what, i.who, i.timing.value, i.day, i.status.value)
                for position, i in enumerate(items)
            ],
        )

    async def fixed_contacts(self, patient: str, units: Sequence[str] | None) -> list[ContractContact]:
        rows = await self._connection.fetch(FIXED_CONTACTS, patient, None if units is None else list(units))
        return [
            ContractContact(
                r["practitioner"], r["name"], r["profession"], r["unit"], r["unit_name"], r["is_fixed_doctor"]
            )
            for r in rows
        ]

    async def doctors_among(self, practitioners: Sequence[str], units: Sequence[str]) -> dict[str, bool]:
        rows = await self._connection.fetch(
            "SELECT hsa_id, profession FROM practitioners WHERE hsa_id = ANY($1::text[]) AND unit = ANY($2::text[])",
            list(practitioners),
            list(units),
        )
        return {r["hsa_id"]: r["profession"] == "doctor" for r in rows}

    async def all_fixed_contacts(self, patient: str) -> list[FixedContactChoice]:
        rows = await self._connection.fetch(
            """SELECT f.practitioner, p.profession, f.is_fixed_doctor FROM fixed_care_contacts f
               JOIN practitioners p ON p.hsa_id = f.practitioner WHERE f.patient = $1""",
            patient,
        )
        return [
            FixedContactChoice(r["practitioner"], r["profession"] == "doctor", fixed_doctor=r["is_fixed_doctor"])
            for r in rows
        ]

    async def replace_fixed_contacts(
        self, patient: str, units: Sequence[str], chosen: Sequence[FixedContactChoice], *, by: str, at: datetime
    ) -> None:
        await self._connection.execute(
            """DELETE FROM fixed_care_contacts f USING practitioners p
               WHERE f.patient = $1 AND p.hsa_id = f.practitioner AND p.unit = ANY($2::text[])""",
            patient,
            list(units),
        )
        if any(c.fixed_doctor for c in chosen):  # one fixed doctor: another unit's steps down
            await self._connection.execute(
                "UPDATE fixed_care_contacts SET is_fixed_doctor = false WHERE patient = $1", patient
            )
        await self._connection.executemany(
            """INSERT INTO fixed_care_contacts (patient, practitioner, is_fixed_doctor, recorded_by, recorded_at)
               VALUES ($1, $2, $3, $4, $5)""",
            [(patient, c.practitioner, c.fixed_doctor, by, at) for c in chosen],
        )

    async def care_unit(self, patient: str) -> ContractUnit | None:
        unit = await self._connection.fetchval(CARE_UNIT, patient)
        if unit is None:
            return None
        row = await self._connection.fetchrow(UNIT_OF, unit)
        return ContractUnit(row["hsa_id"], row["name"], row["address"], row["phone"]) if row else None

    async def is_cared_for_at(self, patient: str, units: Sequence[str]) -> bool:
        return bool(await self._connection.fetchval(CARED_FOR, patient, list(units)))

    async def log_access(self, reader: Caller, patient: str, *, action: str, at: datetime) -> None:
        await record_staff_read(
            self._connection, reader, patient=patient, action=action, resource=f"patient-contract/{patient}", at=at
        )
