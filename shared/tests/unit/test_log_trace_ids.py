"""A log line written inside a span names that span's trace, so an operator can go from a log line to its trace."""

import json
import logging

from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider

from nara.shared.logging import configure_json_logging

# A provider of the test's own: the ids are real and valid without exporting anything or touching the global one.
tracer = TracerProvider().get_tracer("test")


def last_line(capsys) -> dict:
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


def test_a_line_logged_inside_a_span_carries_its_trace_and_span_ids(capsys):
    configure_json_logging("booking", "INFO")

    with tracer.start_as_current_span("book") as span:
        logging.getLogger("nara.test").info("appointment booked")
    line = last_line(capsys)

    context = span.get_span_context()
    assert line["trace_id"] == f"{context.trace_id:032x}"
    assert line["span_id"] == f"{context.span_id:016x}"
    assert line["message"] == "appointment booked"


def test_a_line_logged_outside_any_span_has_no_trace_fields(capsys):
    configure_json_logging("booking", "INFO")

    with trace.use_span(trace.INVALID_SPAN):
        logging.getLogger("nara.test").info("relay started")
    line = last_line(capsys)

    assert "trace_id" not in line and "span_id" not in line
    assert line["message"] == "relay started"


def test_trace_ids_do_not_override_ids_a_caller_put_in_the_record_itself(capsys):
    configure_json_logging("guarantee-monitor", "INFO")

    with tracer.start_as_current_span("apply"):
        logging.getLogger("nara.test").info("event applied", extra={"trace_id": "from-the-event"})
    line = last_line(capsys)

    assert line["trace_id"] == "from-the-event"
