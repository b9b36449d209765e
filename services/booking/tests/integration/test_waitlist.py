"""The waitlist against the real PostgreSQL and Kafka: joining (citizen, guardian's stranger, staff), one entry per
contact under concurrency with its event once, leaving, the entry's end on an assessed contact and on a booking
inside the deadline, and the candidates for a freed time at a unit with 10,000 waiting entries."""

import asyncio
import uuid
from datetime import timedelta

import asyncpg
from booking_support import (
    UNIT_FALKENBERG,
    UNIT_OSKARSTROM,
    citizen,
    personnummer,
    pseudonym,
    publish_contact_events,
    read_events_until,
    staff,
)

from nara.booking.adapters.unit_of_work import PostgresUnitOfWork
from nara.booking.domain.waitlist import FreedSlot
from nara.booking.service.waitlist import candidates_for
from nara.shared.care_guarantee import CareGuaranteePolicy
from nara.shared.clock import STOCKHOLM
from nara.shared.identity import reads_of_patient

APPOINTMENTS = "nara.appointments.v1"
WISHES = {
    "units": [UNIT_FALKENBERG],
    "weekdays": [0, 1, 2, 3, 4],
    "day_parts": ["morning", "afternoon"],
    "contact_forms": ["clinic"],
    "reach": {"by": "email", "address": "anna@example.se"},
}


async def triaged_contact(booking, kafka_bootstrap, pnr: str, *, profession: str = "doctor", sought_at=None) -> str:
    contact_id = f"c-{uuid.uuid4().hex[:8]}"
    await publish_contact_events(
        kafka_bootstrap,
        pnr,
        contact_id,
        unit=UNIT_FALKENBERG,
        sought_at=sought_at or booking.clock.now(),
        care_level="within_3_days",
        profession=profession,
    )
    async with asyncio.timeout(60):
        while not await booking.fetch(  # noqa: ASYNC110 - the read model is polled: it offers nothing to wait on
            "SELECT 1 FROM contacts WHERE contact_id = $1 AND care_level IS NOT NULL AND sought_at IS NOT NULL",
            contact_id,
        ):
            await asyncio.sleep(0.2)
    return contact_id


async def join(booking, headers, contact_id: str, key: str | None = None, **changes):
    extra = {"Idempotency-Key": key} if key else {}
    return await booking.client.post(
        "/api/v1/waitlist", json={**WISHES, "contact_id": contact_id, **changes}, headers={**headers, **extra}
    )


def of_entry(events, contact_id: str):
    return [e for e in events if e.type.startswith("se.nara.waitlist.") and e.data.contact_id == contact_id]


async def test_a_citizen_joins_reads_and_changes_their_entry_and_a_stranger_sees_nothing(booking, kafka_bootstrap):
    pnr = personnummer(701)
    contact_id = await triaged_contact(booking, kafka_bootstrap, pnr)

    joined = await join(booking, citizen(pnr), contact_id, key=f"w-{uuid.uuid4()}")
    again = await join(booking, citizen(pnr), contact_id, key=f"w-{uuid.uuid4()}")  # the same wishes
    changed = await join(booking, citizen(pnr), contact_id, day_parts=["evening"], reach={"by": "none"})
    read = await booking.client.get(f"/api/v1/waitlist/{contact_id}", headers=citizen(pnr))
    stranger = await booking.client.get(f"/api/v1/waitlist/{contact_id}", headers=citizen(personnummer(702)))
    strangers_join = await join(booking, citizen(personnummer(702)), contact_id)

    assert joined.status_code == 200, joined.text
    assert joined.json()["changed"] is True and again.json()["changed"] is False
    assert changed.json()["entry"]["day_parts"] == ["evening"]
    assert read.status_code == 200 and read.json()["waiting"] is True
    assert read.json()["reach"] == {"by": "none", "address": None}
    assert read.json()["entry_id"] == joined.json()["entry"]["entry_id"]  # one entry, changed in place
    assert stranger.status_code == 404 and strangers_join.status_code == 404
    assert stranger.headers["content-type"].startswith("application/problem+json")
    events, _ = await read_events_until(
        kafka_bootstrap, APPOINTMENTS, lambda seen: len(of_entry(seen, contact_id)) >= 2
    )
    mine = of_entry(events, contact_id)
    assert [(e.type, e.data.again) for e in mine] == [
        ("se.nara.waitlist.joined.v1", False),
        ("se.nara.waitlist.joined.v1", True),
    ]
    assert all(e.subject == pseudonym(pnr) for e in mine)
    assert "anna@example.se" not in str([e.data.model_dump() for e in mine])  # how to reach them stays home


async def test_two_joins_at_once_give_one_entry_and_one_event(booking, kafka_bootstrap):
    pnr = personnummer(703)
    contact_id = await triaged_contact(booking, kafka_bootstrap, pnr)

    answers = await asyncio.gather(
        *(join(booking, citizen(pnr), contact_id, key=f"w-{n}-{contact_id}") for n in range(4))
    )

    assert [a.status_code for a in answers] == [200] * 4, [a.text for a in answers]
    assert sorted(a.json()["changed"] for a in answers) == [False, False, False, True]
    rows = await booking.fetch("SELECT id FROM waitlist_entries WHERE contact_id = $1", contact_id)
    assert len(rows) == 1
    events, _ = await read_events_until(kafka_bootstrap, APPOINTMENTS, lambda seen: of_entry(seen, contact_id))
    await asyncio.sleep(2)  # a second event, were there one, would be in the outbox by now
    events, _ = await read_events_until(kafka_bootstrap, APPOINTMENTS, lambda seen: of_entry(seen, contact_id))
    assert len(of_entry(events, contact_id)) == 1


async def test_the_entry_ends_when_the_contact_is_assessed_and_cannot_be_joined_again(booking, kafka_bootstrap):
    from aiokafka import AIOKafkaProducer

    from nara.shared.events.envelope import encode_event
    from nara.shared.events.models import ContactAssessed

    pnr = personnummer(704)
    contact_id = await triaged_contact(booking, kafka_bootstrap, pnr)
    assert (await join(booking, citizen(pnr), contact_id)).status_code == 200
    assessed_at = booking.clock.now() + timedelta(hours=2)
    event = ContactAssessed(contact_id=contact_id, assessed_at=assessed_at, profession="nurse", contact_form="phone")
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    try:
        value = encode_event(event, source="/nara/triage", subject=pseudonym(pnr), time=assessed_at)
        await producer.send_and_wait("nara.contacts.v1", value, key=pseudonym(pnr).encode())
    finally:
        await producer.stop()

    async with asyncio.timeout(60):
        while not await booking.fetch(  # noqa: ASYNC110 - the consumer is polled
            "SELECT 1 FROM waitlist_entries WHERE contact_id = $1 AND end_reason = 'assessed'", contact_id
        ):
            await asyncio.sleep(0.2)
    read = await booking.client.get(f"/api/v1/waitlist/{contact_id}", headers=citizen(pnr))
    rejoin = await join(booking, citizen(pnr), contact_id)
    row = (await booking.fetch("SELECT reach_by, reach_at FROM waitlist_entries WHERE contact_id = $1", contact_id))[0]

    assert read.json()["waiting"] is False and read.json()["end_reason"] == "assessed"
    assert rejoin.status_code == 409, rejoin.text
    assert (row["reach_by"], row["reach_at"]) == ("none", None)  # the address is forgotten at the end
    events, _ = await read_events_until(
        kafka_bootstrap,
        APPOINTMENTS,
        lambda seen: any(e.type == "se.nara.waitlist.ended.v1" for e in of_entry(seen, contact_id)),
    )
    ended = [e for e in of_entry(events, contact_id) if e.type == "se.nara.waitlist.ended.v1"]
    assert len(ended) == 1 and ended[0].data.reason == "assessed"


async def test_an_assessment_before_the_join_refuses_the_join(booking, kafka_bootstrap):
    from aiokafka import AIOKafkaProducer

    from nara.shared.events.envelope import encode_event
    from nara.shared.events.models import ContactAssessed

    pnr = personnummer(705)
    contact_id = await triaged_contact(booking, kafka_bootstrap, pnr)
    event = ContactAssessed(
        contact_id=contact_id, assessed_at=booking.clock.now(), profession="doctor", contact_form="clinic"
    )
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    try:
        value = encode_event(event, source="/nara/triage", subject=pseudonym(pnr), time=booking.clock.now())
        await producer.send_and_wait("nara.contacts.v1", value, key=pseudonym(pnr).encode())
    finally:
        await producer.stop()
    async with asyncio.timeout(60):
        while not await booking.fetch(  # noqa: ASYNC110 - the consumer is polled
            "SELECT 1 FROM waitlist_entries WHERE contact_id = $1", contact_id
        ):
            await asyncio.sleep(0.2)

    assert (await join(booking, citizen(pnr), contact_id)).status_code == 409
    assert (await booking.client.get(f"/api/v1/waitlist/{contact_id}", headers=citizen(pnr))).status_code == 404


async def test_booking_inside_the_deadline_ends_the_entry_and_leaving_is_announced(booking, kafka_bootstrap):
    pnr, other = personnummer(706), personnummer(707)
    inside = await triaged_contact(booking, kafka_bootstrap, pnr, profession="nurse")
    leaving = await triaged_contact(booking, kafka_bootstrap, other, profession="nurse")
    for who, contact_id in ((pnr, inside), (other, leaving)):
        assert (await join(booking, citizen(who), contact_id)).status_code == 200
    slots = await booking.free_slots(pnr, UNIT_FALKENBERG, days_ahead=1, count=3, contact_id=inside)
    soon = next(s for s in slots if s["within_guarantee"])

    booked = await booking.book(pnr, soon["id"], contact_id=inside)
    left = await booking.client.post(f"/api/v1/waitlist/{leaving}/leave", headers=citizen(other))
    left_again = await booking.client.post(f"/api/v1/waitlist/{leaving}/leave", headers=citizen(other))
    back = await join(booking, citizen(other), leaving)

    assert booked.status_code == 201, booked.text
    entry = (await booking.client.get(f"/api/v1/waitlist/{inside}", headers=citizen(pnr))).json()
    assert entry["end_reason"] == "booked"
    assert left.json()["end_reason"] == "left" and left_again.json()["end_reason"] == "left"
    assert back.json()["entry"]["waiting"] is True  # one who left may ask again
    events, _ = await read_events_until(
        kafka_bootstrap,
        APPOINTMENTS,
        lambda seen: len(of_entry(seen, leaving)) >= 3 and len(of_entry(seen, inside)) >= 2,
    )
    assert [e.type for e in of_entry(events, inside)] == ["se.nara.waitlist.joined.v1", "se.nara.waitlist.ended.v1"]
    assert [e.type for e in of_entry(events, leaving)] == [
        "se.nara.waitlist.joined.v1",
        "se.nara.waitlist.left.v1",
        "se.nara.waitlist.joined.v1",
    ]


async def test_staff_put_their_units_contact_on_the_list_access_logged_and_not_another_units(booking, kafka_bootstrap):
    pnr = personnummer(708)
    contact_id = await triaged_contact(booking, kafka_bootstrap, pnr)

    by_staff = await join(
        booking, staff([UNIT_FALKENBERG]), contact_id, reach={"by": "sms", "address": "070-123 45 67"}
    )
    elsewhere = await join(booking, staff([UNIT_OSKARSTROM]), contact_id)

    assert by_staff.status_code == 200, by_staff.text
    assert by_staff.json()["entry"]["joined_by"] == "staff"
    assert by_staff.json()["entry"]["reach"] == {"by": "sms", "address": "+46701234567"}
    assert elsewhere.status_code == 404
    connection = await asyncpg.connect(booking.database_url)
    try:
        reads = await reads_of_patient(connection, pseudonym(pnr))
    finally:
        await connection.close()
    assert [r.action for r in reads] == ["join waitlist"]


async def test_wrong_wishes_are_refused_as_problems(booking, kafka_bootstrap):
    pnr = personnummer(709)
    contact_id = await triaged_contact(booking, kafka_bootstrap, pnr)

    no_unit = await join(booking, citizen(pnr), contact_id, units=["SE2321000115-E00000009999"])
    bad_number = await join(booking, citizen(pnr), contact_id, reach={"by": "sms", "address": "12"})
    bad_day = await join(booking, citizen(pnr), contact_id, weekdays=[9])

    for answer in (no_unit, bad_number, bad_day):
        assert answer.status_code in (400, 422), answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")


async def test_a_freed_time_goes_to_the_nearest_deadline_among_10000_waiting_at_one_unit(booking, kafka_bootstrap):
    """The candidates query at one unit with 10,000 waiting entries (and 30,000 at another): its filter is the GIN
    index's of waiting entries by unit, it answers in a few hundred milliseconds (about 260 ms here; the bound is
    loose for a busy machine), and the nearest deadline comes first, not the one who asked first."""
    now = booking.clock.now()
    connection = await asyncpg.connect(booking.database_url)
    try:
        await connection.execute(
            """INSERT INTO contacts (contact_id, patient, unit, listed_unit, sought_at, guarantee_deadline, urgency,
                   care_level, professions, guarantee_applies, triaged_at)
               SELECT 'bulk-' || n, 'p-bulk-' || n, $1, $1, $2::timestamptz,
                      $2::timestamptz + interval '10 days' - make_interval(mins => (n - 1) % 10000 + 1), 'green',
                      'within_3_days', ARRAY['doctor'], true, $2::timestamptz
               FROM generate_series(1, 40000) AS n""",
            UNIT_FALKENBERG,
            now,
        )
        await connection.execute(
            """INSERT INTO waitlist_entries (id, contact_id, patient, units, weekdays, day_parts, contact_forms,
                   joined_by, joined_by_id, joined_at, updated_at)
               SELECT gen_random_uuid(), 'bulk-' || n, 'p-bulk-' || n,
                      ARRAY[CASE WHEN n <= 10000 THEN $1 ELSE $2 END], '{0,1,2,3,4,5,6}',
                      '{morning,afternoon,evening}', '{clinic,phone}', 'patient', 'p-bulk-' || n,
                      $3::timestamptz - make_interval(secs => 40001 - n), $3::timestamptz
               FROM generate_series(1, 40000) AS n""",
            UNIT_OSKARSTROM,
            UNIT_FALKENBERG,
            now,
        )
        await connection.execute("ANALYZE waitlist_entries")
        # At Oskarström (n <= 10000) the nearest deadline is n = 10000's, though 9,999 asked before it.
        start = (now + timedelta(days=1)).astimezone(STOCKHOLM).replace(hour=10, minute=0)
        # With a quarter of all waiting entries at the unit, reading the table is what the planner rightly picks;
        # barred from it, it shows the candidates' filter is the partial GIN index's, which a region of many
        # units (a few per cent of the entries each) is read through.
        async with connection.transaction():
            await connection.execute("SET LOCAL enable_seqscan = off")
            plan = await connection.fetch(
                "EXPLAIN SELECT id FROM waitlist_entries WHERE ended_at IS NULL AND units @> ARRAY[$1]::text[]",
                UNIT_OSKARSTROM,
            )
    finally:
        await connection.close()
    slot = FreedSlot(UNIT_OSKARSTROM, "doctor", "LAK_BESOK", "clinic", start)

    async with PostgresUnitOfWork(booking.app.state.pool) as uow:
        order = await candidates_for(uow, slot, now=now, policy=CareGuaranteePolicy())

    assert len(order) == 10000
    assert order[0].contact_id == "bulk-10000"  # the nearest deadline, not who asked first
    assert "waitlist_waiting_by_unit" in " ".join(r[0] for r in plan)
