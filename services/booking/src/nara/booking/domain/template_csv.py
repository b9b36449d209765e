"""Weekly templates from a CSV file, as a unit moving from another system exports them.

Header row: behandlare (HSA-id), veckodag (1-7 or a Swedish day name), start, slut (HH:MM, Stockholm wall clock),
tidtyp (the time type's code), giltig_fran, giltig_till (YYYY-MM-DD, may be empty). Separated by ';' or ',';
UTF-8 with or without a byte order mark. Each bad line is reported with its number, in Swedish."""

from __future__ import annotations

import csv
import re
from datetime import date, time

from .hours import WEEKDAY_NAMES
from .schedule import WeeklyTemplate

COLUMNS = ("behandlare", "veckodag", "start", "slut", "tidtyp", "giltig_fran", "giltig_till")
OPTIONAL = frozenset({"giltig_fran", "giltig_till"})
MAX_LINES = 5000
HSA_ID = re.compile(r"^SE[0-9]{10}-[A-Za-z0-9]{1,31}$")
TIME_TYPE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,79}$")
WALL_CLOCK = re.compile(r"^([01]?[0-9]|2[0-3])[:.]([0-5][0-9])$")
DAY_NAMES = {name: number for number, name in enumerate(WEEKDAY_NAMES, start=1)} | {
    name[:3]: number for number, name in enumerate(WEEKDAY_NAMES, start=1)
}

Problem = tuple[int, str]  # (line number, what is wrong)


def parse_templates(text: str, unit: str) -> tuple[list[tuple[int, WeeklyTemplate]], list[Problem]]:
    """The file's templates for the unit, by line number, and the lines that could not be read."""
    text = text.removeprefix("\ufeff")
    if "\x00" in text:
        return [], [(1, "Filen innehåller tecken som inte hör hemma i en textfil. Spara den som CSV UTF-8.")]
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        return [], [(1, "Filen är tom. Första raden ska vara rubrikerna " + ";".join(COLUMNS) + ".")]
    if len(lines) > MAX_LINES + 1:
        return [], [(MAX_LINES + 2, f"Filen har fler än {MAX_LINES} rader. Dela upp den.")]
    separator = ";" if lines[0].count(";") >= lines[0].count(",") else ","
    try:
        rows = list(csv.reader(lines, delimiter=separator))
    except csv.Error as unreadable:
        return [], [(1, f"Filen går inte att läsa som CSV ({unreadable}). Spara den som CSV UTF-8.")]
    header = [_header_name(cell) for cell in rows[0]]
    missing = [column for column in COLUMNS if column not in header and column not in OPTIONAL]
    if missing:
        return [], [(1, "Rubrikraden saknar " + ", ".join(missing) + ". Rubrikerna är " + ";".join(COLUMNS) + ".")]
    parsed: list[tuple[int, WeeklyTemplate]] = []
    problems: list[Problem] = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue  # a blank line
        cells = {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header)}
        try:
            parsed.append((number, _template(cells, unit)))
        except ValueError as wrong:
            problems.append((number, str(wrong)))
    if not parsed and not problems:
        problems.append((2, "Filen har inga pass under rubrikraden."))
    return parsed, problems


def _header_name(cell: str) -> str:
    return cell.strip().lower().replace("å", "a").replace("ä", "a").replace("ö", "o").replace(" ", "_")


def _template(cells: dict[str, str], unit: str) -> WeeklyTemplate:
    practitioner = cells["behandlare"]
    if not HSA_ID.match(practitioner):
        raise ValueError(f"behandlare {practitioner!r} är inget HSA-id (till exempel SE2321000115-P000000101).")
    time_type = cells["tidtyp"]
    if not TIME_TYPE.match(time_type):
        raise ValueError(f"tidtyp {time_type!r} är ingen tidtypskod.")
    return WeeklyTemplate(
        practitioner=practitioner,
        unit=unit,
        time_type=time_type,
        weekday=_weekday(cells["veckodag"]),
        starts=_wall_clock("start", cells["start"]),
        ends=_wall_clock("slut", cells["slut"]),
        valid_from=_day("giltig_fran", cells.get("giltig_fran", "")),
        valid_to=_day("giltig_till", cells.get("giltig_till", "")),
    )


def _weekday(value: str) -> int:
    lowered = value.lower()
    if lowered.isdigit() and 1 <= int(lowered) <= 7:
        return int(lowered)
    if lowered in DAY_NAMES:
        return DAY_NAMES[lowered]
    raise ValueError(f"veckodag {value!r} ska vara 1–7 (måndag är 1) eller ett veckodagsnamn, till exempel tisdag.")


def _wall_clock(column: str, value: str) -> time:
    found = WALL_CLOCK.match(value)
    if not found:
        raise ValueError(f"{column} {value!r} ska vara en tid som TT:MM, till exempel 08:30.")
    return time(int(found.group(1)), int(found.group(2)))


def _day(column: str, value: str) -> date | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{column} {value!r} ska vara ett datum som ÅÅÅÅ-MM-DD.") from None
    if not date(2000, 1, 1) <= day <= date(2100, 1, 1):
        raise ValueError(f"{column} {value!r} ligger utanför åren 2000–2100.")
    return day
