"""Reading the file a regional listing system exports: personnummer, the unit's HSA-id and the day the listing
began, one patient a row, under a header row.

Such exports come from spreadsheets as often as from programs, so both comma and semicolon separate the
columns, the header may be in Swedish or English, and the file may be UTF-8 or Windows-1252. Every row is
checked before anything is stored: one bad row refuses the whole file, with every problem listed by row.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

from nara.shared.personnummer import InvalidPersonnummer, normalise

from .listing import ListingProblem, checked_listed_from, checked_unit

MAX_ROWS = 500_000
MAX_ERRORS_LISTED = 100  # enough to see the pattern; the count says how many there are in all
SHOWN = 200  # characters of the file an error message quotes at most
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
# The columns by the names exports give them (lower case, without diacritics, spaces as underscores).
COLUMNS = {
    "personnummer": {"personnummer", "pnr", "patient", "personal_identity_number", "personnummer_samordningsnummer"},
    "unit": {
        "enhet",
        "hsa_id",
        "enhetens_hsa_id",
        "vardenhet",
        "vardenhet_hsa_id",
        "unit",
        "unit_hsa_id",
        "listad_enhet",
        "listed_unit",
        "vardcentral",
    },
    "listed_from": {
        "listad_fran",
        "listad_sedan",
        "listningsdatum",
        "fran",
        "from",
        "listed_from",
        "listed_since",
        "datum",
    },
}
COLUMN_NAMES_SV = {"personnummer": "personnummer", "unit": "enhetens HSA-id", "listed_from": "listad från"}


@dataclass(frozen=True)
class ListingRow:
    line: int  # the row's line in the file, the header being line 1
    personnummer: str  # normalised, 12 digits
    unit: str
    listed_from: date


@dataclass(frozen=True)
class RowError:
    line: int  # 0 for the file as a whole
    column: str | None
    message: str  # Swedish, without the personnummer

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.line, "column": self.column, "message": self.message}


@dataclass(frozen=True)
class ListingFile:
    rows: list[ListingRow]
    errors: list[RowError]

    @property
    def usable(self) -> bool:
        return not self.errors and bool(self.rows)


def decode(content: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), or Windows-1252 as Swedish spreadsheets save it."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def read_listing_file(text: str, today: date) -> ListingFile:
    """Every row checked; the errors say, in Swedish and by row, what to correct before sending the file again."""
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        return ListingFile(
            [],
            [
                RowError(
                    0,
                    None,
                    "Filen är tom. Skicka listningssystemets export med en "
                    "rubrikrad: personnummer, enhetens HSA-id, listad från.",
                )
            ],
        )
    dialect = _dialect(lines[0])
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = next(reader)
    except csv.Error:
        return ListingFile([], [_unreadable(1)])
    positions, header_errors = _columns(header)
    if header_errors:
        return ListingFile([], header_errors)
    rows: list[ListingRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for values in _rows(reader, errors):
        line = reader.line_num
        if not any(value.strip() for value in values):
            continue  # a blank line, e.g. at the end
        if len(rows) + len(errors) >= MAX_ROWS:
            errors.append(RowError(line, None, f"Filen har fler än {MAX_ROWS} rader. Dela upp den i flera filer."))
            break
        row, problems = _row(line, values, positions, today)
        if row is not None and row.personnummer in seen:
            problems.append(
                RowError(
                    line,
                    "personnummer",
                    f"Rad {line}: samma personnummer finns redan på rad {seen[row.personnummer]}. "
                    "En patient är listad på en vårdcentral: ta bort den ena raden.",
                )
            )
        if problems:
            errors.extend(problems)
        elif row is not None:
            seen[row.personnummer] = line
            rows.append(row)
    if not rows and not errors:
        errors.append(RowError(0, None, "Filen har bara en rubrikrad och inga listningar."))
    return ListingFile(rows, errors)


class _CsvReader(Protocol):
    """What csv.reader gives: rows, and the line it has read up to."""

    line_num: int

    def __next__(self) -> list[str]: ...


def _rows(reader: _CsvReader, errors: list[RowError]) -> Iterator[list[str]]:
    """The rows the reader can read; a row it cannot (a field over the csv module's limit, a quote that never
    ends) is an error of its own line, and the rest of the file is not read: where it ends is anybody's guess."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error:
            errors.append(_unreadable(reader.line_num))
            return


def _unreadable(line: int) -> RowError:
    return RowError(
        line,
        None,
        f"Rad {line} går inte att läsa: ett fält är för långt eller ett citattecken avslutas "
        "aldrig. Kontrollera raden i exporten och skicka filen igen.",
    )


def _shown(values: list[str]) -> str:
    """Values as an error message may quote them: printable, and short."""
    text = _CONTROL.sub("?", ", ".join(values))
    return text if len(text) <= SHOWN else text[:SHOWN] + "…"


def _dialect(header_line: str) -> type[csv.Dialect]:
    class Export(csv.excel):
        delimiter = ";" if header_line.count(";") > header_line.count(",") else ","

    return Export


def _name(raw: str) -> str:
    plain = unicodedata.normalize("NFKD", raw.strip().lower())
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return "_".join(plain.replace("-", " ").split())


def _columns(header: list[str]) -> tuple[dict[str, int], list[RowError]]:
    names = [_name(h) for h in header]
    positions: dict[str, int] = {}
    for column, aliases in COLUMNS.items():
        found = [i for i, name in enumerate(names) if name in aliases]
        if len(found) == 1:
            positions[column] = found[0]
    missing = [COLUMN_NAMES_SV[c] for c in COLUMNS if c not in positions]
    if not missing:
        return positions, []
    return positions, [
        RowError(
            1,
            None,
            f"Rubrikraden saknar {', '.join(missing)}. Filen ska ha en rubrikrad med "
            "kolumnerna personnummer, enhetens HSA-id och listad från (ÅÅÅÅ-MM-DD), "
            f"åtskilda med komma eller semikolon. Rubrikraden var: {_shown(header)}.",
        )
    ]


def _row(
    line: int, values: list[str], positions: dict[str, int], today: date
) -> tuple[ListingRow | None, list[RowError]]:
    def value(column: str) -> str:
        position = positions[column]
        return values[position].strip() if position < len(values) else ""

    problems: list[RowError] = []
    personnummer = unit = listed_from = None
    raw = value("personnummer")
    if not raw:
        problems.append(RowError(line, "personnummer", f"Rad {line}: personnummer saknas."))
    else:
        try:
            personnummer = normalise(raw, today)
        except InvalidPersonnummer:
            problems.append(
                RowError(
                    line,
                    "personnummer",
                    f"Rad {line}: personnumret stämmer inte (datum eller kontrollsiffra). Skriv det som ÅÅÅÅMMDD-NNNN.",
                )
            )
    try:
        unit = checked_unit(value("unit"))
    except ListingProblem as problem:
        problems.append(RowError(line, "unit", f"Rad {line}: {problem}"))
    raw_date = value("listed_from")
    if not raw_date:
        problems.append(RowError(line, "listed_from", f"Rad {line}: datum saknas i kolumnen listad från."))
    else:
        try:
            listed_from = checked_listed_from(_date(raw_date), today)
        except ValueError as problem:
            message = (
                str(problem)
                if isinstance(problem, ListingProblem)
                else "datumet går inte att läsa. Skriv det som ÅÅÅÅ-MM-DD, till exempel 2024-03-01."
            )
            problems.append(RowError(line, "listed_from", f"Rad {line}: {message}"))
    if problems or personnummer is None or unit is None or listed_from is None:  # each None has its problem
        return None, problems
    return ListingRow(line, personnummer, unit, listed_from), []


def _date(raw: str) -> date:
    """ÅÅÅÅ-MM-DD, or ÅÅÅÅMMDD as some exports write it."""
    if len(raw) == 8 and raw.isdigit():
        raw = f"{raw[:4]}-{raw[4:6]}-{raw[6:]}"
    return date.fromisoformat(raw)
