"""Demo data for local runs: three care units in Halland, every profession, fourteen days of slots."""

from __future__ import annotations

from collections.abc import Iterable

import asyncpg

from .adapters.reference_data import PostgresReferenceData

WEEKDAYS = range(1, 6)
OPENING_HOURS = [{"weekday": d, "opens": "08:00", "closes": "17:00"} for d in WEEKDAYS]

UNITS = [
    ("SE2321000115-E00000000011", "Vårdcentralen Falkenberg", "Storgatan 40, 311 31 Falkenberg"),
    ("SE2321000115-E00000000012", "Vårdcentralen Oskarström", "Nissastigen 2, 313 30 Oskarström"),
    ("SE2321000115-E00000000013", "Vårdcentralen Fyllinge", "Fyllingegatan 5, 302 58 Halmstad"),
]

# code, Swedish name, profession, contact form, minutes, visible, web cancel, web rebook, notice hours,
# reason required, capacity
TIME_TYPES: list[tuple[str, str, str, str, int, bool, bool, bool, int, bool, int]] = [
    ("LAK_BESOK", "Läkarbesök", "doctor", "clinic", 20, False, True, True, 24, True, 1),
    ("LAK_VIDEO", "Videobesök hos läkare", "doctor", "video", 15, False, True, True, 24, True, 1),
    ("SSK_BESOK", "Sjuksköterskebesök", "nurse", "clinic", 20, True, True, True, 24, False, 1),
    ("SSK_TELEFON", "Telefontid hos sjuksköterska", "nurse", "phone", 15, True, True, True, 4, False, 1),
    ("DSK_BESOK", "Distriktssköterska, mottagning", "district_nurse", "clinic", 20, True, True, True, 24, False, 1),
    ("DSK_HEMBESOK", "Hembesök av distriktssköterska", "district_nurse", "home", 45, False, False, False, 24, True, 1),
    (
        "DSK_DROPIN",
        "Drop-in: såromläggning och blodtryck",
        "district_nurse",
        "clinic",
        30,
        True,
        True,
        False,
        2,
        False,
        4,
    ),
    ("FYS_BESOK", "Fysioterapeut, första besök", "physiotherapist", "clinic", 45, True, True, True, 24, False, 1),
    ("AT_BESOK", "Arbetsterapeut", "occupational_therapist", "clinic", 45, True, True, True, 24, False, 1),
    ("PSY_VIDEO", "Psykolog, videosamtal", "psychologist", "video", 45, False, True, True, 48, True, 1),
    ("KUR_BESOK", "Kurator, samtal", "counsellor", "clinic", 45, True, True, True, 24, False, 1),
    ("BM_BESOK", "Barnmorska, besök", "midwife", "clinic", 30, True, True, True, 24, False, 1),
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


async def load_demo_data(connection: asyncpg.Connection) -> None:
    """Idempotent: run at every start, it only adds what is missing. The slots come from the templates, as
    everywhere: the service keeps them generated ahead (service/schedule.py, roll_slots_forward)."""
    reference = PostgresReferenceData(connection)
    async with connection.transaction():
        for hsa_id, name, address in UNITS:
            await reference.add_care_unit(hsa_id, name, address, OPENING_HOURS)
        await reference.add_time_types(TIME_TYPES)
        for unit_number, (unit, _, _) in enumerate(UNITS, start=1):
            for suffix, name, profession, hours in STAFF:
                practitioner = f"SE2321000115-P000000{unit_number}{suffix}"
                if await reference.add_practitioner(practitioner, name, profession, unit):
                    await reference.add_weekly_templates(
                        practitioner,
                        [(code, day, starts, ends) for code, weekdays, starts, ends in hours for day in weekdays],
                    )
