import io
import json
import logging
import uuid
from collections import namedtuple
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nara.shared.clock import SettableClock
from nara.shared.logging import configure_json_logging
from nara.shared.redaction import PLACEHOLDER, PersonnummerRedactingFilter, redact_personnummer

TODAY = date(2025, 6, 15)
NUMBERS = ["19121212-1212", "191212121212", "121212-1212", "1212121212", "121212+1212", "701063-2391", "19701063-2391"]


class Captured(logging.Handler):
    """Keeps each record after the filter, and the line a plain formatter makes of it."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []
        self.lines: list[str] = []
        self.setFormatter(logging.Formatter("%(message)s"))
        self.addFilter(PersonnummerRedactingFilter(SettableClock(datetime(2025, 6, 15, 10, 0, tzinfo=UTC))))

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        try:
            self.lines.append(self.format(record))
        except Exception:
            self.handleError(record)  # as every stdlib handler does: the error report goes to stderr


@pytest.fixture
def captured():
    handler = Captured()
    logger = logging.getLogger(f"test.redaction.{uuid.uuid4().hex}")
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    handler.logger = logger
    return handler


@pytest.mark.parametrize("number", NUMBERS)
def test_a_number_in_the_message_is_replaced_by_the_placeholder(captured, number):
    captured.logger.info(f"patient {number} checked in")

    assert captured.lines == [f"patient {PLACEHOLDER} checked in"]


def test_a_number_inside_a_url_or_other_text_is_caught(captured):
    captured.logger.info("GET /api/v1/patients/191212121212/appointments?sub=121212-1212&x=1 200")

    assert captured.lines == [f"GET /api/v1/patients/{PLACEHOLDER}/appointments?sub={PLACEHOLDER}&x=1 200"]


def test_a_number_written_with_a_space_or_the_wrong_sign_is_still_caught(captured):
    # On 15 June 2025, 251212-NNNN would be born in December 2025; it is someone born in 1925 who kept "-".
    born_1925 = _ten_digits_with_check("251212123")
    leap_day = _ten_digits_with_check("000229123")  # exists in 2000 only, so "+" (1900) is the wrong sign
    captured.logger.info(
        "phone note: 19121212 1212 and 121212 1212; signs %s and %s",
        f"{born_1925[:6]}-{born_1925[6:]}",
        f"{leap_day[:6]}+{leap_day[6:]}",
    )

    assert captured.lines == [f"phone note: {PLACEHOLDER} and {PLACEHOLDER}; signs {PLACEHOLDER} and {PLACEHOLDER}"]


def test_numbers_in_args_are_redacted_in_the_args_themselves(captured):
    captured.logger.info("patient %s booked %s", "19121212-1212", "a-1")

    record = captured.records[0]
    assert record.args == (PLACEHOLDER, "a-1")
    assert captured.lines == [f"patient {PLACEHOLDER} booked a-1"]


def test_a_number_passed_as_an_integer_arg_is_caught_in_the_finished_message(captured):
    captured.logger.info("patient %d, age %d", 191212121212, 42)

    assert captured.lines == [f"patient {PLACEHOLDER}, age 42"]


def test_a_number_in_a_mapping_arg_is_redacted(captured):
    captured.logger.info("patient %(patient)s at %(unit)s", {"patient": "121212-1212", "unit": "SE2321000016-15HF"})

    assert captured.lines == [f"patient {PLACEHOLDER} at SE2321000016-15HF"]


def test_a_number_split_between_template_and_arg_is_caught_once_formatted(captured):
    captured.logger.info("patient 19121212-%s", "1212")

    assert captured.lines == [f"patient {PLACEHOLDER}"]


def test_numbers_in_extra_fields_are_redacted_however_deeply_nested(captured):
    Visit = namedtuple("Visit", "patient unit")
    captured.logger.info(
        "booked",
        extra={
            "patient": "19121212-1212",
            "request": {"path": "/patients/191212121212", "ids": ["701063-2391", "c-1"], "pair": ("121212+1212", 7)},
            "as_number": 191212121212,
            "visit": Visit("20121212-1212", "u-1"),
            "contact_id": "c-1",
            "attempts": 3,
        },
    )

    record = captured.records[0]
    assert record.patient == PLACEHOLDER
    assert record.request == {"path": f"/patients/{PLACEHOLDER}", "ids": [PLACEHOLDER, "c-1"], "pair": (PLACEHOLDER, 7)}
    assert record.as_number == PLACEHOLDER
    assert record.visit == Visit(PLACEHOLDER, "u-1")
    assert record.contact_id == "c-1" and record.attempts == 3


def test_a_number_used_as_a_dictionary_key_is_redacted(captured):
    captured.logger.info("lookup", extra={"per_patient": {"191212121212": 2}})

    assert captured.records[0].per_patient == {PLACEHOLDER: 2}


def test_a_number_in_an_exception_traceback_is_redacted_and_the_traceback_kept(captured):
    try:
        raise LookupError("no patient 19121212-1212")
    except LookupError:
        captured.logger.exception("lookup failed")

    assert "19121212-1212" not in captured.lines[0]
    assert f"LookupError: no patient {PLACEHOLDER}" in captured.lines[0]
    assert "Traceback" in captured.lines[0]


def test_a_traceback_without_numbers_keeps_its_exception_for_other_handlers(captured):
    try:
        raise LookupError("no such contact")
    except LookupError:
        captured.logger.exception("lookup failed")

    assert captured.records[0].exc_info[0] is LookupError


def test_a_badly_formatted_call_does_not_crash_the_caller_or_leak_in_the_error_report(capsys):
    handler = logging.StreamHandler(io.StringIO())
    handler.addFilter(PersonnummerRedactingFilter())
    wrong_conversion = logging.LogRecord("x", logging.INFO, __file__, 1, "patient %d", ("19121212-1212",), None)

    handler.handle(wrong_conversion)  # logging reports the formatting error on stderr, quoting msg and args

    report = capsys.readouterr().err
    assert "Logging error" in report
    assert "19121212-1212" not in report and f"Arguments: ('{PLACEHOLDER}',)" in report


@pytest.mark.parametrize(
    "ordinary",
    [
        "contact 3f2b1c9e-8d4a-4e6b-9c1a-2b3c4d5e6f70 registered",
        "sought at 2025-03-30T01:30:00+01:00, stored as 2025-03-30T00:30:00Z",
        "compact 20250330T013000Z",
        "epoch 1710495000 and in milliseconds 1710495000123",
        "unit SE2321000016-15HF",
        "card 4111111111111111",
        "reference 9191212121212, thirteen digits that end in a valid number",
        "order 191212121213 has a check digit that does not fit a personnummer",
        "month thirteen 19121312-1212",
        "slot 2025-06-15 10:00-10:20, appointment a-123456",
    ],
)
def test_ordinary_ids_uuids_and_timestamps_are_left_alone(captured, ordinary):
    captured.logger.info(ordinary, extra={"same": ordinary})

    assert captured.lines == [ordinary]
    assert captured.records[0].same == ordinary


def test_the_filter_never_drops_a_record():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "patient 19121212-1212", (), None)

    assert PersonnummerRedactingFilter().filter(record) is True
    assert record.getMessage() == f"patient {PLACEHOLDER}"


class BrokenClock:
    def now(self):
        raise RuntimeError("no time today")


def test_if_redaction_itself_fails_the_record_is_kept_but_its_content_withheld():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "patient %s", ("19121212-1212",), None)
    record.patient = "19121212-1212"

    assert PersonnummerRedactingFilter(BrokenClock()).filter(record) is True
    assert "19121212-1212" not in record.getMessage() and "withheld" in record.getMessage()
    assert not hasattr(record, "patient")


@pytest.fixture
def restored_root_logger():
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_configured_json_logging_keeps_numbers_out_of_every_line_from_every_logger(restored_root_logger, capsys):
    configure_json_logging("booking", "INFO")  # here, not in a fixture: pytest swaps stdout between phases

    logging.getLogger("nara.booking").info(
        "booking for %s",
        "19121212-1212",
        extra={
            "patient": "121212-1212",
            "contact_id": "3f2b1c9e-8d4a-4e6b-9c1a-2b3c4d5e6f70",
            "payload": {"sub": "701063-2391"},
        },
    )
    logging.getLogger("uvicorn.access").info(
        '%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", "/api/v1/patients/191212121212", "1.1", 200
    )
    logging.getLogger("nara.booking").info({"event": "cancelled", "patient": "20121212-1212"})
    try:
        raise ValueError("bad patient 191212121212")
    except ValueError:
        logging.getLogger("nara.triage").exception("failed")

    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    text = json.dumps(lines)

    assert len(lines) == 4
    for number in ["191212121212", "19121212-1212", "121212-1212", "701063-2391", "20121212-1212"]:
        assert number not in text
    assert lines[0]["message"] == f"booking for {PLACEHOLDER}"
    assert lines[0]["patient"] == PLACEHOLDER and lines[0]["payload"] == {"sub": PLACEHOLDER}
    assert lines[0]["contact_id"] == "3f2b1c9e-8d4a-4e6b-9c1a-2b3c4d5e6f70"
    assert lines[1]["message"] == f'127.0.0.1:5000 - "GET /api/v1/patients/{PLACEHOLDER} HTTP/1.1" 200'
    assert lines[2]["patient"] == PLACEHOLDER and lines[2]["event"] == "cancelled"
    assert f"ValueError: bad patient {PLACEHOLDER}" in lines[3]["exc_info"]


def _ten_digits_with_check(nine_digits: str) -> str:
    total = 0
    for position, digit in enumerate(nine_digits):
        value = int(digit) * (2 if position % 2 == 0 else 1)
        total += value - 9 if value > 9 else value
    return nine_digits + str((10 - total % 10) % 10)


@st.composite
def written_numbers(draw):
    """Any valid number, born up to today, in any of its written forms."""
    born = draw(st.dates(min_value=date(1850, 1, 1), max_value=TODAY))
    day = born.day + 60 if draw(st.booleans()) else born.day
    ten = _ten_digits_with_check(f"{born:%y%m}{day:02d}{draw(st.integers(1, 999)):03d}")
    twelve = f"{born:%Y}"[:2] + ten
    return draw(
        st.sampled_from(
            [
                twelve,
                f"{twelve[:8]}-{twelve[8:]}",
                ten,
                f"{ten[:6]}-{ten[6:]}",
                f"{ten[:6]}+{ten[6:]}",
            ]
        )
    )


@given(written_numbers(), st.sampled_from(["{}", "/patients/{}/x", "sub={}&", "a{}b", "({})"]))
def test_any_valid_number_in_any_written_form_and_any_surrounding_text_is_redacted(written, surrounding):
    redacted = redact_personnummer(surrounding.format(written), today=TODAY)

    assert redacted == surrounding.format(PLACEHOLDER)
