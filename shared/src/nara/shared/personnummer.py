"""Swedish personnummer and samordningsnummer: validation and the canonical 12-digit form YYYYMMDDNNNN.

The check digit, the calendar date and samordningsnummer detection come from the `personnummer`
package. The century of a 10-digit form is resolved here, because the package reads the system date
with no way to pass one in, and tests need a fixed reference date.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from personnummer import personnummer as _pnr

from nara.shared.clock import STOCKHOLM

_EXPECTED_FORM = (
    "Write a personnummer or samordningsnummer as YYYYMMDD-NNNN (12 digits) or YYMMDD-NNNN "
    "(10 digits, with + instead of - from the year the person turns 100)."
)

# ASCII digits only: Python's \d also matches other scripts' digits, which no register issues.
_WRITTEN_FORM = re.compile(
    r"(?P<century>[0-9]{2})?(?P<yymmdd>[0-9]{6})(?P<separator>[-+]?)(?P<serial>[0-9]{3})(?P<check>[0-9])"
)
_COORDINATION_DAY_OFFSET = 60
_EARLIEST_YEAR = 1800  # nobody alive was born earlier; a 12-digit run starting 0123 is some other number


class InvalidPersonnummer(ValueError):
    """Not a personnummer or samordningsnummer; the message says why, and never repeats the number."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"{reason}. {_EXPECTED_FORM}")


def normalise(raw: str, today: date | None = None) -> str:
    """The canonical 12-digit form YYYYMMDDNNNN; raises InvalidPersonnummer if `raw` is not a valid number.

    `today` decides the century of a 10-digit form; it defaults to today's date in Sweden.
    """
    return str(_parse(raw, today).format(long_format=True))


def is_valid(raw: str, today: date | None = None) -> bool:
    try:
        _parse(raw, today)
    except InvalidPersonnummer:
        return False
    return True


def is_coordination_number(raw: str, today: date | None = None) -> bool:
    """Whether a valid number is a samordningsnummer (day + 60); raises InvalidPersonnummer if it is not valid."""
    return bool(_parse(raw, today).is_coordination_number())


def _parse(raw: str, today: date | None) -> _pnr.Personnummer:
    if not isinstance(raw, str):
        raise InvalidPersonnummer("A personnummer must be given as text")
    match = _WRITTEN_FORM.fullmatch(raw.strip())
    if match is None:
        raise InvalidPersonnummer("A personnummer has 10 or 12 digits, with - or + allowed before the last four")
    today = today or datetime.now(STOCKHOLM).date()
    year = _full_year(match["century"], int(match["yymmdd"][:2]), match["separator"], today)
    birth_date = _birth_date(year, int(match["yymmdd"][2:4]), int(match["yymmdd"][4:6]))
    if birth_date > today:
        raise InvalidPersonnummer("The date of birth in the personnummer is in the future")
    if birth_date.year < _EARLIEST_YEAR:
        raise InvalidPersonnummer(f"The date of birth in the personnummer is before {_EARLIEST_YEAR}")
    if match["serial"] == "000":
        raise InvalidPersonnummer("The three digits before the check digit are never 000")
    twelve_digits = f"{year:04d}{match['yymmdd'][2:]}{match['serial']}{match['check']}"
    try:
        return _pnr.parse(twelve_digits)
    except _pnr.PersonnummerException:
        # The form and the date passed above, so what the package rejects is the check digit.
        # `from None`: the package's own message quotes the whole number, and tracebacks reach logs.
        raise InvalidPersonnummer("The check digit (the last digit) does not match the others") from None


def _full_year(century: str | None, two_digit_year: int, separator: str, today: date) -> int:
    if century is not None:
        return int(century) * 100 + two_digit_year
    # 10-digit form: "-" means the person turns under 100 this calendar year, "+" 100 or more
    # (Skatteverket changes the sign at the start of the year the person turns 100).
    latest = today.year - 100 if separator == "+" else today.year
    return latest - (latest - two_digit_year) % 100


def _birth_date(year: int, month: int, day: int) -> date:
    if day > _COORDINATION_DAY_OFFSET:
        day -= _COORDINATION_DAY_OFFSET
    try:
        return date(year, month, day)
    except ValueError:
        raise InvalidPersonnummer("The date of birth in the personnummer does not exist") from None
