"""Practitioners from a CSV file, for a unit moving from another system: every bad line is named, or none is used.

Columns, with a header row: hsa_id, namn, yrke (the Swedish word or the code), and, either of them may be left out,
aktiv_fran and aktiv_till. Swedish Excel writes ';' and a byte-order mark; both separators and both encodings are
read.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from nara.shared.events.vocabulary import Profession
from nara.shared.free_text import PersonnummerInText, no_personnummer
from nara.shared.web.fields import HSA_ID_PATTERN, SHORT_TEXT
from nara.shared.web.labels import PROFESSIONS

from ..domain.errors import InvalidRequest, InvalidRows
from ..domain.unit_setup import Practitioner, check_active_days

MOST_ROWS = 2000
REQUIRED_COLUMNS = ("hsa_id", "namn", "yrke")
OPTIONAL_COLUMNS = ("aktiv_fran", "aktiv_till")  # empty or left out: since always, until further notice
# What a person may write in yrke: the Swedish word in any case, or the code.
PROFESSION_WORDS: dict[str, Profession] = {
    **{word.lower(): Profession(code) for code, word in PROFESSIONS.items()},
    **{profession.value: profession for profession in Profession},
}
_HSA_ID = re.compile(HSA_ID_PATTERN)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
EARLIEST_DAY, LATEST_DAY = date(1900, 1, 1), date(2100, 12, 31)


@dataclass(frozen=True)
class ImportedPractitioner:
    line: int  # in the file, the header is line 1
    practitioner: Practitioner


def parse_practitioners(text: str, unit: str) -> list[ImportedPractitioner]:
    """The file's practitioners at `unit`; InvalidRows naming every line that cannot be used."""
    text = text.removeprefix("\ufeff")
    lines = text.splitlines()
    header_line = next((line for line in lines if line.strip()), "")
    separator = ";" if header_line.count(";") >= header_line.count(",") and ";" in header_line else ","
    reader = csv.reader(lines, delimiter=separator)
    header: list[str] | None = None
    found: list[ImportedPractitioner] = []
    errors: list[tuple[int, str]] = []
    seen: dict[str, int] = {}
    for row in _rows(reader):
        if not any(cell.strip() for cell in row):
            continue
        if header is None:
            header = [_column_name(cell) for cell in row]
            missing = [column for column in REQUIRED_COLUMNS if column not in header]
            if missing:
                raise InvalidRows(
                    "Rubrikraden saknar kolumner: " + ", ".join(missing) + ". Filen ska börja med raden "
                    "hsa_id;namn;yrke;aktiv_fran;aktiv_till.",
                    [(reader.line_num, "Saknar kolumnerna " + ", ".join(missing) + ".")],
                )
            continue
        cells = {name: (row[i].strip() if i < len(row) else "") for i, name in enumerate(header)}
        try:
            practitioner = _practitioner(cells, unit)
        except ValueError as wrong:
            errors.append((reader.line_num, str(wrong)))
            continue
        if practitioner.hsa_id in seen:
            errors.append((reader.line_num, f"HSA-id:t finns redan på rad {seen[practitioner.hsa_id]}."))
            continue
        seen[practitioner.hsa_id] = reader.line_num
        found.append(ImportedPractitioner(reader.line_num, practitioner))
    if header is None or (not found and not errors):
        raise InvalidRows("Filen har inga behandlare. Ange en rubrikrad och en rad per behandlare.", [(1, "Tom fil.")])
    if len(found) + len(errors) > MOST_ROWS:
        raise InvalidRows(f"Filen har fler än {MOST_ROWS} rader. Dela upp den.", [(1, "För många rader.")])
    if errors:
        raise invalid_rows(errors)
    return found


def _rows(reader: Any) -> Iterator[list[str]]:
    """The reader's rows; a field it cannot read (longer than csv's field limit) ends the file as a bad line."""
    try:
        yield from reader
    except csv.Error:
        raise InvalidRows(
            f"Rad {reader.line_num + 1} går inte att läsa som CSV. Kontrollera citattecknen.",
            [(reader.line_num + 1, "Raden går inte att läsa som CSV.")],
        ) from None


def invalid_rows(errors: list[tuple[int, str]]) -> InvalidRows:
    numbers = ", ".join(str(line) for line, _ in errors)
    return InvalidRows(f"Inget sparades: rad {numbers} går inte att använda. Rätta raderna och läs in igen.", errors)


def _column_name(cell: str) -> str:
    return cell.strip().lower().replace("å", "a").replace("ä", "a").replace("ö", "o").replace(" ", "_")


def _practitioner(cells: dict[str, str], unit: str) -> Practitioner:
    hsa_id, name, word = cells.get("hsa_id", ""), cells.get("namn", ""), cells.get("yrke", "")
    if not _HSA_ID.match(hsa_id) or len(hsa_id) > 44:
        raise ValueError(f"HSA-id:t ”{hsa_id[:50]}” har fel form (till exempel SE2321000115-P000000001).")
    if not name:
        raise ValueError("Namn saknas.")
    if len(name) > SHORT_TEXT or _CONTROL.search(name):
        raise ValueError(f"Namnet får vara högst {SHORT_TEXT} vanliga tecken.")
    try:
        no_personnummer(name)
        no_personnummer(hsa_id.partition("-")[2])
    except PersonnummerInText:
        raise ValueError("Raden innehåller ett personnummer. Ta bort det.") from None
    profession = PROFESSION_WORDS.get(word.lower())
    if profession is None:
        raise ValueError(f"Yrket ”{word[:50]}” känns inte igen. Använd till exempel Läkare eller Sjuksköterska.")
    active_from = _day(cells.get("aktiv_fran", ""), "Aktiv från")
    active_to = _day(cells.get("aktiv_till", ""), "Aktiv till")
    try:
        check_active_days(active_from, active_to)
    except InvalidRequest as wrong:
        raise ValueError(wrong.message) from None
    return Practitioner(hsa_id, name, profession, unit, active_from, active_to)


def _day(value: str, what: str) -> date | None:
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{what} ”{value[:20]}” är inte ett datum (ÅÅÅÅ-MM-DD).") from None
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ValueError(f"{what} ska vara ett datum mellan år 1900 och 2100.")
    return day
