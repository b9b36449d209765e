"""Background work: fire alert tiers on time (also right after a restart), and keep the status gauges current."""

from __future__ import annotations

import asyncio
import logging

from fastapi import FastAPI
from prometheus_client import Gauge

from nara.shared.topics import APPOINTMENTS, CONTACTS

from .clocks import fire_due

log = logging.getLogger(__name__)
OPEN_CLOCKS = Gauge("nara_guarantee_clocks", "Clocks by status", ["status"])
STATUSES = ("on_track", "at_risk", "breached", "assessed", "not_covered", "patient_chosen_wait")


async def run_alert_scheduler(app: FastAPI) -> None:
    """Polls the indexed next-alert times a few times a second, so each tier fires within a second of its moment.

    It fires only while the consumer has read everything there is: after a restart it first reads what came
    while it was down, then fires everything that fell due meanwhile, knowing the whole history.
    """
    interval = app.state.settings.scheduler_interval_seconds
    progress = ConsumerProgress(app.state.settings.kafka_bootstrap_servers, app.state.settings.consumer_group)
    try:
        while True:
            try:
                if await progress.caught_up():
                    while await fire_due(app.state.pool, app.state.policy, app.state.clock.now()):
                        pass  # a full batch: more may be due
            except Exception:
                log.exception("alert scheduler pass failed; retrying")
            await asyncio.sleep(interval)
    finally:
        await progress.close()


class ConsumerProgress:
    """Whether the monitor's consumer group has committed every message of the topics it reads."""

    def __init__(self, bootstrap_servers: str, group: str, topics=(CONTACTS, APPOINTMENTS)):
        self.bootstrap_servers, self.group, self.topics = bootstrap_servers, group, topics
        self._admin = self._reader = None
        self._partitions: list = []

    async def caught_up(self) -> bool:
        from aiokafka import AIOKafkaConsumer, TopicPartition
        from aiokafka.admin import AIOKafkaAdminClient

        if self._admin is None:
            self._admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap_servers)
            self._reader = AIOKafkaConsumer(bootstrap_servers=self.bootstrap_servers, enable_auto_commit=False)
            await self._admin.start()
            await self._reader.start()
        if not self._partitions:
            described = await self._admin.describe_topics(list(self.topics))
            self._partitions = [
                TopicPartition(topic["topic"], p["partition"])
                for topic in described
                for p in topic.get("partitions", ())
            ]
        partitions = self._partitions
        if not partitions:
            return False
        committed = await self._admin.list_consumer_group_offsets(self.group)
        ends = await self._reader.end_offsets(partitions)
        return all((committed[tp].offset if tp in committed else 0) >= ends[tp] for tp in partitions)

    async def close(self) -> None:
        if self._admin is not None:
            await self._reader.stop()
            await self._admin.close()


async def refresh_status_gauges(app: FastAPI) -> None:
    while True:
        try:
            rows = await app.state.pool.fetch(
                "SELECT status, count(*) AS n FROM clocks WHERE status IS NOT NULL GROUP BY status"
            )
            counts = {row["status"]: row["n"] for row in rows}
            for status in STATUSES:
                OPEN_CLOCKS.labels(status).set(counts.get(status, 0))
        except Exception:
            log.exception("could not refresh the clock gauges")
        await asyncio.sleep(5)


CONSUMER_LAG = Gauge("nara_consumer_lag", "Messages on the consumed topics not yet processed", ["topic"])


async def report_consumer_lag(app: FastAPI) -> None:
    """Lag of the monitor's consumer group: the topics' end offsets minus what the group has committed."""
    from aiokafka import AIOKafkaConsumer
    from aiokafka.admin import AIOKafkaAdminClient

    settings = app.state.settings
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    reader = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers, enable_auto_commit=False)
    await admin.start()
    await reader.start()
    try:
        while True:
            try:
                committed = await admin.list_consumer_group_offsets(settings.consumer_group)
                ends = await reader.end_offsets(list(committed)) if committed else {}
                lag: dict[str, int] = {}
                for partition, position in committed.items():
                    lag[partition.topic] = lag.get(partition.topic, 0) + max(0, ends[partition] - position.offset)
                for topic, value in lag.items():
                    CONSUMER_LAG.labels(topic).set(value)
            except Exception:
                log.warning("could not measure consumer lag", exc_info=True)
            await asyncio.sleep(10)
    finally:
        await reader.stop()
        await admin.close()
