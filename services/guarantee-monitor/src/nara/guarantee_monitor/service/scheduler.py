"""Background use cases: fire alert tiers on time (also right after a restart), keep the status gauges current,
and report the consumer's lag. Each loop runs until cancelled; what it reads and writes is injected."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from prometheus_client import Gauge

from nara.shared.care_guarantee import ClockStatus

from ..domain.policy import GuaranteePolicy
from .clock_keeping import fire_due
from .ports import ConsumerLag, ConsumerProgress, ReportViews, StartUnitOfWork

log = logging.getLogger(__name__)
OPEN_CLOCKS = Gauge("nara_guarantee_clocks", "Clocks by status", ["status"])
CONSUMER_LAG = Gauge("nara_consumer_lag", "Messages on the consumed topics not yet processed", ["topic"])
GAUGE_SECONDS, LAG_SECONDS = 5.0, 10.0


async def run_alert_scheduler(
    start_unit_of_work: StartUnitOfWork,
    progress: ConsumerProgress,
    policy: GuaranteePolicy,
    now: Callable[[], datetime],
    interval_seconds: float,
) -> None:
    """Polls the indexed next-alert times a few times a second, so each tier fires within a second of its moment.

    It fires only while the consumer has read everything there is: after a restart it first reads what came
    while it was down, then fires everything that fell due meanwhile, knowing the whole history.
    """
    try:
        while True:
            try:
                if await progress.caught_up():
                    while await fire_due(start_unit_of_work, policy, now()):
                        pass  # a full batch: more may be due
            except Exception:
                log.exception("alert scheduler pass failed; retrying")
            await asyncio.sleep(interval_seconds)
    finally:
        await progress.close()


async def refresh_status_gauges(views: ReportViews) -> None:
    while True:
        try:
            counts = await views.clocks_by_status()
            for status in ClockStatus:
                OPEN_CLOCKS.labels(status.value).set(counts.get(status, 0))
        except Exception:
            log.exception("could not refresh the clock gauges")
        await asyncio.sleep(GAUGE_SECONDS)


async def report_consumer_lag(lag: ConsumerLag) -> None:
    """Lag of the monitor's consumer group: the topics' end offsets minus what the group has committed."""
    try:
        while True:
            try:
                for topic, value in (await lag.per_topic()).items():
                    CONSUMER_LAG.labels(topic).set(value)
            except Exception:
                log.warning("could not measure consumer lag", exc_info=True)
            await asyncio.sleep(LAG_SECONDS)
    finally:
        await lag.close()
