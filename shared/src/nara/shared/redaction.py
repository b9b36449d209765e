"""Keeps personnummer and samordningsnummer out of log lines, wherever in a record they hide."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from datetime import date
from functools import partial
from typing import Any

from nara.shared.clock import Clock, SystemClock, to_stockholm
from nara.shared.personnummer import is_valid

PLACEHOLDER = "[personnummer]"

# A run of exactly 10 or 12 digits, with or without a separator before the last four. The
# lookarounds keep it from biting into longer digit runs (card numbers, epoch milliseconds), while
# letters and slashes around it do not stop it, so `/patients/191212121212` is still caught.
_CANDIDATE = re.compile(r"(?<![0-9])(?:[0-9]{8}|[0-9]{6})[-+ ]?[0-9]{4}(?![0-9])")

_STANDARD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
    "taskName",
}
_MAX_DEPTH = 8  # deeper than any honest log field; also stops on self-referencing structures


def redact_personnummer(text: str, today: date | None = None) -> str:
    """`text` with each valid personnummer or samordningsnummer replaced by the placeholder."""
    return _CANDIDATE.sub(partial(_placeholder_if_valid, today=today), text)


def contains_personnummer(text: str, today: date | None = None) -> bool:
    """Whether `text` holds a valid personnummer or samordningsnummer (10 or 12 digits, any separator)."""
    return redact_personnummer(text, today) != text


def _placeholder_if_valid(match: re.Match[str], today: date | None) -> str:
    # Only numbers with a real date and a matching check digit go, so other ids of that length stay.
    digits = re.sub(r"[-+ ]", "", match.group())
    # Either century for 10 digits: a number written with the wrong sign is still somebody's number.
    readings = [digits] if len(digits) == 12 else [f"{digits[:6]}-{digits[6:]}", f"{digits[:6]}+{digits[6:]}"]
    return PLACEHOLDER if any(is_valid(reading, today) for reading in readings) else match.group()


class PersonnummerRedactingFilter(logging.Filter):
    """Redacts the message, its args, the traceback and every extra field; never drops a record."""

    def __init__(self, clock: Clock | None = None) -> None:
        super().__init__()
        # The date decides the century of a 10-digit number, so it comes from a clock tests can set.
        self._clock = clock or SystemClock()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            _Redactor(to_stockholm(self._clock.now()).date()).redact_record(record)
        except Exception:
            # A bug here must neither crash the caller nor let the number through: keep only the fact.
            _withhold(record)
        return True


class _Redactor:
    """Redaction of one record, against one reference date."""

    def __init__(self, today: date) -> None:
        self.today = today

    def text(self, value: str) -> str:
        return redact_personnummer(value, self.today)

    def redact_record(self, record: logging.LogRecord) -> None:
        if isinstance(record.msg, str):
            record.msg = self.text(record.msg)
        elif isinstance(record.msg, Mapping):
            # python-json-logger merges a dict message into the line as fields.
            record.msg = self.value(record.msg, stringify_others=True)
        if record.args:
            # Only text is changed here, so "%d" still gets a number; the finished message is checked below.
            record.args = self.value(record.args, stringify_others=False)
        self.formatted_message(record)
        self.traceback(record)
        for name, value in list(vars(record).items()):
            if name not in _STANDARD_ATTRIBUTES:
                setattr(record, name, self.value(value, stringify_others=True))
        for name in ("message", "exc_text", "stack_info"):
            value = getattr(record, name, None)
            if isinstance(value, str):
                setattr(record, name, self.text(value))

    def formatted_message(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
        except Exception:
            return  # the handler reports the formatting error itself, from the already redacted msg and args
        redacted = self.text(message)
        if redacted != message:
            # A number arrived through a non-text arg or an object's str(); keep the finished text instead.
            record.msg, record.args = redacted, ()

    def traceback(self, record: logging.LogRecord) -> None:
        if not record.exc_info or record.exc_info[0] is None:
            return
        text = logging.Formatter().formatException(record.exc_info)
        redacted = self.text(text)
        if redacted != text:
            # Formatters prefer exc_text when exc_info is gone; the exception object is kept otherwise.
            record.exc_text, record.exc_info = redacted, None

    def value(self, value: Any, *, stringify_others: bool, depth: int = 0) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if depth < _MAX_DEPTH:

            def inner(item: Any) -> Any:
                return self.value(item, stringify_others=stringify_others, depth=depth + 1)

            if isinstance(value, Mapping):
                return {inner(key): inner(item) for key, item in value.items()}
            if type(value) in (list, tuple, set, frozenset):
                return type(value)(map(inner, value))
            if isinstance(value, tuple) and hasattr(value, "_fields"):  # a namedtuple keeps its type and repr
                return type(value)(*map(inner, value))
        if not stringify_others or value is None or isinstance(value, bool):
            return value
        # Numbers, bytes and other objects end up in the line as their text, so judge them by it.
        try:
            text = str(value)
        except Exception:
            return value
        redacted = self.text(text)
        return value if redacted == text else redacted


def _withhold(record: logging.LogRecord) -> None:
    record.msg = "[log message withheld: it could not be checked for personnummer]"
    record.args = ()
    record.exc_info = record.exc_text = record.stack_info = None
    for name in list(vars(record)):
        if name not in _STANDARD_ATTRIBUTES:
            delattr(record, name)
