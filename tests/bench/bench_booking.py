"""Booking storm: a real booking process under many citizens at once, against pgbench running the same SQL.

Phase 1, few slots: many distinct citizens race for a handful of free slots (most must get 409).
Phase 2, many slots: bookings spread over as many distinct free slots, with bounded concurrency.
Afterwards the database is checked for double bookings, the service is stopped, and pgbench runs the
booking transaction's SQL straight against PostgreSQL on fresh slots of the same schema, as the ceiling
the service's bookings per second are compared with.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import glob
import json
import os
import random
import re
import subprocess
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import asyncpg
import httpx

# Its own servers: the bookings it makes go to nara.appointments.v1, which the tests' stack must not pile up.
os.environ.setdefault("NARA_TEST_STATE_DIR", str(Path(__file__).resolve().parents[2] / ".state" / "bench-stack"))

from raw_http import RawHttpConnection

from nara.booking.adapters import appointments as appointment_sql
from nara.booking.adapters import slots as slot_sql
from nara.booking.adapters.schedule import PostgresSchedule
from nara.booking.demo import UNITS
from nara.booking.service.schedule import generate_slots
from nara.devstack.testing import real_infrastructure, scratch_schema, service_process
from nara.shared.events.envelope import encode_event
from nara.shared.events.models import AppointmentBooked
from nara.shared.identity import issue_dev_token
from nara.shared.outbox.writer import KEY_LOCK_CLASS, SHARDS
from nara.shared.pseudonym import pseudonymiser_from_environment

UNIT_IDS = [unit for unit, *_ in UNITS]
WEB_LIMIT = 1_000_000  # the per-unit limit is checked on every booking, and never reached here
TICKS = os.sysconf("SC_CLK_TCK")


# --- test citizens --------------------------------------------------------------------------------------


def personnummer(serial: int, year: int) -> str:
    """A valid personnummer (Luhn check digit); unique for serials 0..8099 within one year."""
    body = f"{year % 100:02d}0{(serial // 900) % 9 + 1}{(serial // 30) % 28 + 1:02d}{serial % 900 + 100:03d}"
    digits = [int(d) * (2 - i % 2) for i, d in enumerate(body)]
    check = (10 - sum(d // 10 + d % 10 for d in digits) % 10) % 10
    return f"{year}{body[2:6]}-{body[6:]}{check}"


def citizen_headers(first: int, count: int) -> list[dict[str, str]]:
    """`count` distinct citizens' auth headers, numbered from `first` (8,100 per birth year)."""
    return [
        {"Authorization": f"Bearer {issue_dev_token('citizen', personnummer(n % 8100, 1930 + n // 8100))}"}
        for n in range(first, first + count)
    ]


# --- CPU accounting: the load generator, the service and PostgreSQL share this machine ---------------------


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, summed over cores."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    total = sum(fields[:8])
    return (total - idle) / TICKS, total / TICKS


def background_load(seconds: float = 3.0) -> float:
    """How busy the machine is before we start: other work here skews every figure below."""
    busy0, total0 = machine_cpu()
    time.sleep(seconds)
    busy1, total1 = machine_cpu()
    return (busy1 - busy0) / max(total1 - total0, 1e-9)


def _stat(pid: str) -> tuple[int, float] | None:
    """(parent pid, CPU seconds so far) of a process, or None when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICKS  # ppid, utime + stime


def _cmdline(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except (FileNotFoundError, ProcessLookupError):
        return ""


def child_pids(marker: str) -> set[int]:
    """The pids of our child processes whose command line contains `marker` (the service instances)."""
    return {
        int(entry.name)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit()
        and (stat := _stat(entry.name))
        and stat[0] == os.getpid()
        and marker in _cmdline(entry.name)
    }


def _local_ports(pid: int) -> set[int]:
    """The local TCP ports of a process's sockets: PostgreSQL names each backend after its client's port."""
    inodes = set()
    try:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            target = os.readlink(fd)
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return set()
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[9] in inodes:
                ports.add(int(fields[1].rsplit(":", 1)[1], 16))
    return ports


UNDER_TEST = "the process under test"
ITS_BACKENDS = "  its PostgreSQL backends"
PG_OTHER = "PostgreSQL background, other clients"
KAFKA = "Kafka brokers"
LOADGEN = "load generator (this process)"
OTHER = "other processes on the machine"
UNATTRIBUTED = "unattributed (exited processes, kernel)"
CPU_ROWS = [UNDER_TEST, ITS_BACKENDS, PG_OTHER, KAFKA, LOADGEN, OTHER, UNATTRIBUTED]
BACKEND_PORT = re.compile(r"^postgres: .*\((\d+)\)")


class CpuWindow:
    """CPU seconds per kind of process while a phase runs, from /proc, polled so short-lived ones count too.

    'owners' are the processes under test (the service instances, or pgbench): the PostgreSQL backends
    serving their connections are told apart from the rest by their client port. Whatever ran for others on this
    shared machine shows up as 'other processes' or 'unattributed', not in the figures being compared.
    """

    def __init__(self, owners: set[int] = frozenset(), owner_name: str = "service", poll_seconds: float = 0.5) -> None:
        self.owners, self.owner_name, self.poll_seconds = set(owners), owner_name, poll_seconds
        self.groups: dict[str, float] = {}
        self.wall = self.busy = self.cores = 0.0
        self._base: dict[str, float] = {}
        self._last: dict[str, tuple[str, float]] = {}
        self._postmasters: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll_until_stopped, daemon=True)

    def __enter__(self) -> CpuWindow:
        self._poll(first=True)
        self._machine0, self._wall0 = machine_cpu(), time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._poll()
        busy1, total1 = machine_cpu()
        self.wall = time.perf_counter() - self._wall0
        self.busy, self.cores = busy1 - self._machine0[0], (total1 - self._machine0[1]) / max(self.wall, 1e-9)
        for pid, (group, cpu) in self._last.items():
            self.groups[group] = self.groups.get(group, 0.0) + cpu - self._base.get(pid, 0.0)
        self.groups[UNATTRIBUTED] = self.busy - sum(self.groups.values())

    def _poll_until_stopped(self) -> None:
        while not self._stop.wait(self.poll_seconds):
            self._poll()

    def _poll(self, first: bool = False) -> None:
        ports = set().union(*(_local_ports(owner) for owner in self.owners))
        stats = {e.name: s for e in Path("/proc").iterdir() if e.name.isdigit() and (s := _stat(e.name))}
        commands = {}
        for pid in stats:
            if pid in self._last and self._last[pid][0] != OTHER:
                continue  # classified already, and that does not change
            commands[pid] = _cmdline(pid)
            match = BACKEND_PORT.match(commands[pid])
            if match and int(match.group(1)) in ports:
                self._postmasters.add(stats[pid][0])
        for pid, (ppid, cpu) in stats.items():
            if first:
                self._base[pid] = cpu
            group = self._group(pid, ppid, commands[pid], ports) if pid in commands else self._last[pid][0]
            self._last[pid] = (group, cpu)

    def _group(self, pid: str, ppid: int, command: str, ports: set[int]) -> str:
        if int(pid) == os.getpid():
            return LOADGEN
        if int(pid) in self.owners:
            return UNDER_TEST
        match = BACKEND_PORT.match(command)
        if match and int(match.group(1)) in ports:
            return ITS_BACKENDS
        if ppid in self._postmasters or int(pid) in self._postmasters:
            return PG_OTHER
        if "kafka.Kafka" in command:
            return KAFKA
        return OTHER

    def per_unit(self, group: str, units: int) -> float:
        return self.groups.get(group, 0.0) / max(units, 1) * 1000

    def busy_share(self) -> float:
        return self.busy / max(self.wall * (round(self.cores) or 1), 1e-9)


SETTLE_SECONDS = 90.0


async def settle(pids: set[int]) -> None:
    """Wait until the service idles: its fresh consumer group first replays the contacts topic from the start."""
    deadline = time.monotonic() + SETTLE_SECONDS

    def cpu() -> float:
        return sum((_stat(str(pid)) or (0, 0.0))[1] for pid in pids)

    while pids and time.monotonic() < deadline:
        before = cpu()
        await asyncio.sleep(1.0)
        if cpu() - before < 0.05 * len(pids):
            return


# --- the storm ----------------------------------------------------------------------------------------------


@dataclass
class Storm:
    name: str
    attempts: int
    wall: float
    statuses: Counter
    latencies: dict[int, list[float]]
    booked: list[str]  # slot ids of the 201s
    cpu: CpuWindow
    odd: list[str]

    @property
    def successes(self) -> int:
        return self.statuses.get(201, 0)

    def all_latencies(self) -> list[float]:
        return [value for values in self.latencies.values() for value in values]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


async def storm(
    base_urls: list[str], name: str, attempts: list[tuple[dict, str]], concurrency: int, service_pids: set[int]
) -> Storm:
    """Fire the attempts with at most `concurrency` in flight, one keep-alive connection each, the connections
    spread evenly over the service instances (as a load balancer would); time each request."""
    queue = list(reversed(attempts))
    statuses: Counter = Counter()
    latencies: dict[int, list[float]] = {}
    booked: list[str] = []
    odd: list[str] = []

    async def worker(base_url: str) -> None:
        connection = RawHttpConnection(base_url)
        try:
            while queue:
                headers, slot_id = queue.pop()
                started = time.perf_counter()
                try:
                    status, body = await connection.post_json("/api/v1/appointments", {"slot_id": slot_id}, headers)
                except (OSError, asyncio.IncompleteReadError) as error:  # never retried: a retry could book twice
                    statuses[0] += 1
                    if len(odd) < 5:
                        odd.append(f"{type(error).__name__}: {error}")
                    await connection.close()
                    continue
                elapsed = time.perf_counter() - started
                statuses[status] += 1
                latencies.setdefault(status, []).append(elapsed)
                if status == 201:
                    booked.append(slot_id)
                elif (status != 409 or json.loads(body).get("code") != "slot_taken") and len(odd) < 5:
                    odd.append(f"{status} {body[:200].decode(errors='replace')}")
        finally:
            await connection.close()

    with CpuWindow(service_pids, "service") as cpu:
        await asyncio.gather(*(worker(base_urls[n % len(base_urls)]) for n in range(min(concurrency, len(attempts)))))
    return Storm(name, len(attempts), cpu.wall, statuses, latencies, booked, cpu, odd)


async def ensure_slots(url: str, visible_needed: int, total_needed: int) -> None:
    """Generate slots further ahead (same weekly templates as the demo) until enough free ones exist."""
    connection = await asyncpg.connect(url)
    try:
        today = datetime.now(UTC).date()
        days = 14
        while True:
            counts = await connection.fetchrow(
                """SELECT count(*) FILTER (WHERE t.booking_channel = 'web') AS visible, count(*) AS total
                   FROM slots s JOIN time_types t ON t.code = s.time_type
                   WHERE s.capacity = 1 AND s.reserved = 0 AND NOT s.blocked AND s.withdrawn_at IS NULL
                     AND s.start_at > now() + interval '1 day'"""
            )
            if counts["visible"] >= visible_needed and counts["total"] >= total_needed:
                return
            days += 28
            if days > 3 * 365:
                raise RuntimeError(f"not enough slots even a few years ahead: {dict(counts)}")
            await generate_slots(PostgresSchedule(connection), today, today + timedelta(days=days))
    finally:
        await connection.close()


async def visible_free_slots(client: httpx.AsyncClient, headers: dict, days: int) -> list[str]:
    """Every free, single-seat slot a citizen sees, from tomorrow on, through the API (paging per unit)."""
    start = datetime.now(UTC) + timedelta(days=1)
    found = []
    for unit in UNIT_IDS:
        page = 1
        while True:
            response = await client.get(
                "/api/v1/slots",
                headers=headers,
                params={
                    "unit": unit,
                    "from": start.isoformat(),
                    "to": (start + timedelta(days=days)).isoformat(),
                    "page_size": 100,
                    "page": page,
                },
            )
            response.raise_for_status()
            body = response.json()
            found += [s["id"] for s in body["slots"] if s["free_seats"] == 1]
            if not body["has_more"]:
                break
            page += 1
    return found


async def double_bookings(url: str) -> dict[str, int]:
    connection = await asyncpg.connect(url)
    try:
        return {
            "slots with more booked appointments than seats": await connection.fetchval(
                """SELECT count(*) FROM (SELECT a.slot_id FROM appointments a JOIN slots s ON s.id = a.slot_id
                   WHERE a.status = 'booked' GROUP BY a.slot_id, s.capacity HAVING count(*) > s.capacity) over"""
            ),
            "slots with reserved above capacity": await connection.fetchval(
                "SELECT count(*) FROM slots WHERE reserved > capacity"
            ),
            "slots whose reserved differs from bookings + holds": await connection.fetchval(
                """SELECT count(*) FROM slots s WHERE s.reserved <>
                     (SELECT count(*) FROM appointments a WHERE a.slot_id = s.id AND a.status = 'booked')
                   + (SELECT count(*) FROM holds h WHERE h.slot_id = s.id)"""
            ),
        }
    finally:
        await connection.close()


# --- the pgbench ceiling ------------------------------------------------------------------------------------


def pgbench_binary() -> str:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pgbench"), key=lambda p: int(Path(p).parts[-3]))
    if not candidates:
        raise RuntimeError("pgbench not found under /usr/lib/postgresql/*/bin (apt-get install postgresql)")
    return candidates[-1]


def event_size() -> int:
    """The size of a real AppointmentBooked CloudEvent, as the service writes it into the outbox."""
    now = datetime.now(UTC)
    patient = pseudonymiser_from_environment().pseudonym(personnummer(1, 1980))
    data = AppointmentBooked(
        appointment_id=str(uuid.uuid4()),
        contact_id=None,
        patient=patient,
        unit=UNIT_IDS[0],
        practitioner="SE2321000115-P000000103",
        profession="nurse",
        contact_form="clinic",
        start=now,
        end=now + timedelta(minutes=20),
        booked_by="patient",
        earlier_time_offered_within_guarantee=False,
    )
    return len(encode_event(data, source="/nara/booking", subject=patient, event_id=str(uuid.uuid4()), time=now))


def as_pgbench(sql: str, parameters: dict[int, str]) -> str:
    """The service's statement with its $n placeholders replaced by pgbench expressions, on one line."""
    return " ".join(re.sub(r"\$(\d+)", lambda m: parameters[int(m.group(1))], sql).split())


def pgbench_scripts(concurrency: int, value_bytes: int) -> dict[str, str]:
    """The booking transaction as a pgbench script on bench_targets (n -> a fresh slot): each transaction books
    a different slot, with the very statements a citizen's booking sends, in its order (the store's and the
    outbox writer's SQL constants). The patient is 'pb<n>'; ids the service draws in Python are drawn here by
    PostgreSQL (md5 of n for the appointment, gen_random_uuid for the event)."""
    # Each client numbers its own transactions (k), so every transaction takes a slot no other one takes.
    pick = f"\\set idx :k * {concurrency} + :client_id + 1\n\\set k :k + 1\n\\set web_limit {WEB_LIMIT}\n"
    patient = "('pb' || :idx::text)"
    appointment_id = "md5(:idx::text)::uuid"
    value = f"convert_to(rpad(gen_random_uuid()::text, {value_bytes}, '.'), 'UTF8')"
    slot = as_pgbench(
        slot_sql.SLOT_LOCKING_PATIENT_AT_UNIT,
        {1: "(SELECT slot_id FROM bench_targets WHERE n = :idx)", 2: str(slot_sql.PATIENT_UNIT_LOCK_CLASS), 3: patient},
    )
    book = as_pgbench(
        appointment_sql.BOOK,
        {
            1: ":id",
            2: patient,
            3: "now()",
            4: appointment_id,
            5: appointment_id,
            6: ":unit",
            7: "NULL",
            8: "'patient'",
            9: patient,
            10: "NULL",
            11: "false",
            12: "NULL",
            13: ":web_limit",
            # The event's OutboxRow.parameters follow the booking's own.
            **{
                appointment_sql.BOOK_PARAMETERS + n: expression
                for n, expression in enumerate(
                    [
                        str(KEY_LOCK_CLASS),
                        f"hashtext({patient})",
                        "gen_random_uuid()::text",
                        f"'{AppointmentBooked.topic}'",
                        patient,
                        f":idx % {SHARDS}",
                        value,
                        "'{}'",
                    ],
                    start=1,
                )
            },
        },
    )
    service = pick + f"BEGIN;\n{slot} \\gset\n{book} \\gset\nCOMMIT;\n"
    return {"service SQL": service}


@dataclass
class PgbenchRun:
    name: str
    transactions: int
    tps: float
    latency_ms: float
    cpu: CpuWindow
    output: str


async def prepare_targets(url: str, exclude: set[str], count: int) -> None:
    """bench_targets: n = 1..count, each a free, future, single-seat slot nobody else in this run uses."""
    connection = await asyncpg.connect(url)
    try:
        await connection.execute("DROP TABLE IF EXISTS bench_targets")
        await connection.execute("CREATE TABLE bench_targets (n integer PRIMARY KEY, slot_id uuid NOT NULL)")
        await connection.execute(
            """INSERT INTO bench_targets (n, slot_id)
               SELECT row_number() OVER (ORDER BY random()), id FROM slots
               WHERE capacity = 1 AND reserved = 0 AND NOT blocked AND start_at > now() + interval '1 day'
                 AND id <> ALL($1::uuid[])
               LIMIT $2""",
            [uuid.UUID(s) for s in exclude],
            count,
        )
        found = await connection.fetchval("SELECT count(*) FROM bench_targets")
        if found < count:
            raise RuntimeError(f"only {found} free slots for pgbench, {count} needed")
        await connection.execute("ANALYZE")
    finally:
        await connection.close()


def run_pgbench(url: str, name: str, script: str, concurrency: int, per_client: int) -> PgbenchRun:
    parts = urlsplit(url)
    schema = parse_qs(parts.query)["search_path"][0]
    env = {**os.environ, "PGPASSWORD": unquote(parts.password or ""), "PGOPTIONS": f"-c search_path={schema}"}
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as handle:
        handle.write(script)
    command = [
        pgbench_binary(),
        "--no-vacuum",
        "--protocol=prepared",
        "--report-per-command",
        f"--client={concurrency}",
        f"--jobs={min(concurrency, os.cpu_count() or 1)}",
        f"--transactions={per_client}",
        "--define=k=0",
        f"--file={handle.name}",
        f"--host={parts.hostname}",
        f"--port={parts.port or 5432}",
        f"--username={unquote(parts.username)}",
        parts.path.lstrip("/"),
    ]
    try:
        with CpuWindow(owner_name="pgbench") as cpu:
            process = subprocess.Popen(  # noqa: S603 - pgbench, with arguments this script builds, no shell
                command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
            cpu.owners = {process.pid}
            stdout, stderr = process.communicate()
    finally:
        os.unlink(handle.name)
    output = stdout + stderr
    tps = re.search(r"^tps = ([\d.]+)", stdout, re.MULTILINE)
    processed = re.search(r"number of transactions actually processed: (\d+)", stdout)
    failed = re.search(r"number of failed transactions: (\d+)", stdout)
    if process.returncode != 0 or tps is None or (failed and int(failed.group(1))):
        raise RuntimeError(f"pgbench '{name}' failed (exit {process.returncode}):\n{output[-3000:]}")
    latency = re.search(r"latency average = ([\d.]+) ms", stdout)
    return PgbenchRun(
        name, int(processed.group(1)), float(tps.group(1)), float(latency.group(1)) if latency else 0.0, cpu, output
    )


# --- the run ------------------------------------------------------------------------------------------------


async def main(
    clients: int,
    hot: int,
    slots: int,
    concurrency: int,
    pgbench_transactions: int,
    show_pgbench: bool,
    instance_count: int,
) -> None:
    warmup = min(200, max(20, slots // 10))
    per_client = max(1, -(-pgbench_transactions // concurrency))
    pgbench_total = per_client * concurrency
    run = uuid.uuid4().hex[:8]
    env = {
        "BOOKING_LOAD_DEMO_DATA": "true",
        "BOOKING_CONTACTS_CONSUMER_GROUP": f"bench-contacts-{run}",
        "BOOKING_MAX_FUTURE_WEB_BOOKINGS_PER_UNIT": str(WEB_LIMIT),
    }
    listing = citizen_headers(0, 1)[0]
    phase1_citizens = citizen_headers(1, clients)
    warmup_citizens = citizen_headers(1 + clients, warmup)
    phase2_citizens = citizen_headers(1 + clients + warmup, slots)

    with real_infrastructure() as infrastructure, tempfile.TemporaryDirectory(prefix="bench-booking-") as logs:
        background = background_load()
        async with scratch_schema(infrastructure.database_urls["booking"], prefix="bench") as url:
            with contextlib.ExitStack() as instances:
                base_urls = [
                    instances.enter_context(service_process("booking", infrastructure, url, env, Path(logs)))
                    for _ in range(instance_count)
                ]
                base_url = base_urls[0]
                service_pids = child_pids("nara.booking")
                needed = hot + warmup + slots
                await ensure_slots(url, needed, needed + pgbench_total)
                # Idle connections are dropped here before uvicorn's 5 s keep-alive timeout closes them under a request.
                limits = httpx.Limits(
                    max_connections=concurrency, max_keepalive_connections=concurrency, keepalive_expiry=2.0
                )
                async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=120) as client:
                    last_slot = await asyncpg_fetchval(url, "SELECT max(start_at) FROM slots")
                    listed = await visible_free_slots(client, listing, (last_slot - datetime.now(UTC)).days + 1)
                    if len(listed) < needed:
                        raise RuntimeError(f"the API lists {len(listed)} free slots, {needed} needed")
                    random.Random(4).shuffle(listed)
                    await settle(service_pids)
                    hot_slots, warm_slots, spread = (
                        listed[:hot],
                        listed[hot : hot + warmup],
                        listed[hot + warmup : needed],
                    )

                    await storm(
                        base_urls,
                        "warm-up",
                        list(zip(warmup_citizens, warm_slots, strict=True)),
                        concurrency,
                        service_pids,
                    )
                    few = await storm(
                        base_urls,
                        "few slots",
                        [(h, hot_slots[n % hot]) for n, h in enumerate(phase1_citizens)],
                        concurrency,
                        service_pids,
                    )
                    many = await storm(
                        base_urls,
                        "many slots",
                        list(zip(phase2_citizens, spread, strict=True)),
                        concurrency,
                        service_pids,
                    )
            service_log = (Path(logs) / "booking.log").read_text(errors="replace").splitlines()

            checks = await double_bookings(url)
            per_slot = Counter(few.booked + many.booked)
            client_side = sum(1 for n in per_slot.values() if n > 1)

            await prepare_targets(url, set(listed[:needed]), pgbench_total)
            scripts = pgbench_scripts(concurrency, event_size())
            ceilings = []
            for name, script in scripts.items():
                await reset_targets(url)
                ceilings.append(run_pgbench(url, name, script, concurrency, per_client))
            pgbench_checks = await double_bookings(url)

    report(
        background,
        instance_count,
        clients,
        hot,
        slots,
        concurrency,
        few,
        many,
        checks,
        client_side,
        pgbench_checks,
        ceilings,
        service_log,
        show_pgbench,
    )


async def asyncpg_fetchval(url: str, sql: str):
    connection = await asyncpg.connect(url)
    try:
        return await connection.fetchval(sql)
    finally:
        await connection.close()


async def reset_targets(url: str) -> None:
    """Give the pgbench slots back between the two scripts, so both book the same fresh slots."""
    connection = await asyncpg.connect(url)
    try:
        async with connection.transaction():
            await connection.execute("DELETE FROM appointments WHERE patient LIKE 'pb%'")
            await connection.execute("DELETE FROM outbox WHERE message_key LIKE 'pb%'")
            await connection.execute("UPDATE slots SET reserved = 0 WHERE id IN (SELECT slot_id FROM bench_targets)")
        await connection.execute("VACUUM ANALYZE appointments")
        await connection.execute("VACUUM ANALYZE slots")
        await connection.execute("VACUUM ANALYZE outbox")
    finally:
        await connection.close()


def report(
    background,
    instance_count,
    clients,
    hot,
    slots,
    concurrency,
    few: Storm,
    many: Storm,
    checks,
    client_side,
    pgbench_checks,
    ceilings: list[PgbenchRun],
    service_log: list[str],
    show_pgbench: bool,
) -> None:
    ms = 1000
    print()
    print(
        f"Booking storm: {instance_count} booking process(es) on one database, {concurrency} requests in flight, "
        f"a lean keep-alive HTTP client in this process (raw_http.py); pgbench -c {concurrency} -M prepared"
    )
    print(f"Before the run the machine was {background:.0%} busy with other work ({os.cpu_count()} cores).")
    print()
    header = (
        f"{'':34}{'attempts':>9}{'201':>7}{'409':>7}{'other':>7}{'wall s':>8}{'req/s':>8}{'booked/s':>9}"
        f"{'p50 ms':>8}{'p99 ms':>8}"
    )
    print(header)
    print("-" * len(header))
    for phase, label in (
        (few, f"phase 1: {clients} clients, {hot} slots"),
        (many, f"phase 2: {slots} clients, {slots} slots"),
    ):
        other = phase.attempts - phase.successes - phase.statuses.get(409, 0)
        everything = phase.all_latencies()
        print(
            f"{label:34}{phase.attempts:>9}{phase.successes:>7}{phase.statuses.get(409, 0):>7}{other:>7}"
            f"{phase.wall:>8.2f}{phase.attempts / phase.wall:>8.0f}{phase.successes / phase.wall:>9.0f}"
            f"{percentile(everything, 0.5) * ms:>8.1f}{percentile(everything, 0.99) * ms:>8.1f}"
        )
        for status, values in sorted(phase.latencies.items()):
            if len(phase.latencies) > 1:
                print(
                    f"{'    only ' + str(status) + 's':34}{len(values):>9}{'':37}"
                    f"{percentile(values, 0.5) * ms:>8.1f}{percentile(values, 0.99) * ms:>8.1f}"
                )
        for line in phase.odd:
            print(f"    unexpected answer: {line}")
    print()
    columns = [
        ("phase 1", few.cpu, few.attempts),
        ("phase 2", many.cpu, many.attempts),
        *((f"pgbench {c.name}", c.cpu, c.transactions) for c in ceilings),
    ]
    print(
        f"CPU per request (service) or transaction (pgbench), in ms, from /proc; {os.cpu_count()} cores shared by all:"
    )
    print(f"  {'':42}" + "".join(f"{name:>22}" for name, _, _ in columns))
    for row in CPU_ROWS:
        label = "the service / pgbench" if row == UNDER_TEST else row
        print(f"  {label:42}" + "".join(f"{cpu.per_unit(row, units):>22.2f}" for _, cpu, units in columns))
    print(f"  {'machine busy, share of all cores':42}" + "".join(f"{cpu.busy_share():>22.0%}" for _, cpu, _ in columns))
    print()
    print("Double bookings (must all be 0):")
    print(f"  {'slots booked more than once, from the 201s':52}{client_side:>6}")
    for name, value in checks.items():
        print(f"  {name:52}{value:>6}")
    print(f"  {'the same checks after pgbench':52}{sum(pgbench_checks.values()):>6}")
    print()
    print("pgbench ceiling, same schema, fresh slots, the service stopped:")
    for ceiling in ceilings:
        print(
            f"  {ceiling.name:12} {ceiling.transactions:>6} transactions in {ceiling.cpu.wall:5.1f} s  "
            f"{ceiling.tps:8.0f} tps  latency avg {ceiling.latency_ms:6.1f} ms"
        )
    print()
    service_rate = many.successes / many.wall
    print(f"service, phase 2:               {service_rate:8.0f} bookings/s")
    for ceiling in ceilings:
        print(f"ratio service / pgbench {ceiling.name + ':':12}{service_rate / ceiling.tps:8.3f}   (aim: at least 0.5)")
    errors = [line for line in service_log if '"level": "ERROR"' in line]
    if errors:
        print(f"\nservice log has {len(errors)} error line(s); the first: {errors[0][:300]}")
    if show_pgbench:
        for ceiling in ceilings:
            print(f"\n--- pgbench output, {ceiling.name} ---\n{ceiling.output}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=500, help="phase 1: distinct citizens racing (default 500)")
    parser.add_argument("--hot-slots", type=int, default=20, help="phase 1: the few slots they race for (default 20)")
    parser.add_argument(
        "--slots",
        type=int,
        default=2000,
        help="phase 2: bookings, each by its own citizen on its own slot (default 2000)",
    )
    parser.add_argument(
        "--instances",
        type=int,
        default=2,
        help="booking processes sharing the load, as behind a load balancer (default 2: one a core)",
    )
    parser.add_argument(
        "--concurrency", type=int, default=64, help="requests in flight, and pgbench clients (default 64)"
    )
    parser.add_argument(
        "--pgbench-transactions",
        type=int,
        default=12000,
        help="transactions per pgbench script, rounded up to a multiple of --concurrency",
    )
    parser.add_argument("--show-pgbench", action="store_true", help="print pgbench's own report, per statement")
    args = parser.parse_args()
    asyncio.run(
        main(
            args.clients,
            args.hot_slots,
            args.slots,
            args.concurrency,
            args.pgbench_transactions,
            args.show_pgbench,
            args.instances,
        )
    )
