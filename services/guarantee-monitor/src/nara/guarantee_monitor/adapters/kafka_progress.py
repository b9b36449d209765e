"""How far the monitor's consumer group has read its topics, from Kafka's admin API."""

from __future__ import annotations

from collections.abc import Sequence

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient

from nara.shared.topics import APPOINTMENTS, CONTACTS


class _KafkaOffsets:
    """An admin client for the group's committed offsets and a reader for the topics' end offsets, both started
    on first use (the scheduler starts before Kafka may answer) and stopped by close()."""

    def __init__(self, bootstrap_servers: str, group: str) -> None:
        self.bootstrap_servers, self.group = bootstrap_servers, group
        self._admin: AIOKafkaAdminClient | None = None
        self._reader: AIOKafkaConsumer | None = None

    async def _clients(self) -> tuple[AIOKafkaAdminClient, AIOKafkaConsumer]:
        if self._admin is None or self._reader is None:
            admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap_servers)
            reader = AIOKafkaConsumer(bootstrap_servers=self.bootstrap_servers, enable_auto_commit=False)
            await admin.start()
            await reader.start()
            self._admin, self._reader = admin, reader
        return self._admin, self._reader

    async def close(self) -> None:
        if self._admin is not None and self._reader is not None:
            await self._reader.stop()
            await self._admin.close()
            self._admin = self._reader = None


class KafkaConsumerProgress(_KafkaOffsets):
    """Whether the monitor's consumer group has committed every message of the topics it reads."""

    def __init__(self, bootstrap_servers: str, group: str, topics: Sequence[str] = (CONTACTS, APPOINTMENTS)) -> None:
        super().__init__(bootstrap_servers, group)
        self.topics = tuple(topics)
        self._partitions: list[TopicPartition] = []

    async def caught_up(self) -> bool:
        admin, reader = await self._clients()
        if not self._partitions:
            described = await admin.describe_topics(list(self.topics))
            self._partitions = [
                TopicPartition(topic["topic"], p["partition"])
                for topic in described
                for p in topic.get("partitions", ())
            ]
        partitions = self._partitions
        if not partitions:
            return False
        committed = await admin.list_consumer_group_offsets(self.group)
        ends = await reader.end_offsets(partitions)
        return all((committed[tp].offset if tp in committed else 0) >= ends[tp] for tp in partitions)


class KafkaConsumerLag(_KafkaOffsets):
    """Per topic, the messages the monitor's consumer group has not committed yet."""

    async def per_topic(self) -> dict[str, int]:
        admin, reader = await self._clients()
        committed = await admin.list_consumer_group_offsets(self.group)
        ends = await reader.end_offsets(list(committed)) if committed else {}
        lag: dict[str, int] = {}
        for partition, position in committed.items():
            lag[partition.topic] = lag.get(partition.topic, 0) + max(0, ends[partition] - position.offset)
        return lag
