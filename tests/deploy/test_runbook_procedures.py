"""The scripts deploy/RUNBOOK.md tells operators to save and run do what it says, on real Kafka and PostgreSQL.

Each is taken from the runbook as written ("Save this as `name`:" and the code block after it), so the
runbook cannot drift from what was tested.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from faststream.kafka import KafkaBroker

from nara.devstack.testing import scratch_schema
from nara.shared.dead_letters import send_to_dead_letters
from nara.shared.migrations import SHARED_MIGRATIONS, apply_migrations
from nara.shared.pseudonym import DEVELOPMENT_KEY, Pseudonymiser

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


def runbook_files(directory: Path) -> dict[str, Path]:
    text = (REPO / "deploy" / "RUNBOOK.md").read_text(encoding="utf-8")
    saved = {}
    for name, indent, body in re.findall(
        r"Save this as `([\w.]+)`[^`]*?:\n\n( *)```\w+\n(.*?)\n *```", text, flags=re.DOTALL
    ):
        path = directory / name
        path.write_text("\n".join(line.removeprefix(indent) for line in body.splitlines()) + "\n")
        saved[name] = path
    return saved


def run(*command, env: dict, cwd: Path | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, cwd=cwd, env={**os.environ, **env})
    assert result.returncode == 0, result.stdout + result.stderr
    return result


async def test_dead_letters_are_listed_redriven_with_key_and_trace_and_skipped(kafka_bootstrap, tmp_path):
    script = runbook_files(tmp_path)["dead_letters.py"]
    topic = f"test.runbook.{uuid.uuid4().hex[:10]}"
    admin = AIOKafkaAdminClient(bootstrap_servers=kafka_bootstrap)
    await admin.start()
    await admin.create_topics([NewTopic(topic, 2, 1), NewTopic(f"{topic}.dlq", 1, 1)])
    await admin.close()
    event = json.dumps({"id": "e-1", "traceparent": TRACEPARENT, "data": {}}).encode()
    async with KafkaBroker(kafka_bootstrap) as broker:  # the services' own code writes the dead letters
        await send_to_dead_letters(
            broker,
            value=event,
            key=b"p_patient",
            topic=topic,
            partition=1,
            offset=7,
            reason="handler_failed",
            detail="KeyError after 5 attempts",
            consumer="booking",
        )
        await send_to_dead_letters(
            broker,
            value=b"\xffnot json",
            key=b"p_other",
            topic=topic,
            partition=0,
            offset=9,
            reason="not_json",
            detail="the message value is not UTF-8 text",
            consumer="booking",
        )
    env = {"KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap}

    listed = run(sys.executable, script, "list", f"{topic}.dlq", env=env).stdout.splitlines()
    run(sys.executable, script, "redrive", f"{topic}.dlq", "0", env=env)
    run(sys.executable, script, "skip", f"{topic}.dlq", "1", env=env)
    left = run(sys.executable, script, "list", f"{topic}.dlq", env=env).stdout

    assert listed[0].startswith(f"0:0 reason=handler_failed consumer=booking from={topic}:1:7")
    assert listed[1].startswith(f"0:1 reason=not_json consumer=booking from={topic}:0:9")
    assert left == ""
    reader = AIOKafkaConsumer(
        topic, bootstrap_servers=kafka_bootstrap, auto_offset_reset="earliest", enable_auto_commit=False
    )
    await reader.start()
    try:
        redriven = [record for batch in (await reader.getmany(timeout_ms=10_000)).values() for record in batch]
    finally:
        await reader.stop()
    assert [(r.key, r.value, dict(r.headers).get("traceparent")) for r in redriven] == [
        (b"p_patient", event, TRACEPARENT.encode())
    ]


@pytest.fixture
async def three_databases(infrastructure):
    """A scratch schema with the real migrations in each service's database."""
    urls = {}
    async with (
        scratch_schema(infrastructure.database_urls["triage"], prefix="rotation") as triage,
        scratch_schema(infrastructure.database_urls["booking"], prefix="rotation") as booking,
        scratch_schema(infrastructure.database_urls["guarantee-monitor"], prefix="rotation") as monitor,
    ):
        for service, url in (("triage", triage), ("booking", booking), ("guarantee-monitor", monitor)):
            connection = await asyncpg.connect(url)
            await apply_migrations(
                connection, {"shared": SHARED_MIGRATIONS, service: REPO / "services" / service / "migrations"}
            )
            await connection.close()
            urls[service] = url
        yield urls


async def test_the_pseudonym_rotation_rewrites_every_stored_pseudonym_and_counts_who_cannot_be_rekeyed(
    three_databases, tmp_path
):
    psql = shutil.which("psql")
    if psql is None:
        pytest.skip("psql (PostgreSQL's client) is not installed")
    files = runbook_files(tmp_path)
    new_key = os.urandom(32)
    old, new = Pseudonymiser(DEVELOPMENT_KEY), Pseudonymiser(new_key)
    known, booked_only = ["191212121212", "197001011233"], "199001011239"
    await _patients_in_every_service(
        three_databases,
        {p: old.pseudonym(p) for p in known},
        old.pseudonym(booked_only),
        datetime.now(UTC).replace(minute=0),
    )

    mapping = run(
        sys.executable,
        files["pseudonym_mapping.py"],
        env={
            "OLD_PSEUDONYM_KEY": DEVELOPMENT_KEY.hex(),
            "NEW_PSEUDONYM_KEY": new_key.hex(),
            "TRIAGE_DATABASE_URL": three_databases["triage"],
        },
    ).stdout
    (tmp_path / "pseudonym-rotation.csv").write_text(mapping)
    outputs = {}
    for service, script in (
        ("triage", "rotate_triage.sql"),
        ("booking", "rotate_booking.sql"),
        ("guarantee-monitor", "rotate_guarantee_monitor.sql"),
    ):
        base, schema = three_databases[service].split("?search_path=")
        outputs[service] = run(
            psql,
            "-v",
            "ON_ERROR_STOP=1",
            "-f",
            str(files[script]),
            base,
            cwd=tmp_path,
            env={"PGOPTIONS": f"-c search_path={schema}"},
        ).stdout

    after = {new.pseudonym(p) for p in known}
    assert "191212121212" not in mapping and len(mapping.splitlines()) == 2
    assert (
        await _values(
            three_databases["triage"],
            "SELECT pseudonym FROM patients",
            "SELECT patient FROM contacts",
            "SELECT patient FROM listings",
            "SELECT patient FROM access_log",
        )
        == after
    )
    assert await _values(
        three_databases["booking"],
        "SELECT patient FROM appointments",
        "SELECT booked_by_id FROM appointments",
        "SELECT patient FROM contacts",
    ) == {new.pseudonym(known[0]), new.pseudonym(known[1]), old.pseudonym(booked_only)}
    assert re.search(r"patients_left_on_the_old_key\s*\n-+\n\s*1\n", outputs["booking"])
    assert await _values(
        three_databases["guarantee-monitor"],
        "SELECT patient FROM clocks",
        "SELECT facts->>'patient' FROM clocks",
        "SELECT patient FROM alerts",
    ) == {new.pseudonym(known[0])}


async def _patients_in_every_service(urls: dict, known: dict[str, str], booked_only: str, now: datetime) -> None:
    """`known`: personnummer to pseudonym of patients triage has; `booked_only`: a pseudonym only booking has."""
    first, second = known.values()
    connection = await asyncpg.connect(urls["triage"])
    for number, pseudonym in known.items():
        await connection.execute("INSERT INTO patients VALUES ($1, $2, '1970-01-01')", pseudonym, number)
        await connection.execute("INSERT INTO listings VALUES ($1, 'U1')", pseudonym)
        await connection.execute(
            """INSERT INTO contacts (id, patient, unit, channel, sought_at, registered_by, created_at)
               VALUES ($1, $2, 'U1', 'web', $3, 'patient', $3)""",
            uuid.uuid4(),
            pseudonym,
            now,
        )
        await connection.execute(
            """INSERT INTO access_log (read_at, staff_id, staff_role, units, patient, action, resource)
               VALUES ($1, 'S1', 'reception', '{U1}', $2, 'open contact', 'contact')""",
            now,
            pseudonym,
        )
    await connection.close()
    connection = await asyncpg.connect(urls["booking"])
    await connection.execute("INSERT INTO care_units (hsa_id, name, address) VALUES ('U1', 'Vårdcentralen', 'Gatan 1')")
    await connection.execute(
        "INSERT INTO practitioners (hsa_id, name, profession, unit) VALUES ('P1', 'Sjuksköterska', 'nurse', 'U1')"
    )
    await connection.execute(
        """INSERT INTO time_types (code, name, profession, contact_form, length_minutes, booking_channel,
                                   web_cancel_allowed, web_rebook_allowed)
           VALUES ('T', 'Besök', 'nurse', 'clinic', 15, 'web', true, true)"""
    )
    for hour, patient in enumerate([first, booked_only], start=1):
        slot, appointment = uuid.uuid4(), uuid.uuid4()
        await connection.execute(
            "INSERT INTO slots (id, unit, practitioner, time_type, start_at, end_at, capacity) "
            "VALUES ($1, 'U1', 'P1', 'T', $2, $3, 1)",
            slot,
            now.replace(hour=hour),
            now.replace(hour=hour + 1),
        )
        await connection.execute(
            """INSERT INTO appointments (id, lineage, slot_id, patient, unit, status, booked_by, booked_by_id,
                                         created_at)
               VALUES ($1, $1, $2, $3, 'U1', 'booked', 'patient', $3, $4)""",
            appointment,
            slot,
            patient,
            now,
        )
    await connection.execute("INSERT INTO contacts (contact_id, patient) VALUES ('c-2', $1)", second)
    await connection.close()
    connection = await asyncpg.connect(urls["guarantee-monitor"])
    await connection.execute(
        "INSERT INTO clocks (contact_id, patient, facts, updated_at) VALUES ('c-1', $1, $2::jsonb, $3)",
        first,
        json.dumps({"contact_id": "c-1", "patient": first}),
        now,
    )
    await connection.execute(
        """INSERT INTO alerts (contact_id, key, kind, level, at, deadline, hours_left, reason, patient, raised_at)
           VALUES ('c-1', 'breached', 'breached', 'critical', $1, $1, 0, 'Ingen tid bokad', $2, $1)""",
        now,
        first,
    )
    await connection.close()


async def _values(url: str, *queries: str) -> set[str]:
    connection = await asyncpg.connect(url)
    try:
        return {row[0] for query in queries for row in await connection.fetch(query)}
    finally:
        await connection.close()


async def test_parked_outbox_events_are_fixed_resent_and_discarded_as_the_runbook_says(infrastructure, tmp_path):
    psql = shutil.which("psql")
    if psql is None:
        pytest.skip("psql (PostgreSQL's client) is not installed")
    files = runbook_files(tmp_path)
    too_large = json.dumps(
        {"type": "se.nara.contact.registered.v1", "data": {"contact_id": "c-1", "listed_unit": "x" * 1_200_000}}
    ).encode()
    cancelled = json.dumps({"type": "se.nara.appointment.cancelled.v1", "data": {"reason": "Kan inte"}}).encode()
    async with scratch_schema(infrastructure.database_urls["triage"], prefix="parked", with_shared_tables=True) as url:
        connection = await asyncpg.connect(url)
        try:
            for row_id, event_id, value in (
                (1, "e-fixed", too_large),
                (2, "e-discarded", cancelled),
                (3, "e-still-too-large", too_large),
            ):
                await connection.execute(
                    """INSERT INTO outbox_parked (id, event_id, topic, message_key, shard, event_type, value, headers,
                                                  size, reason, detail, created_at)
                       VALUES ($1, $2, 'nara.contacts.v1', 'p_1', 3, 'se.nara.test.v1', $3::bytea,
                               '{"traceparent": "x"}', octet_length($3::bytea), 'too_large',
                               'MessageSizeTooLargeError', now())""",
                    row_id,
                    event_id,
                    value,
                )
            base, schema = url.split("?search_path=")

            def script(name: str, *variables: str) -> str:
                given = [argument for variable in variables for argument in ("-v", variable)]
                return run(
                    psql,
                    "-v",
                    "ON_ERROR_STOP=1",
                    *given,
                    "-f",
                    str(files[name]),
                    base,
                    env={"PGOPTIONS": f"-c search_path={schema}"},
                ).stdout

            script("set_parked_field.sql", "ids=1", "field=listed_unit", "json=null")
            resent = script("resend_parked.sql", "ids=1,3")
            script("discard_parked.sql", "ids=2")
            outbox = await connection.fetch(
                "SELECT event_id, message_key, shard, value, headers, published_at FROM outbox"
            )
            parked = await connection.fetch("SELECT id, size FROM outbox_parked")
        finally:
            await connection.close()

    [event] = outbox
    assert (event["event_id"], event["message_key"], event["shard"], event["published_at"]) == (
        "e-fixed",
        "p_1",
        3,
        None,
    )  # waiting for the relay, under its key and shard
    assert json.loads(event["value"])["data"] == {"contact_id": "c-1", "listed_unit": None}
    assert json.loads(event["headers"]) == {"traceparent": "x"} and "INSERT 0 1" in resent
    assert [(row["id"], row["size"]) for row in parked] == [(3, len(too_large))]  # still too large: it stays
