"""JSON logs on stdout: one object per line, so log shippers need no parsing rules.

A line written while a span is current carries its trace_id and span_id, the ids the trace viewer searches by.
"""

from __future__ import annotations

import atexit
import logging
import sys
from typing import Any

from opentelemetry import trace
from pythonjsonlogger.json import JsonFormatter

from nara.shared.clock import Clock
from nara.shared.log_rate_limit import ClientLogRateLimit
from nara.shared.redaction import PersonnummerRedactingFilter

_rate_limits: list[ClientLogRateLimit] = []  # the installed one, whose counts are written out at exit


def configure_json_logging(service_name: str, level: str = "INFO", *, clock: Clock | None = None) -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(
        _ServiceJsonFormatter(
            "%(levelname)s %(name)s %(message)s",
            rename_fields={"levelname": "level", "name": "logger"},
            static_fields={"service": service_name},
            timestamp="time",
        )
    )
    # On the handler, not a logger: a handler's filters see the records of every logger that reaches it.
    # The rate limit comes first, so a broker outage's flood is dropped before the redaction reads it.
    rate_limit = ClientLogRateLimit(handler.handle, clock=clock)
    handler.addFilter(rate_limit)
    _rate_limits[:] = [rate_limit]
    handler.addFilter(PersonnummerRedactingFilter(clock))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # uvicorn installs its own handlers; route its loggers through ours instead.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "faststream", "aiokafka"):
        named = logging.getLogger(name)
        named.handlers[:] = []
        named.propagate = True
    logging.getLogger("aiokafka").setLevel(max(logging.WARNING, root.level))


class _ServiceJsonFormatter(JsonFormatter):
    def process_log_record(self, log_record: dict[str, Any]) -> dict[str, Any]:
        log_record.pop("color_message", None)  # uvicorn's terminal colours mean nothing in JSON
        # Formatting runs in the logging call's own thread and context, so the current span is the caller's.
        span = trace.get_current_span().get_span_context()
        if span.is_valid:
            log_record.setdefault("trace_id", trace.format_trace_id(span.trace_id))
            log_record.setdefault("span_id", trace.format_span_id(span.span_id))
        return log_record


@atexit.register
def _write_suppressed_counts() -> None:
    # At exit a handler's stream may already be closed (a test runner's capture): the count is then lost quietly.
    raising, logging.raiseExceptions = logging.raiseExceptions, False
    try:
        for rate_limit in _rate_limits:
            rate_limit.flush()
    finally:
        logging.raiseExceptions = raising
