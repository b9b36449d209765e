"""Quiet outages: the Kafka clients' warnings and errors, at most one line per kind per interval.

While the broker is away, aiokafka logs every failed connection attempt of every client (booking once wrote
110,513 lines in 28 s). Per logger, level and message template, the first record of an interval is written and
the rest are counted; the count comes out as one summary line once the interval is over (at the next line of
any kind, or at exit). Our own loggers, and the clients' INFO and DEBUG lines, are never limited.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from nara.shared.clock import Clock, SystemClock

CLIENT_LOGGERS = ("aiokafka", "kafka", "faststream")
SUMMARY_MARK = "rate_limit_summary"
MAX_KINDS = 1000  # distinct kinds held at once; past it records pass unlimited rather than grow without end


@dataclass
class _Window:
    started: datetime
    level: int
    template: str
    suppressed: int = 0


class ClientLogRateLimit(logging.Filter):
    """A handler filter: `emit` writes a summary record (the handler's own handle)."""

    def __init__(
        self,
        emit: Callable[[logging.LogRecord], object],
        *,
        clock: Clock | None = None,
        interval: timedelta = timedelta(seconds=30),
        loggers: tuple[str, ...] = CLIENT_LOGGERS,
    ) -> None:
        super().__init__()
        self._emit, self._clock, self._interval = emit, clock or SystemClock(), interval
        self._prefixes = tuple(loggers)
        self._windows: dict[tuple[str, int, str], _Window] = {}
        self._earliest: datetime | None = None  # when the oldest open window started: most lines need no sweep
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, SUMMARY_MARK, False):
            return True
        now = self._clock.now()
        for summary in self._close_windows(now):
            self._emit(summary)
        if record.levelno < logging.WARNING or not self._is_client(record.name):
            return True
        template = record.msg if isinstance(record.msg, str) else type(record.msg).__name__
        key = (record.name, record.levelno, template[:200])
        with self._lock:
            window = self._windows.get(key)
            if window is None:
                if len(self._windows) < MAX_KINDS:
                    self._windows[key] = _Window(now, record.levelno, template[:200])
                    self._earliest = self._earliest or now
                return True
            window.suppressed += 1
            return False

    def flush(self) -> None:
        """Write the summaries of every open window now (at exit)."""
        for summary in self._close_windows(None):
            self._emit(summary)

    def _close_windows(self, now: datetime | None) -> list[logging.LogRecord]:
        with self._lock:
            if self._earliest is None or (now is not None and now - self._earliest < self._interval):
                return []
            done = [
                key for key, window in self._windows.items() if now is None or now - window.started >= self._interval
            ]
            closed = [(key[0], self._windows.pop(key)) for key in done]
            self._earliest = min((window.started for window in self._windows.values()), default=None)
        return [_summary(name, window, self._interval) for name, window in closed if window.suppressed]

    def _is_client(self, name: str) -> bool:
        return any(name == prefix or name.startswith(prefix + ".") for prefix in self._prefixes)


def _summary(logger: str, window: _Window, interval: timedelta) -> logging.LogRecord:
    record = logging.LogRecord(
        logger,
        window.level,
        __file__,
        0,
        "%d more lines like this were not written in %d s (Kafka client logs are rate-limited): %s",
        (window.suppressed, int(interval.total_seconds()), window.template),
        None,
    )
    record.suppressed = window.suppressed
    record.suppressed_message = window.template
    setattr(record, SUMMARY_MARK, True)
    return record
