"""Care units, practitioners and time types in SQL, as staff set them up."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import time, timedelta
from typing import Any

import asyncpg

from nara.shared.events.vocabulary import Profession

from ..domain.schedule import TimeType
from ..domain.unit_setup import CareUnitDetails, OpeningHours, Practitioner
from .rows import Row, time_type_from

_MINUTE = timedelta(minutes=1)


class PostgresScheduleSetup:
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def care_units(self, hsa_ids: Sequence[str] | None) -> list[CareUnitDetails]:
        rows = await self._connection.fetch(
            """SELECT hsa_id, name, address, phone, opening_hours, offer_minutes FROM care_units
               WHERE $1::text[] IS NULL OR hsa_id = ANY($1::text[]) ORDER BY name, hsa_id""",
            list(hsa_ids) if hsa_ids is not None else None,
        )
        return [_care_unit(row) for row in rows]

    async def care_unit(self, hsa_id: str) -> CareUnitDetails | None:
        row = await self._connection.fetchrow(
            "SELECT hsa_id, name, address, phone, opening_hours, offer_minutes FROM care_units WHERE hsa_id = $1",
            hsa_id,
        )
        return _care_unit(row) if row else None

    async def add_care_unit(self, unit: CareUnitDetails) -> bool:
        added = await self._connection.fetchval(
            """INSERT INTO care_units (hsa_id, name, address, phone, opening_hours, offer_minutes)
               VALUES ($1, $2, $3, $4, $5::jsonb, COALESCE($6, 15))
               ON CONFLICT DO NOTHING RETURNING true""",
            unit.hsa_id,
            unit.name,
            unit.address,
            unit.phone,
            _opening_hours_json(unit.opening_hours),
            unit.offer_minutes,
        )
        return bool(added)

    async def change_care_unit(self, unit: CareUnitDetails) -> None:
        await self._connection.execute(
            """UPDATE care_units SET name = $2, address = $3, phone = $4, opening_hours = $5::jsonb,
                   offer_minutes = COALESCE($6, offer_minutes)
               WHERE hsa_id = $1""",
            unit.hsa_id,
            unit.name,
            unit.address,
            unit.phone,
            _opening_hours_json(unit.opening_hours),
            unit.offer_minutes,
        )

    async def practitioners(self, unit: str) -> list[Practitioner]:
        rows = await self._connection.fetch(
            """SELECT hsa_id, name, profession, unit, active_from, active_to FROM practitioners
               WHERE unit = $1 ORDER BY name, hsa_id""",
            unit,
        )
        return [_practitioner(row) for row in rows]

    async def practitioner(self, hsa_id: str) -> Practitioner | None:
        row = await self._connection.fetchrow(
            "SELECT hsa_id, name, profession, unit, active_from, active_to FROM practitioners WHERE hsa_id = $1", hsa_id
        )
        return _practitioner(row) if row else None

    async def add_practitioner(self, practitioner: Practitioner) -> bool:
        added = await self._connection.fetchval(
            """INSERT INTO practitioners (hsa_id, name, profession, unit, active_from, active_to)
               VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING true""",
            *_practitioner_values(practitioner),
        )
        return bool(added)

    async def save_practitioners(self, practitioners: Sequence[Practitioner]) -> tuple[int, list[str]]:
        if not practitioners:
            return 0, []
        # The WHERE leaves a practitioner of another unit alone (no row back), even one added at this moment.
        rows = await self._connection.fetch(
            """INSERT INTO practitioners (hsa_id, name, profession, unit, active_from, active_to)
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::date[], $6::date[])
                ON CONFLICT (hsa_id) DO UPDATE
                SET name = EXCLUDED.name, profession = EXCLUDED.profession,
                    active_from = EXCLUDED.active_from, active_to = EXCLUDED.active_to
                WHERE practitioners.unit = EXCLUDED.unit
                RETURNING hsa_id, xmax = 0 AS added""",
            *(list(column) for column in zip(*(_practitioner_values(p) for p in practitioners), strict=True)),
        )
        saved = {row["hsa_id"] for row in rows}
        return sum(1 for row in rows if row["added"]), [p.hsa_id for p in practitioners if p.hsa_id not in saved]

    async def time_types_for(self, unit: str) -> list[TimeType]:
        rows = await self._connection.fetch(
            "SELECT * FROM time_types WHERE unit = $1 OR unit IS NULL ORDER BY unit NULLS LAST, name, code", unit
        )
        return [time_type_from(row) for row in rows]

    async def time_type(self, code: str) -> TimeType | None:
        row = await self._connection.fetchrow("SELECT * FROM time_types WHERE code = $1", code)
        return time_type_from(row) if row else None

    async def add_time_type(self, time_type: TimeType) -> bool:
        added = await self._connection.fetchval(
            """INSERT INTO time_types (code, name, profession, contact_form, length_minutes, booking_channel,
                   web_cancel_allowed, web_rebook_allowed, cancel_notice_minutes, rebook_notice_minutes,
                   reason_required, capacity, medical_assessment, unit, reminder_hours)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
               ON CONFLICT DO NOTHING RETURNING true""",
            *_time_type_values(time_type),
        )
        return bool(added)

    async def change_time_type(self, time_type: TimeType) -> None:
        await self._connection.execute(
            """UPDATE time_types SET name = $2, profession = $3, contact_form = $4, length_minutes = $5,
                   booking_channel = $6, web_cancel_allowed = $7, web_rebook_allowed = $8, cancel_notice_minutes = $9,
                   rebook_notice_minutes = $10, reason_required = $11, capacity = $12, medical_assessment = $13,
                   reminder_hours = $15
               WHERE code = $1 AND unit IS NOT DISTINCT FROM $14""",
            *_time_type_values(time_type),
        )

    async def units_using_time_type(self, code: str) -> list[str]:
        rows = await self._connection.fetch(
            """SELECT DISTINCT p.unit FROM weekly_templates w JOIN practitioners p ON p.hsa_id = w.practitioner
               WHERE w.time_type = $1 ORDER BY p.unit""",
            code,
        )
        return [row["unit"] for row in rows]


def _care_unit(row: Row) -> CareUnitDetails:
    hours = row["opening_hours"]
    hours = json.loads(hours) if isinstance(hours, str) else hours
    return CareUnitDetails(
        row["hsa_id"],
        row["name"],
        row["address"],
        row["phone"],
        tuple(
            OpeningHours(int(h["weekday"]), time.fromisoformat(h["opens"]), time.fromisoformat(h["closes"]))
            for h in sorted(hours, key=lambda h: int(h["weekday"]))
        ),
        row["offer_minutes"],
    )


def _opening_hours_json(hours: Sequence[OpeningHours]) -> str:
    """The shape the citizens' list has always read: [{"weekday": 1, "opens": "08:00", "closes": "17:00"}]."""
    return json.dumps(
        [
            {"weekday": h.weekday, "opens": h.opens.strftime("%H:%M"), "closes": h.closes.strftime("%H:%M")}
            for h in hours
        ]
    )


def _practitioner(row: Row) -> Practitioner:
    return Practitioner(
        row["hsa_id"], row["name"], Profession(row["profession"]), row["unit"], row["active_from"], row["active_to"]
    )


def _practitioner_values(practitioner: Practitioner) -> tuple[Any, ...]:
    p = practitioner
    return (p.hsa_id, p.name, p.profession.value, p.unit, p.active_from, p.active_to)


def _time_type_values(time_type: TimeType) -> tuple[Any, ...]:
    t = time_type
    return (
        t.code,
        t.name,
        str(t.profession),
        str(t.contact_form),
        t.length // _MINUTE,
        t.booking_channel.value,
        t.web_cancel_allowed,
        t.web_rebook_allowed,
        t.cancel_notice // _MINUTE,
        t.rebook_notice // _MINUTE,
        t.reason_required,
        t.capacity,
        t.medical_assessment,
        t.unit,
        list(t.reminder_hours),
    )
