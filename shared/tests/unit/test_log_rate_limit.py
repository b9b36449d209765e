"""A broker outage writes one line per kind of Kafka client error per interval, and a count of the rest."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

import pytest

from nara.shared.clock import SettableClock
from nara.shared.log_rate_limit import ClientLogRateLimit
from nara.shared.logging import configure_json_logging

START = datetime(2026, 12, 7, 6, 0, tzinfo=UTC)
CONNECT_FAILED = "Unable connect to node with id %s: %s"  # what aiokafka logs for each failed attempt


class Collected(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def limited():
    """A handler with the rate limit on it, the fake clock it reads, and a logger per name writing to it."""
    handler, clock = Collected(), SettableClock(START)
    rate_limit = ClientLogRateLimit(handler.handle, clock=clock)
    handler.addFilter(rate_limit)
    made = []

    def logger(name: str) -> logging.Logger:
        named = logging.getLogger(name)
        named.handlers[:], named.propagate = [handler], False
        named.setLevel(logging.DEBUG)
        made.append(named)
        return named

    yield handler, clock, rate_limit, logger
    for named in made:
        named.handlers[:], named.propagate = [], True
        named.setLevel(logging.NOTSET)


def messages(handler: Collected) -> list[str]:
    return [record.getMessage() for record in handler.records]


def test_a_burst_of_ten_thousand_client_errors_is_one_line_and_then_a_count(limited):
    handler, clock, _, logger = limited
    client = logger("aiokafka.conn")
    for attempt in range(10_000):
        client.error(CONNECT_FAILED, 1, f"Connect call failed ('127.0.0.1', 9092) attempt {attempt}")
    written_in_the_burst = len(handler.records)
    clock.advance(timedelta(seconds=30))
    client.error(CONNECT_FAILED, 1, "Connect call failed ('127.0.0.1', 9092)")  # the outage goes on

    assert written_in_the_burst == 1
    first, summary, next_interval = handler.records
    assert first.getMessage().endswith("attempt 0")
    assert summary.name == "aiokafka.conn" and summary.levelno == logging.ERROR
    assert summary.suppressed == 9_999 and summary.suppressed_message == CONNECT_FAILED
    assert summary.getMessage().startswith("9999 more lines like this were not written in 30 s")
    assert next_interval.getMessage().startswith("Unable connect to node with id 1")


def test_the_count_comes_out_with_the_next_line_of_any_kind_or_at_exit(limited):
    handler, clock, rate_limit, logger = limited
    client, ours = logger("aiokafka.producer"), logger("nara.booking.test")
    for _ in range(3):
        client.warning("Got error produce response: %s", "KafkaConnectionError")
    clock.advance(timedelta(seconds=29))
    ours.info("slot booked")
    clock.advance(timedelta(seconds=1))
    ours.info("slot booked")
    for _ in range(4):
        client.warning("Got error produce response: %s", "KafkaConnectionError")
    rate_limit.flush()

    assert [getattr(r, "suppressed", None) for r in handler.records] == [None, None, 2, None, None, 3]


def test_our_own_lines_and_the_clients_info_lines_are_never_limited(limited):
    handler, _, _, logger = limited
    ours, client = logger("nara.shared.outbox.relay"), logger("aiokafka.consumer")
    for _ in range(10_000):
        ours.error("outbox relay pass failed; retrying")
    for _ in range(100):
        client.info("Discovered coordinator %s", 1)

    assert len(handler.records) == 10_100


def test_each_kind_of_client_line_has_its_own_interval(limited):
    handler, _, _, logger = limited
    for name in ("aiokafka.conn", "aiokafka.cluster", "faststream", "kafka.client"):
        for _ in range(50):
            logger(name).error(CONNECT_FAILED, 1, "refused")
            logger(name).error("Topic %s not found in cluster metadata", "nara.contacts.v1")
            logger(name).warning(CONNECT_FAILED, 1, "refused")

    assert len(handler.records) == 4 * 3


def test_the_services_json_logs_carry_the_limit(capsys):
    clock = SettableClock(START)
    configure_json_logging("booking", "INFO", clock=clock)
    for _ in range(10_000):
        logging.getLogger("aiokafka.conn").error(CONNECT_FAILED, 1, "Connect call failed")
    clock.advance(timedelta(minutes=1))
    logging.getLogger("nara.booking").info("broker back")

    lines = [json.loads(line) for line in capsys.readouterr().out.strip().splitlines()]

    assert [(line["logger"], line.get("suppressed")) for line in lines] == [
        ("aiokafka.conn", None),
        ("aiokafka.conn", 9_999),
        ("nara.booking", None),
    ]
    assert lines[1]["level"] == "ERROR" and lines[1]["suppressed_message"] == CONNECT_FAILED


def test_the_count_at_exit_is_dropped_quietly_when_the_stream_is_already_closed(monkeypatch, capsys):
    import io
    import sys

    from nara.shared import logging as service_logging

    root = logging.getLogger()
    handlers, level, limits = root.handlers[:], root.level, service_logging._rate_limits[:]
    closed = io.StringIO()
    monkeypatch.setattr(sys, "stdout", closed)
    try:
        configure_json_logging("booking", "INFO", clock=SettableClock(START))
        for _ in range(3):
            logging.getLogger("aiokafka.conn").error(CONNECT_FAILED, 1, "Connect call failed")
        closed.close()  # as a test runner's capture is, by the time atexit runs

        service_logging._write_suppressed_counts()
    finally:
        root.handlers[:], service_logging._rate_limits[:] = handlers, limits
        root.setLevel(level)

    assert "Logging error" not in capsys.readouterr().err
    assert logging.raiseExceptions
