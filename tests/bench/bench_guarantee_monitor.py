"""Guarantee monitor: consume rate, replay time and memory with many clocks, then alert latency with them open.

1. Fills two dedicated topics (one run's own copies of the contacts and appointments topics) with --contacts
   contacts and their appointment events, as triage and booking would send them.
2. A bare aiokafka consumer reads both topics end to end (and once more decoding every event), as the
   ceiling the monitor is compared with.
3. The monitor runs in this process on a fresh scratch schema with a fresh consumer group, so it replays
   both topics from offset 0; its clock (a SettableClock) stands still at T0. Reported: events applied per
   second, the ratio to the bare consumer, the replay time (start, drain, and the scheduler's first look at
   every clock), and memory.
4. With every clock open, the clock is moved to the tier moments of a few hundred probe contacts, one
   moment at a time, and each alert is timed from that moment to its event on the alerts topic.

The monitor reads the contract topics nara.contacts.v1 and nara.appointments.v1. To keep this run's
million contacts off the shared topics (and off the other services reading them), the in-process monitor
is pointed at this run's topics by patching module constants before create_app: `app.CONTACTS`,
`app.APPOINTMENTS`, `app.models_for_topic`, and the scheduler's `ConsumerProgress` (whose default topics
are bound at import). The service code is unchanged. Alerts still go to nara.guarantee-alerts.v1; the
probe contacts' ids tell ours apart.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import random
import resource
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import asyncpg
import bench_booking
import uvloop
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from bench_booking import ITS_BACKENDS, KAFKA, LOADGEN, OTHER, PG_OTHER, UNATTRIBUTED, CpuWindow, background_load

import nara.guarantee_monitor.adapters.unit_of_work as monitor_unit_of_work
import nara.guarantee_monitor.app as monitor_app
import nara.guarantee_monitor.service.clock_keeping as monitor_clocks
import nara.guarantee_monitor.service.scheduler as monitor_scheduler
import nara.shared.consumer as shared_consumer
from nara.devstack.testing import real_infrastructure, scratch_schema
from nara.guarantee_monitor.domain.alerts import next_alert_moment
from nara.guarantee_monitor.domain.facts import ContactFacts
from nara.guarantee_monitor.domain.policy import GuaranteePolicy
from nara.guarantee_monitor.settings import GuaranteeMonitorSettings
from nara.shared.clock import STOCKHOLM, SettableClock
from nara.shared.events.envelope import decode_event, encode_event
from nara.shared.events.models import AppointmentBooked, AppointmentCancelled, ContactRegistered
from nara.shared.events.registry import models_for_topic
from nara.shared.logging import configure_json_logging
from nara.shared.outbox import OutboxRelay
from nara.shared.topics import APPOINTMENTS, CONTACTS, CONTRACT_TOPICS, GUARANTEE_ALERTS

# The monitor's clock stands at T0 while it replays: Tuesday 24 November 2026, noon in Stockholm.
T0 = datetime(2026, 11, 24, 12, 0, tzinfo=STOCKHOLM)
BACKGROUND_DAY = datetime(2026, 11, 24, 0, 0, tzinfo=STOCKHOLM)  # every background contact seeks care that morning
UNIT = "SE2321000115-E00000000011"
PRACTITIONER = "SE2321000115-P000000103"
PARTITIONS = 6  # as the contract topics
POLICY = GuaranteePolicy()  # the national rule and 48/24/8-hour tiers: the monitor's default policy
MS = 1000


# --- the events ---------------------------------------------------------------------------------------------


class Templates:
    """Each event kind encoded once by encode_event with placeholders; each event is then one %-format.

    The values are exactly what encode_event writes (checked on a sample with decode_event), only much
    faster to make a few million of.
    """

    SENTINELS = tuple(datetime(2001, 1, 1, 1, 1, s, tzinfo=UTC) for s in range(1, 6))

    def __init__(self) -> None:
        t, sought, start, end, cancelled = self.SENTINELS
        ph = {"contact_id": "@@CONTACT@@", "patient": "@@PATIENT@@", "appointment_id": "@@APPOINTMENT@@"}
        registered = ContactRegistered(
            contact_id=ph["contact_id"],
            patient=ph["patient"],
            unit=UNIT,
            listed_unit=UNIT,
            channel="phone_unit",
            sought_at=sought,
            reason_code="sore_throat",
        )
        booked = AppointmentBooked(
            appointment_id=ph["appointment_id"],
            contact_id=ph["contact_id"],
            patient=ph["patient"],
            unit=UNIT,
            practitioner=PRACTITIONER,
            profession="nurse",
            contact_form="clinic",
            start=start,
            end=end,
            booked_by="patient",
            earlier_time_offered_within_guarantee=False,
        )
        cancel = AppointmentCancelled(
            appointment_id=ph["appointment_id"],
            contact_id=ph["contact_id"],
            cancelled_by="patient",
            reason="Kan inte komma",
        )
        self.registered = self._template(registered, "/nara/triage", t)
        self.booked = self._template(booked, "/nara/booking", t)
        self.cancelled = self._template(cancel, "/nara/booking", cancelled)

    def _template(self, data, source: str, at: datetime) -> bytes:
        value = encode_event(data, source=source, subject="@@PATIENT@@", time=at, event_id="@@ID@@")
        value = value.replace(b"%", b"%%")
        for name in ("ID", "CONTACT", "PATIENT", "APPOINTMENT"):
            value = value.replace(f"@@{name}@@".encode(), f"%({name.lower()})s".encode())
        for n, sentinel in enumerate(self.SENTINELS):
            rendered = sentinel.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
            value = value.replace(rendered, f"%(t{n})s".encode())
        return value


def iso(moment: datetime) -> bytes:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ").encode()


@dataclass
class Fill:
    run: str
    contacts: int
    probes_per_group: int
    probe_groups: dict[str, datetime] = field(default_factory=dict)  # name -> when its contacts sought care
    probe_ids: set[str] = field(default_factory=set)
    events: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)

    def contact(self, n: int) -> tuple[str, str]:
        return f"c-{self.run}-{n:09d}", f"p_{self.run}{n:018d}"


def background_events(templates: Templates, fill: Fill, n: int):
    """One background contact's events: registered that morning, and (80 %) its appointments.

    60 % booked within the guarantee (on track), 10 % booked and cancelled, 10 % booked after the
    deadline, 20 % not booked (the last three at risk). Every event happened before T0.
    """
    contact_id, patient = fill.contact(n)
    sought = BACKGROUND_DAY + timedelta(seconds=(n * 37) % (11 * 3600))  # 00:00-11:00, spread over the morning
    values = {
        b"contact": contact_id.encode(),
        b"patient": patient.encode(),
        b"appointment": f"a-{fill.run}-{n:09d}".encode(),
        b"t0": iso(sought + timedelta(minutes=2)),
        b"t1": iso(sought),
        b"id": f"e-{fill.run}-{n:09d}-r".encode(),
    }
    yield CONTACTS, patient, templates.registered % values, "contact.registered"
    kind = n % 10
    if kind >= 8:
        return
    start = sought + (timedelta(days=2, hours=1) if kind != 7 else timedelta(days=6))  # after the deadline: at risk
    values.update(
        {
            b"t0": iso(sought + timedelta(minutes=5)),
            b"t2": iso(start),
            b"t3": iso(start + timedelta(minutes=20)),
            b"id": f"e-{fill.run}-{n:09d}-b".encode(),
        }
    )
    yield APPOINTMENTS, patient, templates.booked % values, "appointment.booked"
    if kind == 6:
        values.update({b"t4": iso(sought + timedelta(minutes=30)), b"id": f"e-{fill.run}-{n:09d}-c".encode()})
        yield APPOINTMENTS, patient, templates.cancelled % values, "appointment.cancelled"


PROBE_GROUPS = {  # sought care on these days at 10:00, never booked: at risk, their tiers fall before any other
    "A (sought Sat 21 Nov)": datetime(2026, 11, 21, 10, 0, tzinfo=STOCKHOLM),
    "B (sought Sun 22 Nov)": datetime(2026, 11, 22, 10, 0, tzinfo=STOCKHOLM),
    "C (sought Mon 23 Nov)": datetime(2026, 11, 23, 10, 0, tzinfo=STOCKHOLM),
}


def probe_events(templates: Templates, fill: Fill):
    for g, (name, sought) in enumerate(PROBE_GROUPS.items()):
        fill.probe_groups[name] = sought
        for k in range(fill.probes_per_group):
            n = fill.contacts + g * fill.probes_per_group + k
            contact_id, patient = fill.contact(n)
            fill.probe_ids.add(contact_id)
            values = {
                b"contact": contact_id.encode(),
                b"patient": patient.encode(),
                b"t1": iso(sought),
                b"t0": iso(sought + timedelta(minutes=2)),
                b"id": f"e-{fill.run}-{n:09d}-r".encode(),
            }
            yield CONTACTS, patient, templates.registered % values, "contact.registered"


def alert_moments(sought: datetime) -> list[tuple[datetime, str]]:
    """The moments an at-risk contact's alerts fall due: each tier, then the deadline (breach)."""
    deadline = POLICY.care.national_deadline(sought)
    return [(deadline - span, f"at_risk:{hours}") for hours, span in POLICY.tiers()] + [(deadline, "breached")]


def latency_rounds() -> list[tuple[datetime, list[str]]]:
    """The probe alert moments after T0 and before the first background tier, with what falls due at each."""
    first_background = first_background_tier()
    rounds: dict[datetime, list[str]] = {}
    for name, sought in PROBE_GROUPS.items():
        for moment, key in alert_moments(sought):
            if T0 < moment < first_background:
                rounds.setdefault(moment, []).append(f"{name.split()[0]} {key}")
    return sorted(rounds.items())


def sample_check(templates: Templates, fill: Fill) -> None:
    """A few made events, read back as the monitor reads them: they must decode, and carry what was meant."""
    for n in range(20):
        for _, patient, value, kind in background_events(templates, fill, n):
            event = decode_event(value)
            assert event.type == f"se.nara.{kind}.v1" and event.subject == patient, (event, kind)
            assert event.data.contact_id == fill.contact(n)[0]


async def partitions_of(bootstrap: str, topics: list[str]) -> list[TopicPartition]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        described = await admin.describe_topics(topics)
    finally:
        await admin.close()
    return [TopicPartition(t["topic"], p["partition"]) for t in described for p in t.get("partitions", ())]


async def ensure_topics(bootstrap: str, topics: list[tuple[str, int]]) -> None:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = [NewTopic(name, partitions, 1) for name, partitions in topics if name not in existing]
        if wanted:
            await admin.create_topics(wanted)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:  # a producer racing the leader elections gets NotLeaderForPartition
            described = await admin.describe_topics([name for name, _ in topics])
            if all(p["leader"] >= 0 for t in described for p in t.get("partitions", ())) and all(
                t.get("partitions") for t in described
            ):
                break
            await asyncio.sleep(0.2)
        await asyncio.sleep(1.0)
    finally:
        await admin.close()


async def produce(bootstrap: str, templates: Templates, fill: Fill, topic_of: dict[str, str]) -> float:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks=1, linger_ms=20, max_batch_size=256 * 1024)
    await producer.start()
    started = time.perf_counter()
    try:
        pending = []

        async def send(topic, patient, value, kind):
            pending.append(await producer.send(topic_of[topic], value=value, key=patient.encode()))
            fill.events += 1
            fill.by_kind[kind] = fill.by_kind.get(kind, 0) + 1
            if len(pending) >= 20000:
                await asyncio.gather(*pending)
                pending.clear()

        for event in probe_events(templates, fill):
            await send(*event)
        for n in range(fill.contacts):
            for event in background_events(templates, fill, n):
                await send(*event)
        await asyncio.gather(*pending)
        await producer.flush()
    finally:
        await producer.stop()
    return time.perf_counter() - started


# --- the bare consumer ----------------------------------------------------------------------------------------


async def bare_consumer(bootstrap: str, topics: list[str], total: int, decode: bool) -> float:
    """Read both topics from offset 0 as the monitor's consumer does (getmany, 500 at a time), nothing more.

    With decode, every value also goes through decode_event, as the monitor's consumer does first; then
    reading stops after `total` events, which may be a sample of the topics.
    """
    partitions = await partitions_of(bootstrap, topics)
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest")
    await consumer.start()
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        started = time.perf_counter()
        seen = 0
        while seen < total:
            batch = await consumer.getmany(timeout_ms=50, max_records=500)
            for records in batch.values():
                seen += len(records)
                if decode:
                    for record in records:
                        decode_event(record.value)
        return time.perf_counter() - started
    finally:
        await consumer.stop()


# --- instrumentation of the monitor (wrappers only: the service code runs unchanged) --------------------------


@dataclass
class Timings:
    batches: int = 0
    records: int = 0
    decode: float = 0.0  # decode_event inside IdempotentConsumer.handle_batch
    transaction: float = 0.0  # _apply_batch_once: the consumed_events insert and the handler, one transaction
    handler: float = 0.0  # apply_events (within the transaction)
    save: float = 0.0  # save_clocks (within apply_events, or fire_due)
    rows: float = 0.0  # _clock_row (within save_clocks): a clock's state, next alert moment and facts as JSON
    commit: float = 0.0  # the Kafka offset commit after each batch
    outbox: float = 0.0  # add_events_to_outbox, once per fire_due pass that raised alerts
    outbox_calls: int = 0
    relay: float = 0.0  # OutboxRelay.publish_pending passes that published something
    relay_events: int = 0
    fire_calls: list[tuple[float, float, int]] = field(default_factory=list)  # (start, seconds, clocks looked at)

    def reset(self) -> None:
        self.__init__()


TIMINGS = Timings()
# The monitor runs in this process, and a look through /proc holds the GIL: look seldom while it works
# (processes living through the phase are counted in full either way).
POLL_IN_PROCESS = 5.0


def instrument() -> None:
    original_decode = shared_consumer.decode_event
    original_apply_once = shared_consumer.IdempotentConsumer._apply_batch_once
    original_apply_events = monitor_app.apply_events
    original_fire_due = monitor_scheduler.fire_due
    original_save = monitor_clocks.save_clocks
    original_row = monitor_clocks.clock_record
    original_commit = AIOKafkaConsumer.commit
    original_outbox = monitor_unit_of_work.add_events_to_outbox
    original_publish = OutboxRelay.publish_pending

    def decode(raw):
        started = time.perf_counter()
        try:
            return original_decode(raw)
        finally:
            TIMINGS.decode += time.perf_counter() - started

    async def apply_once(self, readable):
        started = time.perf_counter()
        try:
            return await original_apply_once(self, readable)
        finally:
            TIMINGS.transaction += time.perf_counter() - started
            TIMINGS.batches += 1
            TIMINGS.records += len(readable)

    async def apply_events(uow, events, policy, now):
        started = time.perf_counter()
        try:
            return await original_apply_events(uow, events, policy, now)
        finally:
            TIMINGS.handler += time.perf_counter() - started

    async def save_clocks(*args, **kwargs):
        started = time.perf_counter()
        try:
            return await original_save(*args, **kwargs)
        finally:
            TIMINGS.save += time.perf_counter() - started

    def clock_row(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original_row(*args, **kwargs)
        finally:
            TIMINGS.rows += time.perf_counter() - started

    async def fire_due(start_unit_of_work, policy, now, *args, **kwargs):
        started = time.perf_counter()
        looked = await original_fire_due(start_unit_of_work, policy, now, *args, **kwargs)
        TIMINGS.fire_calls.append((started, time.perf_counter() - started, looked))
        return looked

    async def add_events_to_outbox(connection, events, **options):
        started = time.perf_counter()
        try:
            return await original_outbox(connection, events, **options)
        finally:
            TIMINGS.outbox += time.perf_counter() - started
            TIMINGS.outbox_calls += len(events)

    async def publish_pending(self):
        started = time.perf_counter()
        published = await original_publish(self)
        if published:
            TIMINGS.relay += time.perf_counter() - started
            TIMINGS.relay_events += published
        return published

    async def commit(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return await original_commit(self, *args, **kwargs)
        finally:
            TIMINGS.commit += time.perf_counter() - started

    shared_consumer.decode_event = decode
    shared_consumer.IdempotentConsumer._apply_batch_once = apply_once
    monitor_app.apply_events = apply_events
    monitor_scheduler.fire_due = fire_due
    monitor_clocks.save_clocks = save_clocks
    monitor_clocks.clock_record = clock_row
    AIOKafkaConsumer.commit = commit
    monitor_unit_of_work.add_events_to_outbox = add_events_to_outbox
    OutboxRelay.publish_pending = publish_pending


def point_monitor_at(contacts_topic: str, appointments_topic: str) -> None:
    """The in-process monitor reads this run's topics instead of the contract's (see the module docstring)."""
    contract = {contacts_topic: CONTACTS, appointments_topic: APPOINTMENTS}
    monitor_app.CONTACTS, monitor_app.APPOINTMENTS = contacts_topic, appointments_topic
    monitor_app.models_for_topic = lambda topic: models_for_topic(contract.get(topic, topic))
    original = monitor_app.KafkaConsumerProgress

    class BenchProgress(original):
        def __init__(self, bootstrap_servers, group, topics=(contacts_topic, appointments_topic)):
            super().__init__(bootstrap_servers, group, topics)

    monitor_app.KafkaConsumerProgress = BenchProgress


def _local_ports(pid: int) -> set[int]:
    """bench_booking's _local_ports, but skipping a descriptor that closes while it looks.

    CpuWindow finds the process's PostgreSQL backends by its sockets' ports. Looking at this very process
    (the monitor runs in it), the listing of /proc/<pid>/fd always includes its own, already closed,
    descriptor, and the original gives up on the first one that vanished.
    """
    inodes = set()
    try:
        fds = list(Path(f"/proc/{pid}/fd").iterdir())
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return set()
    for fd in fds:
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[9] in inodes:
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


bench_booking._local_ports = _local_ports


# --- memory ------------------------------------------------------------------------------------------------------


def memory() -> dict[str, int]:
    """This process's resident memory now and its peak (VmHWM), in bytes."""
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) * 1024
    return fields


def reset_peak_memory() -> bool:
    """Start VmHWM over from the current RSS (Linux: write 5 to clear_refs); False where that is not allowed."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def mb(value: float) -> str:
    return f"{value / 2**20:,.0f} MB"


# --- watching the alerts topic -------------------------------------------------------------------------------------


class AlertWatcher(threading.Thread):
    """Reads the alerts topic from its end in a thread of its own, noting when each probe's alert arrives.

    Its own thread and event loop, so the moment it notes does not wait for the monitor's event loop.
    """

    def __init__(self, bootstrap: str, contact_prefix: str):
        super().__init__(daemon=True, name="alert-watcher")
        self.bootstrap, self.contact_prefix = bootstrap, contact_prefix
        self.ready, self.stopping = threading.Event(), threading.Event()
        self.seen: list[dict] = []
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as error:
            self.error = error
            self.ready.set()

    async def _main(self) -> None:
        consumer = AIOKafkaConsumer(bootstrap_servers=self.bootstrap, enable_auto_commit=False, fetch_max_wait_ms=5)
        partitions = await partitions_of(self.bootstrap, [GUARANTEE_ALERTS])
        await consumer.start()
        try:
            consumer.assign(partitions)
            await consumer.seek_to_end(*partitions)
            for partition in partitions:
                await consumer.position(partition)
            self.ready.set()
            while not self.stopping.is_set():
                batch = await consumer.getmany(timeout_ms=50)
                received = time.time()
                for records in batch.values():
                    for record in records:
                        event = json.loads(record.value)
                        if str(event.get("data", {}).get("contact_id")).startswith(self.contact_prefix):
                            self.seen.append(
                                {
                                    "id": event["id"],
                                    "type": event["type"],
                                    "time": event["time"],
                                    "contact": event["data"]["contact_id"],
                                    "received": received,
                                    "kafka_timestamp": record.timestamp / 1000,
                                }
                            )
        finally:
            await consumer.stop()


# --- the monitor run ------------------------------------------------------------------------------------------------


async def committed_total(admin: AIOKafkaAdminClient, group: str, partitions: list[TopicPartition]) -> int:
    committed = await admin.list_consumer_group_offsets(group, partitions=partitions)
    return sum(max(0, offset.offset) for offset in committed.values() if offset is not None)


@dataclass
class Replay:
    started: float = 0.0
    ready: float = 0.0
    drained: float = 0.0
    looked: float = 0.0
    progress: list[tuple[float, int]] = field(default_factory=list)
    memory_before: dict = field(default_factory=dict)
    memory_replayed: dict = field(default_factory=dict)
    memory_end: dict = field(default_factory=dict)
    peak_reset: bool = False
    cpu_drain: CpuWindow | None = None
    cpu_look: CpuWindow | None = None
    timings_drain: Timings | None = None
    clocks: int = 0
    open_clocks: int = 0
    statuses: dict = field(default_factory=dict)
    consumed: int = 0
    catch_up_alerts: int = 0
    sizes: dict = field(default_factory=dict)
    gauge_query: float = 0.0
    rounds: list[dict] = field(default_factory=list)
    burst: dict | None = None
    stage_rows: list[dict] = field(default_factory=list)
    log_problems: list[str] = field(default_factory=list)

    def steady_rate(self) -> float:
        """Events per second between 10 % and 90 % of the backlog committed (group join and tail left out)."""
        if not self.progress:
            return float("nan")
        total = self.progress[-1][1]
        low = next((p for p in self.progress if p[1] >= 0.1 * total), None)
        high = next((p for p in self.progress if p[1] >= 0.9 * total), None)
        if low is None or high is None or high[0] <= low[0]:
            return float("nan")
        return (high[1] - low[1]) / (high[0] - low[0])


async def run_monitor(
    infrastructure, url: str, fill: Fill, topics: list[str], log_path: Path, interval: float, burst: bool
) -> Replay:
    bootstrap = infrastructure.kafka_bootstrap_servers
    group = f"bench-monitor-{fill.run}"
    result = Replay()
    clock = SettableClock(T0)

    # Logging as `serve` sets it up (JSON at INFO, and FastStream's own access log per batch, both on stdout), with
    # stdout sent to a file while the monitor runs, so the terminal keeps only this bench's figures.
    log_file = open(log_path, "a")  # noqa: SIM115, ASYNC230 -- closed below; opened once, before anything is timed
    redirect = contextlib.redirect_stdout(log_file)
    redirect.__enter__()
    configure_json_logging("guarantee-monitor", "INFO")

    settings = GuaranteeMonitorSettings(
        database_url=url, kafka_bootstrap_servers=bootstrap, consumer_group=group, scheduler_interval_seconds=interval
    )
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    reader = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await reader.start()
    partitions = await partitions_of(bootstrap, topics)
    end = sum((await reader.end_offsets(partitions)).values())
    await reader.stop()

    watcher = AlertWatcher(bootstrap, f"c-{fill.run}-")
    watcher.start()
    try:
        result.memory_before = memory()
        result.peak_reset = reset_peak_memory()
        result.started = time.perf_counter()
        app = monitor_app.create_app(settings, clock=clock)
        async with app.router.lifespan_context(app):
            result.ready = time.perf_counter()
            TIMINGS.reset()
            with CpuWindow(owners={os.getpid()}, poll_seconds=POLL_IN_PROCESS) as result.cpu_drain:
                shown = time.perf_counter()
                while True:
                    done = await committed_total(admin, group, partitions)
                    result.progress.append((time.perf_counter(), done))
                    if done >= end:
                        break
                    if time.perf_counter() - shown >= 30:
                        shown = time.perf_counter()
                        say(f"  {done:,} of {end:,} events applied, {done / (shown - result.ready):,.0f} events/s")
                    await asyncio.sleep(0.5)
            say("  caught up; the scheduler's first look at every clock ...")
            result.drained = time.perf_counter()
            result.timings_drain = Timings(
                **{k: list(v) if isinstance(v, list) else v for k, v in vars(TIMINGS).items()}
            )

            # The scheduler's first look at every clock: each applied event left its clock due "now" (T0).
            pool = app.state.pool
            with CpuWindow(owners={os.getpid()}, poll_seconds=POLL_IN_PROCESS) as result.cpu_look:
                while True:
                    calls = TIMINGS.fire_calls
                    if (
                        calls
                        and calls[-1][2] == 0
                        and not await pool.fetchval(
                            "SELECT EXISTS (SELECT 1 FROM clocks WHERE next_alert_at <= $1)", T0
                        )
                    ):
                        break
                    await asyncio.sleep(0.2)
            result.looked = time.perf_counter()
            result.memory_replayed = memory()
            say("  done; alert latency rounds ...")

            await collect_state(pool, fill, result)
            if not await asyncio.to_thread(watcher.ready.wait, 30) or watcher.error:
                raise RuntimeError(f"the alert watcher did not start: {watcher.error!r}")
            await measure_latency(app, clock, watcher, fill, result)
            result.memory_end = memory()
            if burst:
                say("  the burst: every background clock's first tier at once ...")
                await measure_burst(clock, watcher, fill, result)
    finally:
        watcher.stopping.set()
        watcher.join(10)
        await admin.close()
        redirect.__exit__(None, None, None)
        for logger in [
            logging.getLogger(),
            *(
                logging.getLogger(name)
                for name in list(logging.root.manager.loggerDict)
                if name.startswith("faststream")
            ),
        ]:
            for handler in list(logger.handlers):
                handler.flush()
                logger.removeHandler(handler)
        log_file.close()
    lines = log_path.read_text(errors="replace").splitlines()  # noqa: ASYNC240 -- after the run: nothing is timed
    result.log_problems = [
        line
        for line in lines
        if '"level": "ERROR"' in line or ('"level": "WARNING"' in line and "DEVELOPMENT key" not in line)
    ]  # the dev token key is expected here
    return result


async def collect_state(pool: asyncpg.Pool, fill: Fill, result: Replay) -> None:
    result.clocks = await pool.fetchval("SELECT count(*) FROM clocks")
    result.open_clocks = await pool.fetchval("SELECT count(*) FROM clocks WHERE next_alert_at IS NOT NULL")
    result.consumed = await pool.fetchval("SELECT count(*) FROM consumed_events")
    result.catch_up_alerts = await pool.fetchval("SELECT count(*) FROM alerts")
    started = time.perf_counter()
    rows = await pool.fetch("SELECT status, count(*) AS n FROM clocks WHERE status IS NOT NULL GROUP BY status")
    result.gauge_query = time.perf_counter() - started  # the query refresh_status_gauges runs every 5 s
    result.statuses = {row["status"]: row["n"] for row in rows}
    for table in ("clocks", "consumed_events", "alerts", "outbox"):
        result.sizes[table] = await pool.fetchval("SELECT pg_total_relation_size($1::regclass)", table)


async def measure_latency(app, clock: SettableClock, watcher: AlertWatcher, fill: Fill, result: Replay) -> None:
    """Move the clock to each probe moment in turn; time each alert from then to its arrival on Kafka."""
    await asyncio.sleep(1.0)  # let the catch-up alerts reach Kafka before the watcher's clean slate
    watcher.seen.clear()
    phase = random.Random(fill.run)
    for moment, falling_due in latency_rounds():
        # A random wait, so the clock moves at a random point of the scheduler's polling cycle: a whole number
        # of seconds would keep landing at the same point of its 0.25 s cycle.
        await asyncio.sleep(phase.uniform(0.5, 1.5))
        expected = len(falling_due) * fill.probes_per_group
        wanted = iso(moment).decode()
        set_at, set_perf = time.time(), time.perf_counter()
        clock.set(moment)
        deadline = time.monotonic() + 60
        # The watcher announces single alerts, not counts: a fixed 10 ms look is the latency figures' resolution.
        arrived_count = sum(1 for s in watcher.seen if s["time"] == wanted)
        while arrived_count < expected and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
            arrived_count = sum(1 for s in watcher.seen if s["time"] == wanted)
        arrived = [s for s in watcher.seen if s["time"] == wanted]
        await asyncio.sleep(0.5)
        passes = [c for c in TIMINGS.fire_calls if c[0] >= set_perf]
        result.rounds.append(
            {
                "moment": moment,
                "falling_due": falling_due,
                "expected": expected,
                "set_at": set_at,
                "alerts": arrived,
                "looked": sum(c[2] for c in passes),
                "pickup": passes[0][0] - set_perf if passes else float("nan"),
                "pass": next((c[1] for c in passes if c[2]), float("nan")),
            }
        )
    ids = [s["id"] for r in result.rounds for s in r["alerts"]]
    rows = await app.state.pool.fetch(
        """SELECT event_id, extract(epoch FROM created_at) AS created, extract(epoch FROM published_at) AS published
           FROM outbox WHERE event_id = ANY($1::text[])""",
        ids,
    )
    outbox = {row["event_id"]: row for row in rows}
    for r in result.rounds:
        for s in r["alerts"]:
            row = outbox.get(s["id"])
            result.stage_rows.append(
                {
                    "pickup": r["pickup"],
                    "pass": r["pickup"] + r["pass"],
                    "scheduler": float(row["created"]) - r["set_at"] if row else float("nan"),
                    "relay sent": s["kafka_timestamp"] - r["set_at"],
                    "relay acked": float(row["published"]) - r["set_at"] if row and row["published"] else float("nan"),
                    "received": s["received"] - r["set_at"],
                }
            )


def first_background_tier() -> datetime:
    return next_alert_moment(
        ContactFacts("x", sought_at=BACKGROUND_DAY, registered_at=BACKGROUND_DAY, unit=UNIT, listed_unit=UNIT),
        POLICY,
        T0,
    )


async def measure_burst(clock: SettableClock, watcher: AlertWatcher, fill: Fill, result: Replay) -> None:
    """Move the clock to the background contacts' first tier: all of them fall due at that one moment, as every
    contact sought on one day does at each local midnight; the at-risk ones (40 %) get an alert."""
    moment = first_background_tier()
    wanted = iso(moment).decode()
    at_risk = sum(1 for n in range(fill.contacts) if n % 10 >= 6)
    probes = sum(
        fill.probes_per_group for sought in PROBE_GROUPS.values() for m, _ in alert_moments(sought) if m == moment
    )
    expected = at_risk + probes
    before = (TIMINGS.outbox, TIMINGS.outbox_calls, TIMINGS.relay, TIMINGS.relay_events)
    set_at, set_perf = time.time(), time.perf_counter()
    clock.set(moment)
    last_count, last_change = 0, time.monotonic()
    while True:
        count = sum(1 for s in watcher.seen[-expected - 10 :] if s["time"] == wanted) if watcher.seen else 0
        if count >= expected or time.monotonic() - last_change > 30:
            break
        if count != last_count:
            last_count, last_change = count, time.monotonic()
        await asyncio.sleep(0.5)
    arrived = [s for s in watcher.seen if s["time"] == wanted]
    calls = [c for c in TIMINGS.fire_calls if c[0] >= set_perf]
    result.burst = {
        "moment": moment,
        "expected": expected,
        "set_at": set_at,
        "alerts": arrived,
        "looked": sum(c[2] for c in calls),
        "scheduler_busy": (calls[-1][0] + calls[-1][1] - set_perf) if calls else float("nan"),
        "fire_due": sum(c[1] for c in calls if c[2]),
        "outbox": (TIMINGS.outbox - before[0], TIMINGS.outbox_calls - before[1]),
        "relay": (TIMINGS.relay - before[2], TIMINGS.relay_events - before[3]),
    }


# --- the report -------------------------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    values = sorted(v for v in values if v == v)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, max(0, round(q * (len(values) - 1))))]


def report(
    args,
    infrastructure,
    background,
    fill: Fill,
    produced: float,
    bare: float,
    decoding: tuple[int, float],
    replay: Replay,
    cpu_bare: CpuWindow,
) -> None:
    events = fill.events
    decoded, decoding_seconds = decoding
    decoding_rate = decoded / decoding_seconds
    drain = replay.drained - replay.ready
    rate = events / drain
    print()
    print(
        f"Guarantee monitor benchmark, run {fill.run}: {fill.contacts:,} contacts (+ {3 * fill.probes_per_group} "
        f"probe contacts), {events:,} events; Kafka and PostgreSQL from {infrastructure.origin}."
    )
    print(
        f"{os.cpu_count()} cores, shared by everything below; before the run the machine was {background:.0%} busy "
        "with other work."
    )
    print(
        "The monitor runs in this process (create_app + lifespan, a SettableClock), pointed at this run's own "
        "topics by patching"
    )
    print(
        "app.CONTACTS/APPOINTMENTS, app.models_for_topic and scheduler.ConsumerProgress before create_app; the "
        "service code is unchanged."
    )
    print(
        "Events: "
        + ", ".join(f"{kind} {count:,}" for kind, count in fill.by_kind.items())
        + f"; {PARTITIONS} partitions per topic, keyed by the patient pseudonym."
    )
    print()
    print(f"{'':58}{'events/s':>12}{'seconds':>10}")
    print(f"{'producing the topics (aiokafka, acks=1, linger 20 ms)':58}{events / produced:>12,.0f}{produced:>10.1f}")
    print(f"{'bare aiokafka consumer, both topics from offset 0':58}{events / bare:>12,.0f}{bare:>10.1f}")
    label = "  the same, and decode_event on every value" + (f" (first {decoded:,})" if decoded < events else "")
    print(f"{label:58}{decoding_rate:>12,.0f}{decoding_seconds:>10.1f}")
    print(f"{'monitor, consuming (start of the broker to all committed)':58}{rate:>12,.0f}{drain:>10.1f}")
    print(f"{'  steady state, 10 % to 90 % of the backlog committed':58}{replay.steady_rate():>12,.0f}")
    print()
    print(f"consume rate, monitor:                       {rate:10,.0f} events/s   (aim: at least 20,000)")
    print(f"ratio monitor / bare aiokafka consumer:      {rate / (events / bare):10.3f}")
    print(f"ratio monitor / bare consumer with decoding: {rate / decoding_rate:10.3f}")
    print()
    look_calls = [c for c in TIMINGS.fire_calls if c[0] <= replay.looked]
    clocks_looked = sum(c[2] for c in look_calls)
    look_started = min([replay.drained] + [c[0] for c in look_calls if c[2]])
    looked = replay.looked - look_started
    print(
        f"replay time, fresh schema and consumer group, from offset 0 to every clock current: "
        f"{replay.looked - replay.started:.1f} s"
    )
    print(f"  start-up (pool, migrations, outbox relay, Kafka broker):      {replay.ready - replay.started:8.1f} s")
    print(f"  consuming every event (group join to the last commit):        {drain:8.1f} s")
    print(
        f"  the scheduler's first look at every clock once caught up:     {looked:8.1f} s  "
        f"({clocks_looked:,} clocks, {clocks_looked / max(looked, 1e-9):,.0f} clocks/s, "
        f"{replay.catch_up_alerts:,} alerts raised)"
    )
    print()
    t = replay.timings_drain
    if t and t.batches:
        wall = drain
        print(
            f"Where the monitor's time went while consuming ({t.batches:,} batches, {t.records / t.batches:.0f} "
            f"events per batch; wall {wall:.1f} s):"
        )
        rows = [
            ("decode_event (JSON, CloudEvents SDK, pydantic models)", t.decode),
            ("the batch's transaction, in all", t.transaction),
            ("  INSERT consumed_events, BEGIN, COMMIT", t.transaction - t.handler),
            ("  apply_events: SELECT clocks FOR UPDATE, from_json, apply", t.handler - t.save),
            ("  save_clocks: _clock_row (state, next alert, facts to JSON)", t.rows),
            ("  save_clocks: the upsert (one statement a batch)", t.save - t.rows),
            ("Kafka offset commit after each batch", t.commit),
            (
                "everything else (aiokafka fetch, FastStream, middlewares, idle)",
                wall - t.decode - t.transaction - t.commit,
            ),
        ]
        for name, seconds in rows:
            print(f"  {name:66}{seconds:8.1f} s {seconds / wall:6.0%}  {seconds / t.records * 1e6:7.1f} µs/event")
        print()
    print("CPU seconds per 1,000 events, from /proc:")
    columns = [
        ("bare consumer", cpu_bare, events),
        ("monitor drain", replay.cpu_drain, events),
        ("first look", replay.cpu_look, max(clocks_looked, 1)),
    ]
    print(f"  {'':46}" + "".join(f"{name:>16}" for name, _, _ in columns))
    for row, label in (
        (LOADGEN, "this process (monitor, or bare consumer)"),
        (ITS_BACKENDS, "  its PostgreSQL backends"),
        (PG_OTHER, "PostgreSQL, the rest"),
        (KAFKA, KAFKA),
        (OTHER, OTHER),
        (UNATTRIBUTED, UNATTRIBUTED),
    ):
        print(
            f"  {label:46}"
            + "".join(f"{cpu.per_unit(row, units):>16.2f}" if cpu else f"{'':>16}" for _, cpu, units in columns)
        )
    print(
        f"  {'machine busy, share of all cores':46}"
        + "".join(f"{cpu.busy_share():>16.0%}" if cpu else f"{'':>16}" for _, cpu, _ in columns)
    )
    print("  ('first look' is per 1,000 clocks)")
    print()
    peak = replay.memory_replayed.get("VmHWM", 0)
    print("Memory of this process (the monitor, in-process; the bench's own part is the 'before' figure):")
    print(f"  {'before the monitor started:':50}{mb(replay.memory_before.get('VmRSS', 0))}")
    label = "peak while replaying (VmHWM" + ("" if replay.peak_reset else ", since the process began") + "):"
    print(f"  {label:50}{mb(peak)}  (+{mb(peak - replay.memory_before.get('VmRSS', 0))})")
    label = f"after the latency rounds ({replay.open_clocks:,} clocks open):"
    print(f"  {label:50}{mb(replay.memory_end.get('VmRSS', 0))}")
    print(
        f"  {'max RSS over the whole process (getrusage):':50}"
        f"{mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)}"
    )
    print("  PostgreSQL, on disk: " + ", ".join(f"{table} {mb(size)}" for table, size in replay.sizes.items()))
    print()
    print(
        f"Clocks: {replay.clocks:,} ({replay.open_clocks:,} with a next alert moment); events recorded as consumed: "
        f"{replay.consumed:,} of {events:,}"
    )
    print("  by status: " + ", ".join(f"{status} {n:,}" for status, n in sorted(replay.statuses.items())))
    print(
        f"  the status-gauge query (every 5 s, refresh_status_gauges) took {replay.gauge_query * MS:.0f} ms "
        f"on {replay.clocks:,} clocks"
    )
    print()
    print_latency(replay, args.scheduler_interval)
    if replay.log_problems:
        print(
            f"\nthe monitor logged {len(replay.log_problems)} warning/error line(s); the first: "
            f"{replay.log_problems[0][:300]}"
        )


def print_latency(replay: Replay, interval: float) -> None:
    print(
        f"Alert latency with {replay.open_clocks:,} clocks open. Latency = the moment this bench moved the monitor's "
        "clock to a tier moment"
    )
    print(
        "(wall time, just before SettableClock.set) until the alert event for that moment was received from "
        f"{GUARANTEE_ALERTS} by a consumer"
    )
    print(
        f"in a thread of its own (fetch wait 5 ms). The scheduler polls every {interval:g} s "
        "(scheduler_interval_seconds, the default), so up to that much is waiting for its next pass."
    )
    print()
    header = (
        f"  {'moment (Stockholm)':22}{'falls due':44}{'clocks due':>11}{'alerts':>8}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'max ms':>9}{'wait ms':>9}"
    )
    print(header)
    print("  " + "-" * (len(header) - 2))
    everything = []
    for r in replay.rounds:
        latencies = [s["received"] - r["set_at"] for s in r["alerts"]]
        everything += latencies
        missing = "" if len(latencies) == r["expected"] else f"  ({r['expected'] - len(latencies)} missing!)"
        print(
            f"  {r['moment'].astimezone(STOCKHOLM):%a %d %b %H:%M}{'':8}{', '.join(r['falling_due'])[:43]:44}"
            f"{r['looked']:>11,}{len(latencies):>8}{percentile(latencies, 0.5) * MS:>9,.0f}"
            f"{percentile(latencies, 0.99) * MS:>9,.0f}"
            f"{max(latencies, default=float('nan')) * MS:>9,.0f}{r['pickup'] * MS:>9,.0f}{missing}"
        )
    print(
        f"  {'all rounds':77}{len(everything):>8}{percentile(everything, 0.5) * MS:>9,.0f}"
        f"{percentile(everything, 0.99) * MS:>9,.0f}{max(everything, default=float('nan')) * MS:>9,.0f}"
    )
    b = replay.burst
    if b:
        latencies = [s["received"] - b["set_at"] for s in b["alerts"]]
        missing = "" if len(latencies) == b["expected"] else f"  ({b['expected'] - len(latencies)} missing!)"
        print(
            f"  {b['moment'].astimezone(STOCKHOLM):%a %d %b %H:%M}{'':8}{'the burst: every background clock':44}"
            f"{b['looked']:>11,}{len(latencies):>8,}{percentile(latencies, 0.5) * MS:>9,.0f}"
            f"{percentile(latencies, 0.99) * MS:>9,.0f}{max(latencies, default=float('nan')) * MS:>9,.0f}{missing}"
        )
    print()
    print(
        "alert latency p99, the rounds (a few hundred clocks due at once): "
        f"{percentile(everything, 0.99) * MS:,.0f} ms   (aim: under 1,000 ms)"
    )
    if b:
        latencies = [s["received"] - b["set_at"] for s in b["alerts"]]
        print(
            f"alert latency p99, the burst ({b['looked']:,} clocks due at once):{'':11}"
            f"{percentile(latencies, 0.99) * MS:,.0f} ms"
        )
    print()
    print("'wait ms' is how long the scheduler's polling left the moved clock unseen (its next pass began then).")
    print(
        "'clocks due' counts the clocks the scheduler looked at after the clock moved. In the rounds only the probe "
        "contacts are due;"
    )
    print("the other clocks' next alert is later.", end=" ")
    if not b:
        print("(--burst also times the moment they all reach their first tier, as all contacts sought on one day do.)")
    if b:
        print("In the burst every background contact reaches its 48-hour tier at the same midnight,")
        print("as all contacts sought on one day do: the at-risk 40 % get an alert.")
        busy = b["scheduler_busy"]
        print(
            f"In the burst the scheduler was busy {busy:.1f} s ({b['looked'] / busy:,.0f} clocks/s, "
            f"{len(b['alerts']) / busy:,.0f} alerts/s). Inside fire_due ({b['fire_due']:.1f} s in all), "
            f"add_events_to_outbox took {b['outbox'][0]:.1f} s"
        )
        per_alert = b["outbox"][0] / max(b["outbox"][1], 1) * 1e6
        print(
            f"({per_alert:,.0f} µs per alert: encode_event, and its share of one INSERT with the advisory locks "
            "for the whole pass); "
            f"the outbox relay, in the same process and event loop, spent {b['relay'][0]:.1f} s"
        )
        print(f"publishing {b['relay'][1]:,} events ({b['relay'][0] / max(b['relay'][1], 1) * 1e6:,.0f} µs each).")
    print()
    print("The same alerts, time from moving the clock to each step (all rounds):")
    stages = [
        ("scheduler: its next pass began (the polling wait)", "pickup"),
        ("scheduler: the transaction that raised it began (outbox.created_at)", "scheduler"),
        ("scheduler: that pass's fire_due returned (committed)", "pass"),
        ("relay: sent to Kafka (the record's timestamp)", "relay sent"),
        ("relay: Kafka acknowledged, row marked (outbox.published_at)", "relay acked"),
        ("consumer: received", "received"),
    ]
    for label, key in stages:
        values = [row[key] for row in replay.stage_rows]
        print(f"  {label:70} p50 {percentile(values, 0.5) * MS:6.0f} ms   p99 {percentile(values, 0.99) * MS:6.0f} ms")


# --- the run ---------------------------------------------------------------------------------------------------------


async def main(args) -> None:
    run = uuid.uuid4().hex[:8]
    fill = Fill(run, args.contacts, args.probes)
    topic_of = {CONTACTS: f"bench.{run}.{CONTACTS}", APPOINTMENTS: f"bench.{run}.{APPOINTMENTS}"}
    topics = list(topic_of.values())
    templates = Templates()
    sample_check(templates, fill)
    instrument()
    point_monitor_at(topic_of[CONTACTS], topic_of[APPOINTMENTS])

    with real_infrastructure() as infrastructure, tempfile.TemporaryDirectory(prefix="bench-monitor-") as logs:
        bootstrap = infrastructure.kafka_bootstrap_servers
        background = background_load()
        alerts_spec = next(spec for spec in CONTRACT_TOPICS if spec.name == GUARANTEE_ALERTS)
        await ensure_topics(bootstrap, [(t, PARTITIONS) for t in topics] + [(alerts_spec.name, alerts_spec.partitions)])
        try:
            say(f"producing {args.contacts:,} contacts' events to {', '.join(topics)} ...")
            produced = await produce(bootstrap, templates, fill, topic_of)
            say(f"  {fill.events:,} events in {produced:.1f} s; bare consumer ...")
            with CpuWindow(owners={os.getpid()}) as cpu_bare:
                bare = await bare_consumer(bootstrap, topics, fill.events, decode=False)
            decoded = min(fill.events, args.decode_sample)
            bare_decoding = await bare_consumer(bootstrap, topics, decoded, decode=True)
            say(
                f"  {fill.events / bare:,.0f} events/s ({decoded / bare_decoding:,.0f} decoding); "
                "the monitor replays ..."
            )
            async with scratch_schema(infrastructure.database_urls["guarantee-monitor"], prefix="bench") as url:
                replay = await run_monitor(
                    infrastructure,
                    url,
                    fill,
                    topics,
                    Path(logs) / "guarantee-monitor.log",
                    args.scheduler_interval,
                    args.burst,
                )
        finally:
            await drop_topics(bootstrap, topics)
    report(args, infrastructure, background, fill, produced, bare, (decoded, bare_decoding), replay, cpu_bare)


async def drop_topics(bootstrap: str, topics: list[str]) -> None:
    """Delete this run's topics. Its consumer group goes with them: the broker drops a group's offsets for deleted
    topics and forgets the empty group at its next offsets clean-up (aiokafka has no call to delete a group)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        await admin.delete_topics(topics)
    finally:
        await admin.close()


def say(text: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {text}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--contacts", type=int, default=1_000_000, help="background contacts, about 1.9 events each (default 1,000,000)"
    )
    parser.add_argument(
        "--probes",
        type=int,
        default=100,
        help="contacts in each of the three probe groups whose alerts are timed (default 100: 500 timed alerts)",
    )
    parser.add_argument(
        "--decode-sample",
        type=int,
        default=200_000,
        help="events the bare consumer also decodes, for the decoding row (default 200,000)",
    )
    parser.add_argument(
        "--burst",
        action="store_true",
        help="a last phase: every background clock reaches its first tier at the same moment (the "
        "scheduler then works through all of them; about as long as the first look, or longer)",
    )
    parser.add_argument(
        "--scheduler-interval",
        type=float,
        default=GuaranteeMonitorSettings.model_fields["scheduler_interval_seconds"].default,
        help="the monitor's scheduler_interval_seconds (default: the service's)",
    )
    # The services run under uvicorn, which runs uvloop: so does the monitor here.
    uvloop.run(main(parser.parse_args()))
