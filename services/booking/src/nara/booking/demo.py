"""Demo data for local runs, made through the schedulers' own API: three care units in Halland, the region's time
types, every profession's practitioners and their weekly templates. The slots follow from the templates, as
everywhere (service/hours.py and the horizon job keep them generated ahead).

Going through /api/v1 (in process, with development tokens) means the demo proves the API a unit is set up with:
an administrator adds the units and the region's time types, and each unit's scheduler imports its practitioners
and weekly templates as CSV files, as a unit moving from another system would."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import httpx
from fastapi import FastAPI

from nara.shared.identity import issue_dev_token

log = logging.getLogger(__name__)

WEEKDAYS = range(1, 6)
OPENING_HOURS = [{"weekday": d, "opens": "08:00", "closes": "17:00"} for d in WEEKDAYS]
ADMIN = "SE2321000115-P000000001"
SCHEDULER = "SE2321000115-P000000002"

# HSA-id, name, address, phone
UNITS = [
    ("SE2321000115-E00000000011", "Vårdcentralen Falkenberg", "Storgatan 40, 311 31 Falkenberg", "0346-85 00 00"),
    ("SE2321000115-E00000000012", "Vårdcentralen Oskarström", "Nissastigen 2, 313 30 Oskarström", "035-13 40 00"),
    ("SE2321000115-E00000000013", "Vårdcentralen Fyllinge", "Fyllingegatan 5, 302 58 Halmstad", "035-13 42 00"),
]


def time_type(
    code: str,
    name: str,
    profession: str,
    contact_form: str,
    minutes: int,
    who_books: str,
    *,
    notice_hours: int = 24,
    web_changes: bool = True,
    web_rebook: bool | None = None,
    reason_required: bool = False,
    places: int = 1,
    medical_assessment: bool = True,
) -> dict[str, Any]:
    """A region time type as POST /api/v1/time-types takes it. A visit with any licensed profession domain.md lists
    is a medical assessment; the drop-in's wound dressing and blood pressure are care, not an assessment."""
    return {
        "code": code,
        "name": name,
        "profession": profession,
        "contact_form": contact_form,
        "length_minutes": minutes,
        "booking_channel": who_books,
        "web_cancel_allowed": web_changes,
        "cancel_notice_hours": notice_hours,
        "web_rebook_allowed": web_changes if web_rebook is None else web_rebook,
        "rebook_notice_hours": notice_hours,
        "reason_required": reason_required,
        "capacity": places,
        "medical_assessment": medical_assessment,
    }


TIME_TYPES = [
    time_type("LAK_BESOK", "Läkarbesök", "doctor", "clinic", 20, "triaged", reason_required=True),
    time_type("LAK_VIDEO", "Videobesök hos läkare", "doctor", "video", 15, "triaged", reason_required=True),
    time_type("SSK_BESOK", "Sjuksköterskebesök", "nurse", "clinic", 20, "web"),
    time_type("SSK_TELEFON", "Telefontid hos sjuksköterska", "nurse", "phone", 15, "web", notice_hours=4),
    time_type("DSK_BESOK", "Distriktssköterska, mottagning", "district_nurse", "clinic", 20, "web"),
    time_type(
        "DSK_HEMBESOK",
        "Hembesök av distriktssköterska",
        "district_nurse",
        "home",
        45,
        "triaged",
        web_changes=False,
        reason_required=True,
    ),
    time_type(
        "DSK_DROPIN",
        "Drop-in: såromläggning och blodtryck",
        "district_nurse",
        "clinic",
        30,
        "web",
        notice_hours=2,
        web_rebook=False,
        places=4,
        medical_assessment=False,
    ),
    time_type("FYS_BESOK", "Fysioterapeut, första besök", "physiotherapist", "clinic", 45, "web"),
    time_type("AT_BESOK", "Arbetsterapeut", "occupational_therapist", "clinic", 45, "web"),
    time_type(
        "PSY_VIDEO",
        "Psykolog, videosamtal",
        "psychologist",
        "video",
        45,
        "triaged",
        notice_hours=48,
        reason_required=True,
    ),
    time_type("KUR_BESOK", "Kurator, samtal", "counsellor", "clinic", 45, "web"),
    time_type("BM_BESOK", "Barnmorska, besök", "midwife", "clinic", 30, "web"),
]

# Per unit: (suffix, name, profession, [(time type, weekdays, from, to)])
STAFF: list[tuple[str, str, str, list[tuple[str, Iterable[int], str, str]]]] = [
    (
        "01",
        "Anna Lindqvist",
        "doctor",
        [("LAK_BESOK", WEEKDAYS, "08:00", "12:00"), ("LAK_VIDEO", WEEKDAYS, "13:00", "15:00")],
    ),
    ("02", "Erik Johansson", "doctor", [("LAK_BESOK", WEEKDAYS, "09:00", "16:00")]),
    (
        "03",
        "Maria Svensson",
        "nurse",
        [("SSK_BESOK", WEEKDAYS, "08:00", "12:00"), ("SSK_TELEFON", WEEKDAYS, "13:00", "16:00")],
    ),
    (
        "04",
        "Karin Nilsson",
        "district_nurse",
        [
            ("DSK_BESOK", WEEKDAYS, "08:00", "11:00"),
            ("DSK_DROPIN", (2, 4), "13:00", "15:00"),
            ("DSK_HEMBESOK", (1, 3, 5), "13:00", "16:00"),
        ],
    ),
    ("05", "Johan Berg", "physiotherapist", [("FYS_BESOK", WEEKDAYS, "08:00", "16:00")]),
    ("06", "Sara Ek", "occupational_therapist", [("AT_BESOK", (1, 2, 3), "09:00", "15:00")]),
    ("07", "Lars Holm", "psychologist", [("PSY_VIDEO", WEEKDAYS, "09:00", "15:00")]),
    ("08", "Eva Dahl", "counsellor", [("KUR_BESOK", (2, 3, 4), "09:00", "15:00")]),
    ("09", "Linnea Ström", "midwife", [("BM_BESOK", (1, 3, 5), "08:00", "12:00")]),
]


class DemoRefused(RuntimeError):
    """The API refused a piece of the demo data: the demo and the rules disagree, so the start stops."""


def practitioner_id(unit_number: int, suffix: str) -> str:
    return f"SE2321000115-P000000{unit_number}{suffix}"


def practitioners_csv(unit_number: int) -> str:
    lines = ["hsa_id;namn;yrke"]
    lines += [f"{practitioner_id(unit_number, suffix)};{name};{profession}" for suffix, name, profession, _ in STAFF]
    return "\n".join(lines) + "\n"


def templates_csv(unit_number: int) -> str:
    lines = ["behandlare;veckodag;start;slut;tidtyp"]
    for suffix, _, _, hours in STAFF:
        for code, weekdays, starts, ends in hours:
            lines += [f"{practitioner_id(unit_number, suffix)};{day};{starts};{ends};{code}" for day in weekdays]
    return "\n".join(lines) + "\n"


async def load_demo_data(app: FastAPI, region_office: str) -> None:
    """Idempotent: run at every start. A unit that exists already is left as it is (someone may have changed it
    on the pages); a new one gets its practitioners and templates."""
    admin = _bearer("admin", ADMIN, [region_office])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://booking-demo", timeout=120) as client:
        for body in TIME_TYPES:  # the region's, shared by every unit
            await _expect(await client.post("/api/v1/time-types", json=body, headers=admin), 201, 409)
        for unit_number, (unit, name, address, phone) in enumerate(UNITS, start=1):
            body = {"hsa_id": unit, "name": name, "address": address, "phone": phone, "opening_hours": OPENING_HOURS}
            created = await _expect(await client.post("/api/v1/care-units", json=body, headers=admin), 201, 409)
            if created.status_code == 409:
                continue
            scheduler = {**_bearer("scheduler", SCHEDULER, [unit]), "Content-Type": "text/csv; charset=utf-8"}
            for path, csv_file in (
                (f"/api/v1/care-units/{unit}/practitioners/import", practitioners_csv(unit_number)),
                (f"/api/v1/care-units/{unit}/templates/import", templates_csv(unit_number)),
            ):
                await _expect(await client.post(path, content=csv_file.encode(), headers=scheduler), 200)
            log.info("demo unit set up through the API", extra={"unit": unit})


def _bearer(role: str, hsa_id: str, units: list[str]) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_dev_token(role, hsa_id, units)}"}


async def _expect(response: httpx.Response, *statuses: int) -> httpx.Response:
    if response.status_code not in statuses:
        raise DemoRefused(
            f"{response.request.method} {response.request.url.path}: {response.status_code} {response.text}"
        )
    return response
