"""The patientdatalagen access log against the real PostgreSQL: staff reads are written and read back."""

import shutil
from datetime import UTC, datetime, timedelta, timezone

import pytest

from nara.shared.identity import AccessLogRefused, Caller, StaffRead, reads_of_patient, record_staff_read
from nara.shared.migrations import SHARED_MIGRATIONS, apply_migrations

NURSE = Caller.of("reception", "SE2321000131-P000000000001", ["SE2321000131-E000000000001"])
DOCTOR = Caller.of(
    "clinician", "SE2321000131-P000000000002", ["SE2321000131-E000000000001", "SE2321000131-E000000000002"]
)
PATIENT, OTHER_PATIENT = "p-4f1c2a9e", "p-77d0b3c1"
MORNING = datetime(2025, 3, 30, 7, 15, tzinfo=UTC)


@pytest.fixture
async def log_db(fresh_schema, tmp_path):
    """The throwaway schema with only the access-log migrations applied, through the real runner."""
    names = ["0003_access_log.sql", "0006_access_log_repeats.sql", "0007_access_log_repeats.sql"]
    for name in names:
        shutil.copy(SHARED_MIGRATIONS / name, tmp_path / name)
    assert await apply_migrations(fresh_schema, {"shared": tmp_path}) == [f"shared/{name}" for name in names]
    return fresh_schema


async def count_rows(connection) -> int:
    return await connection.fetchval("SELECT count(*) FROM access_log")


async def test_staff_reads_are_logged_and_an_audit_reads_them_back_in_time_order(log_db):
    await record_staff_read(
        log_db,
        DOCTOR,
        patient=PATIENT,
        action="read",
        resource="contact/c-2",
        purpose="care guarantee follow-up",
        at=MORNING + timedelta(hours=2),
    )
    await record_staff_read(log_db, NURSE, patient=PATIENT, action="read", resource="appointment/a-1", at=MORNING)
    await record_staff_read(log_db, NURSE, patient=OTHER_PATIENT, action="list", resource="queue", at=MORNING)

    reads = await reads_of_patient(log_db, PATIENT)

    assert reads == [
        StaffRead(
            read_at=MORNING,
            staff_id=NURSE.subject,
            staff_role="reception",
            units=NURSE.units,
            patient=PATIENT,
            action="read",
            resource="appointment/a-1",
            purpose=None,
        ),
        StaffRead(
            read_at=MORNING + timedelta(hours=2),
            staff_id=DOCTOR.subject,
            staff_role="clinician",
            units=DOCTOR.units,
            patient=PATIENT,
            action="read",
            resource="contact/c-2",
            purpose="care guarantee follow-up",
        ),
    ]
    assert await reads_of_patient(log_db, "p-never-read") == []


async def test_a_read_time_in_swedish_time_is_stored_as_the_same_moment(log_db):
    summer = timezone(timedelta(hours=2))
    await record_staff_read(
        log_db,
        NURSE,
        patient=PATIENT,
        action="read",
        resource="appointment/a-1",
        at=datetime(2025, 3, 30, 9, 15, tzinfo=summer),
    )

    [read] = await reads_of_patient(log_db, PATIENT)

    assert read.read_at == MORNING


async def test_a_log_row_commits_or_rolls_back_with_the_read(log_db):
    with pytest.raises(RuntimeError):
        async with log_db.transaction():
            await record_staff_read(log_db, NURSE, patient=PATIENT, action="read", resource="a-1", at=MORNING)
            raise RuntimeError("the read itself failed")

    assert await count_rows(log_db) == 0


async def test_a_citizen_caller_is_refused_and_nothing_is_written(log_db):
    citizen = Caller.of("citizen", "19121212-1212")

    with pytest.raises(AccessLogRefused, match="only staff reads"):
        await record_staff_read(log_db, citizen, patient=PATIENT, action="read", resource="a-1", at=MORNING)

    assert await count_rows(log_db) == 0


@pytest.mark.parametrize(
    ("patient", "at", "reason"),
    [
        ("19121212-1212", MORNING, "pseudonym, never the personnummer"),
        ("201212121212", MORNING, "pseudonym, never the personnummer"),
        ("", MORNING, "pseudonym"),
        (PATIENT, datetime(2025, 3, 30, 9, 15), "time zone"),
    ],
)
async def test_a_read_that_cannot_be_logged_properly_is_refused(log_db, patient, at, reason):
    with pytest.raises(AccessLogRefused, match=reason):
        await record_staff_read(log_db, NURSE, patient=patient, action="read", resource="a-1", at=at)

    assert await count_rows(log_db) == 0


async def test_the_log_has_the_indexes_audits_search_by(log_db):
    definitions = {
        row["indexname"]: row["indexdef"]
        for row in await log_db.fetch(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'access_log' "
            "AND schemaname = current_schema()"
        )
    }

    assert "(patient, read_at)" in definitions["access_log_patient_read_at"]
    assert "(staff_id, read_at)" in definitions["access_log_staff_read_at"]


async def test_a_list_shown_again_is_counted_on_its_first_row_in_the_window_and_logged_anew_after_it(log_db):
    from nara.shared.identity import record_repeated_staff_reads

    queue = [(PATIENT, "contact/c-1"), (OTHER_PATIENT, "contact/c-2")]
    window = timedelta(minutes=15)

    first = await record_repeated_staff_reads(log_db, NURSE, queue, action="contact queue", at=MORNING, window=window)
    refreshed = [
        await record_repeated_staff_reads(
            log_db,
            NURSE,
            [*queue, (PATIENT, "contact/c-3")],
            action="contact queue",
            at=MORNING + timedelta(seconds=s),
            window=window,
        )
        for s in (10, 20)
    ]
    by_a_colleague = await record_repeated_staff_reads(
        log_db, DOCTOR, queue, action="contact queue", at=MORNING + timedelta(seconds=30), window=window
    )
    after_the_window = await record_repeated_staff_reads(
        log_db, NURSE, queue, action="contact queue", at=MORNING + timedelta(minutes=16), window=window
    )

    assert (first, refreshed, by_a_colleague, after_the_window) == (2, [1, 0], 2, 2)
    assert [
        (r.staff_id, r.resource, r.read_at, r.repeats, r.last_read_at) for r in await reads_of_patient(log_db, PATIENT)
    ] == [
        (NURSE.subject, "contact/c-1", MORNING, 2, MORNING + timedelta(seconds=20)),
        (NURSE.subject, "contact/c-3", MORNING + timedelta(seconds=10), 1, MORNING + timedelta(seconds=20)),
        (DOCTOR.subject, "contact/c-1", MORNING + timedelta(seconds=30), 0, None),
        (NURSE.subject, "contact/c-1", MORNING + timedelta(minutes=16), 0, None),
    ]


async def test_a_repeated_list_with_a_personnummer_is_refused_and_nothing_is_written(log_db):
    from nara.shared.identity import record_repeated_staff_reads

    with pytest.raises(AccessLogRefused):
        await record_repeated_staff_reads(
            log_db,
            NURSE,
            [(PATIENT, "contact/c-1"), ("19121212-1212", "contact/c-2")],
            action="contact queue",
            at=MORNING,
            window=timedelta(minutes=15),
        )
    assert await count_rows(log_db) == 0
