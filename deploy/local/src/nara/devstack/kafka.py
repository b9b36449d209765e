"""A real Apache Kafka broker in KRaft mode, from the broker's jars on Maven Central, on the machine's JDK."""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
import subprocess
import uuid
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaConnectionError, KafkaError

from nara.shared.topics import CONTRACT_TOPICS

from .errors import StackError
from .layout import KAFKA_LOG4J, KAFKA_POM, StackLayout
from .processes import choose_port, port_is_open, read_pid, run_coroutine, start_detached, stop_group, wait_until

HEAP = "-Xmx512m"
MIN_JAVA = 17


def require_java(needed_by: str = "Kafka") -> str:
    java = shutil.which("java")
    if java is None:
        raise StackError(
            f"Java {MIN_JAVA}+ is needed to run {needed_by}. Install it with 'apt-get install openjdk-17-jre-headless'."
        )
    output = subprocess.run([java, "-version"], capture_output=True, text=True).stderr
    match = re.search(r'version "(\d+)', output)
    if match is None or int(match.group(1)) < MIN_JAVA:
        raise StackError(f"{needed_by} needs Java {MIN_JAVA} or newer; 'java -version' says: {output.splitlines()[:1]}")
    return java


def fetch_broker_jars(layout: StackLayout) -> Path:
    """Copy the broker's jars once per pom version into the shared cache, with Maven."""
    pom_digest = hashlib.sha256(KAFKA_POM.read_bytes()).hexdigest()[:12]
    libs = layout.cache_dir / f"kafka-libs-{pom_digest}"
    if (libs / ".complete").exists():
        return libs
    mvn = shutil.which("mvn")
    if mvn is None:
        raise StackError("Maven is needed to fetch Kafka's jars. Install it with 'apt-get install maven'.")
    print("Fetching the Kafka broker's jars from Maven Central...", flush=True)
    result = subprocess.run(
        [mvn, "-q", "-B", "-f", str(KAFKA_POM), "dependency:copy-dependencies", f"-Dkafka.libs={libs}"],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise StackError(f"Maven could not fetch Kafka's jars:\n{result.stdout[-3000:]}{result.stderr[-2000:]}")
    (libs / ".complete").write_text(pom_digest)
    return libs


class KafkaBroker:
    """One single-node KRaft broker that is also its own controller."""

    def __init__(self, layout: StackLayout, record: dict):
        self.layout = layout
        self.record = record.setdefault("kafka", {})
        self.pid_file = layout.pid_of("kafka")

    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.record['port']}"

    def is_running(self) -> bool:
        return read_pid(self.pid_file) is not None

    def start(self) -> None:
        java = require_java()
        libs = fetch_broker_jars(self.layout)
        self.record["libs"] = str(libs)
        if self.is_running():
            return
        if "port" not in self.record:
            self.record["port"] = choose_port(9092)
            self.record["controller_port"] = choose_port(9093)
        # Ports taken since last time by something else: a single local node can move to free ones.
        if port_is_open(self.record["port"]):
            self.record["port"] = choose_port(9092)
        if port_is_open(self.record["controller_port"]):
            self.record["controller_port"] = choose_port(9093)
        config = self._write_config()
        classpath = f"{libs}/*"
        logging = f"-Dlog4j2.configurationFile={KAFKA_LOG4J}"
        if not (self._data_dir / "meta.properties").exists():
            cluster_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
            result = subprocess.run(
                [
                    java,
                    "-cp",
                    classpath,
                    logging,
                    "kafka.tools.StorageTool",
                    "format",
                    "-t",
                    cluster_id,
                    "-c",
                    str(config),
                ],
                capture_output=True,
                text=True,
            )
            if result.returncode != 0:
                raise StackError(f"Formatting Kafka's storage failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
        start_detached(
            [
                java,
                HEAP,
                "-XX:+UseG1GC",
                "-Djava.awt.headless=true",
                logging,
                "-cp",
                classpath,
                "kafka.Kafka",
                str(config),
            ],
            log_file=self.layout.log_of("kafka"),
            pid_file=self.pid_file,
        )
        wait_until(self._answers, timeout=90, interval=0.5, what="Kafka")
        run_coroutine(self._create_contract_topics())

    def stop(self) -> bool:
        # A controlled shutdown of a lone KRaft node takes a few seconds; give it time before SIGKILL.
        return stop_group(self.pid_file, grace_seconds=30)

    def version(self) -> str:
        jars = list(Path(self.record.get("libs", "")).glob("kafka_2.13-*.jar"))
        return jars[0].stem.removeprefix("kafka_2.13-") if jars else "unknown"

    @property
    def _data_dir(self) -> Path:
        return self.layout.state_dir / "kafka" / "data"

    def _write_config(self) -> Path:
        port, controller = self.record["port"], self.record["controller_port"]
        self._data_dir.mkdir(parents=True, exist_ok=True)
        settings = {
            "process.roles": "broker,controller",
            "node.id": "1",
            "controller.quorum.voters": f"1@127.0.0.1:{controller}",
            "listeners": f"PLAINTEXT://127.0.0.1:{port},CONTROLLER://127.0.0.1:{controller}",
            "advertised.listeners": f"PLAINTEXT://127.0.0.1:{port}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "log.dirs": str(self._data_dir),
            "num.partitions": "3",
            "offsets.topic.replication.factor": "1",
            "offsets.topic.num.partitions": "10",
            "transaction.state.log.replication.factor": "1",
            "transaction.state.log.min.isr": "1",
            "share.coordinator.state.topic.replication.factor": "1",
            "share.coordinator.state.topic.min.isr": "1",
            # A single local node: consumers should not wait for more members to join.
            "group.initial.rebalance.delay.ms": "0",
            "auto.create.topics.enable": "true",
        }
        config = self.layout.state_dir / "kafka" / "server.properties"
        config.write_text("".join(f"{key}={value}\n" for key, value in settings.items()))
        return config

    def _answers(self) -> bool:
        if not self.is_running():
            raise StackError(f"Kafka exited while starting; see {self.layout.log_of('kafka')}")
        return port_is_open(self.record["port"]) and run_coroutine(self._describe_cluster())

    async def _describe_cluster(self) -> bool:
        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap_servers, request_timeout_ms=5000)
        try:
            await admin.start()
            await admin.describe_cluster()
            return True
        except (KafkaConnectionError, KafkaError, OSError):
            return False
        finally:
            await admin.close()

    async def _create_contract_topics(self) -> None:
        admin = AIOKafkaAdminClient(bootstrap_servers=self.bootstrap_servers)
        await admin.start()
        try:
            existing = set(await admin.list_topics())
            wanted = [
                NewTopic(topic.name, topic.partitions, 1) for topic in CONTRACT_TOPICS if topic.name not in existing
            ]
            if wanted:
                await admin.create_topics(wanted)
        finally:
            await admin.close()
