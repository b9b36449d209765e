"""Reminders before booked times, and the job that sends every outbox message, against the real PostgreSQL, Kafka,
Mailpit and the SMS gateway's stand-in: sent once at 24 hours (whatever instances and restarts), never for a
cancelled time, parked after retries when the mail server is down, by SMS when chosen."""

import asyncio
import os
import uuid
from collections.abc import Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import datetime, timedelta

import httpx
import pytest
from booking_support import MONDAY_MORNING, UNIT_FALKENBERG, citizen, in_process_booking, personnummer, staff

from nara.booking.adapters.unit_of_work import PostgresUnitOfWork
from nara.booking.app import create_app
from nara.booking.service.message_records import OutgoingMessage, Purpose
from nara.booking.settings import BookingSettings
from nara.devstack.processes import free_port
from nara.devstack.testing import scratch_schema
from nara.shared.clock import SettableClock
from nara.shared.messaging import Channel
from nara.shared.web.swedish import date_time

FAST = {"reminder_every_seconds": 0.2, "message_poll_seconds": 0.2, "public_base_url": "https://boka.nara.test"}
MESSAGE_ENV = ("NARA_SMTP_HOST", "NARA_SMTP_PORT", "NARA_SMTP_STARTTLS", "NARA_SMS_USERNAME", "NARA_SMS_PASSWORD")


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """NARA_SMTP_* / NARA_SMS_* as given (others unset) while an app is made: its senders are read then."""
    saved = {name: os.environ.get(name) for name in {*MESSAGE_ENV, *values}}
    for name in MESSAGE_ENV:
        os.environ.pop(name, None)
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@asynccontextmanager
async def booking_sending(infrastructure, values: dict[str, str], **settings):
    with environment(values):
        running = in_process_booking(infrastructure, prefix="reminders", **{**FAST, **settings})
        booking = await running.__aenter__()
    try:
        yield booking
    finally:
        await running.__aexit__(None, None, None)


@pytest.fixture(scope="module")
async def mailing(infrastructure, mail_server):
    async with booking_sending(infrastructure, mail_server.smtp_settings()) as booking:
        yield booking


def address(name: str) -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}@example.se"


async def choose(booking, pnr: str, by: str, to: str | None) -> httpx.Response:
    answer = await booking.client.put(
        "/api/v1/reminder-preferences", json={"by": by, "address": to}, headers=citizen(pnr)
    )
    assert answer.status_code == 200, answer.text
    return answer


async def book_a_time(booking, pnr: str, *, days_ahead: int = 3) -> dict:
    [slot] = await booking.free_slots(pnr, UNIT_FALKENBERG, profession="nurse", days_ahead=days_ahead, count=1)
    booked = await booking.book(pnr, slot["id"])
    assert booked.status_code == 201, booked.text
    return booked.json()


def start_of(appointment: dict) -> datetime:
    return datetime.fromisoformat(appointment["start"])


async def until(check, *, within: float = 30, every: float = 0.1):
    """Poll `check()` (a coroutine function) until it answers something true; that answer."""
    async with asyncio.timeout(within):
        while True:
            if answer := await check():
                return answer
            await asyncio.sleep(every)


async def mail_to(mail_server, to: str, *, count: int = 1) -> list[dict]:
    """Mailpit's messages to `to` once there are `count`; then a little longer, so a second copy would show."""

    async def arrived() -> bool:
        return len(await asyncio.to_thread(mail_server.messages_to, to)) >= count

    await until(arrived)
    await asyncio.sleep(1.0)
    return await asyncio.to_thread(mail_server.messages_to, to)


async def states(booking, key_like: str) -> list[tuple[str, str | None]]:
    rows = await booking.fetch(
        "SELECT state, recipient FROM outgoing_messages WHERE key LIKE $1 ORDER BY key", key_like
    )
    return [(row["state"], row["recipient"]) for row in rows]


async def test_a_booked_time_gets_one_email_reminder_at_24_hours_with_the_unit_the_time_and_the_change_link(
    mailing, mail_server
):
    pnr, to = personnummer(701), address("paminnelse")
    await choose(mailing, pnr, "email", to)
    appointment = await book_a_time(mailing, pnr)
    start = start_of(appointment)

    mailing.clock.set(start - timedelta(hours=24, minutes=1))
    await asyncio.sleep(1.0)
    before = await asyncio.to_thread(mail_server.messages_to, to)
    mailing.clock.set(start - timedelta(hours=24))
    [summary] = await mail_to(mail_server, to)
    message = await asyncio.to_thread(mail_server.message, summary["ID"])

    assert before == []
    assert message["Subject"] == f"Påminnelse: bokad tid {date_time(start)}"
    text = message["Text"]
    assert f"När: {date_time(start)}" in text and appointment["unit"]["name"] in text
    assert f"https://boka.nara.test/mina-tider/{appointment['id']}" in text
    assert pnr.replace("-", "")[2:] not in text.replace("-", "")
    assert await states(mailing, f"reminder-{appointment['id']}-%") == [("sent", None)]
    # The 2-hour reminder, past the web notice: ring the unit instead of a link.
    mailing.clock.set(start - timedelta(hours=2))
    second = await mail_to(mail_server, to, count=2)
    later = await asyncio.to_thread(mail_server.message, second[0]["ID"])
    assert len(second) == 2
    assert "för att avboka" in later["Text"] and "mina-tider" not in later["Text"]


async def test_a_cancelled_time_gets_no_reminder_and_a_pending_one_is_stopped_on_cancel(mailing, mail_server):
    pnr, to = personnummer(702), address("avbokad")
    await choose(mailing, pnr, "email", to)
    appointment = await book_a_time(mailing, pnr, days_ahead=5)
    cancelled = await mailing.client.post(
        f"/api/v1/appointments/{appointment['id']}/cancel", json={"reason": "Kan inte komma"}, headers=citizen(pnr)
    )
    assert cancelled.status_code == 200, cancelled.text

    mailing.clock.set(start_of(appointment) - timedelta(hours=23))
    await asyncio.sleep(1.5)

    assert await asyncio.to_thread(mail_server.messages_to, to) == []
    assert await states(mailing, f"reminder-{appointment['id']}-%") == []


async def test_a_moved_time_is_reminded_at_its_new_time_only(mailing, mail_server):
    pnr, to = personnummer(706), address("flyttad")
    await choose(mailing, pnr, "email", to)
    appointment = await book_a_time(mailing, pnr, days_ahead=9)
    [later] = await mailing.free_slots(pnr, UNIT_FALKENBERG, profession="nurse", days_ahead=11, count=1)
    moved = await mailing.client.post(
        f"/api/v1/appointments/{appointment['id']}/rebook", json={"slot_id": later["id"]}, headers=citizen(pnr)
    )
    assert moved.status_code == 200, moved.text

    mailing.clock.set(start_of(appointment) - timedelta(hours=23))
    await asyncio.sleep(1.0)
    nothing_yet = await asyncio.to_thread(mail_server.messages_to, to)
    mailing.clock.set(start_of(moved.json()) - timedelta(hours=24))
    [summary] = await mail_to(mail_server, to)
    message = await asyncio.to_thread(mail_server.message, summary["ID"])

    assert nothing_yet == []
    assert f"/mina-tider/{moved.json()['id']}" in message["Text"]
    assert await states(mailing, f"reminder-{appointment['id']}-%") == []


async def test_a_patient_who_chose_no_reminders_gets_none_and_none_is_the_default(mailing, mail_server):
    pnr = personnummer(703)
    unchosen = await mailing.client.get("/api/v1/reminder-preferences", headers=citizen(pnr))
    appointment = await book_a_time(mailing, pnr, days_ahead=6)

    mailing.clock.set(start_of(appointment) - timedelta(hours=23))
    await asyncio.sleep(1.0)

    assert unchosen.json() == {"by": "none", "address": None, "chosen": False, "updated_at": None}
    assert await states(mailing, f"reminder-{appointment['id']}-%") == []
    [moment] = await mailing.fetch(
        "SELECT hours, outcome FROM reminder_moments WHERE appointment_id = $1::uuid", appointment["id"]
    )
    assert (moment["hours"], moment["outcome"]) == (24, "no_choice")


async def test_the_choice_is_validated_with_the_waitlists_rule_and_answers_rfc9457_problems(mailing):
    pnr = personnummer(704)
    wrong_number = await mailing.client.put(
        "/api/v1/reminder-preferences", json={"by": "sms", "address": "12345"}, headers=citizen(pnr)
    )
    number = await choose(mailing, pnr, "sms", "070-123 45 67")
    by_staff = await mailing.client.get("/api/v1/reminder-preferences", headers=staff())

    assert wrong_number.status_code == 422
    assert wrong_number.headers["content-type"].startswith("application/problem+json")
    assert "mobilnummer" in wrong_number.json()["detail"]
    assert number.json()["address"] == "+46701234567" and number.json()["chosen"] is True
    assert by_staff.status_code == 403


async def test_a_failing_mail_server_is_retried_with_backoff_and_then_the_message_is_parked(infrastructure):
    closed_port = free_port()  # nothing listens here
    settings = {"message_retry_seconds": 60, "message_max_attempts": 3}
    smtp = {"NARA_SMTP_HOST": "127.0.0.1", "NARA_SMTP_PORT": str(closed_port), "NARA_SMTP_STARTTLS": "false"}
    async with booking_sending(infrastructure, smtp, **settings) as booking:
        kept, stopped, moving = personnummer(711), personnummer(712), personnummer(713)
        for pnr in (kept, stopped, moving):
            await choose(booking, pnr, "email", address("nere"))
        first, second, third = [await book_a_time(booking, pnr) for pnr in (kept, stopped, moving)]
        booking.clock.set(max(start_of(first), start_of(second), start_of(third)) - timedelta(hours=23))
        attempts = await _wait_for(booking, first["id"], lambda row: row["attempts"] >= 1)
        await _wait_for(booking, third["id"], lambda row: row["attempts"] >= 1)
        [elsewhere] = await booking.free_slots(moving, UNIT_FALKENBERG, profession="nurse", days_ahead=6, count=1)
        moved = await booking.client.post(
            f"/api/v1/appointments/{third['id']}/rebook", json={"slot_id": elsewhere["id"]}, headers=staff()
        )
        assert moved.status_code == 200, moved.text
        # Inside the web notice by now: the reception cancels it for the patient.
        cancelled = await booking.client.post(
            f"/api/v1/appointments/{second['id']}/cancel", json={"reason": "Kan inte"}, headers=staff()
        )
        assert cancelled.status_code == 200, cancelled.text
        for _ in range(3):
            booking.clock.advance(timedelta(minutes=5))  # past each wait: 60 s, then 120 s
            await asyncio.sleep(0.8)
        parked = await _wait_for(booking, first["id"], lambda row: row["state"] != "pending")
        stopped_reminders = await states(booking, f"reminder-{second['id']}-%")
        moved_reminders = await states(booking, f"reminder-{third['id']}-%")

    assert attempts["state"] == "pending" and attempts["next_attempt_at"] is not None
    assert "could not reach the mail server" in attempts["last_error"]
    assert (parked["state"], parked["attempts"], parked["recipient"]) == ("failed", 3, None)
    assert stopped_reminders == [("cancelled", None)]
    assert moved_reminders == [("cancelled", None)]


async def _wait_for(booking, appointment_id: str, done):
    async def row():
        rows = await booking.fetch("SELECT * FROM outgoing_messages WHERE key LIKE $1", f"reminder-{appointment_id}-%")
        return rows[0] if rows and done(rows[0]) else None

    return await until(row)


async def test_a_channel_not_configured_parks_the_message_with_a_clear_reason(mailing):
    pnr = personnummer(705)
    await choose(mailing, pnr, "sms", "0701234567")  # this installation has e-mail only
    appointment = await book_a_time(mailing, pnr, days_ahead=8)
    mailing.clock.set(start_of(appointment) - timedelta(hours=24))

    row = await _wait_for(mailing, appointment["id"], lambda row: row["state"] != "pending")

    assert (row["state"], row["recipient"]) == ("failed", None)
    assert row["last_error"] == "sms is not configured here"


async def test_an_sms_reminder_goes_through_the_gateway(infrastructure, sms_gateway):
    async with booking_sending(infrastructure, sms_gateway.settings()) as booking:
        pnr = personnummer(721)
        await choose(booking, pnr, "sms", "070-765 43 21")
        appointment = await book_a_time(booking, pnr)
        booking.clock.set(start_of(appointment) - timedelta(hours=24))
        row = await _wait_for(booking, appointment["id"], lambda row: row["state"] != "pending")
        await asyncio.sleep(0.8)

    assert row["state"] == "sent"
    [sms] = sms_gateway.sent
    assert sms["to"] == "+46707654321"
    assert sms["message"].startswith("Påminnelse:") and date_time(start_of(appointment)) in sms["message"]
    assert f"/mina-tider/{appointment['id']}" in sms["message"]


# Two instances on one database, and an instance stopped mid-way: every message reaches Mailpit once.


def _sharing(url: str, infrastructure, *, demo: bool) -> BookingSettings:
    return BookingSettings(
        database_url=url,
        kafka_bootstrap_servers=infrastructure.kafka_bootstrap_servers,
        load_demo_data=demo,
        contacts_consumer_group=f"booking-contacts-{uuid.uuid4().hex[:8]}",
        **FAST,
    )


@asynccontextmanager
async def running(app):
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://booking", timeout=60) as client,
    ):
        yield client


async def _leave(pool, keys: list[str], to: dict[str, str], now: datetime) -> None:
    async with PostgresUnitOfWork(pool) as uow:
        for key in keys:
            message = OutgoingMessage(
                key, Purpose.REMINDER, "p-once", Channel.EMAIL, to[key], body="Hej!", due_at=now, subject="Hej"
            )
            await uow.messages.leave(message, now=now)


async def _sent(pool, keys: list[str]) -> int:
    return int(
        await pool.fetchval("SELECT count(*) FROM outgoing_messages WHERE key = ANY($1) AND state = 'sent'", keys)
    )


async def _all_sent(pool, keys: list[str]) -> bool:
    return await _sent(pool, keys) == len(keys)


async def test_two_instances_and_a_restart_send_each_message_once(infrastructure, mail_server):
    clock = SettableClock(MONDAY_MORNING)
    keys = [f"reminder-once-{uuid.uuid4().hex[:8]}-{n}" for n in range(40)]
    to = {key: address(f"en-gang-{n}") for n, key in enumerate(keys)}
    async with scratch_schema(infrastructure.database_urls["booking"], prefix="reminders_once") as url:
        with environment(mail_server.smtp_settings()):
            first = create_app(_sharing(url, infrastructure, demo=True), clock=clock)
            second = create_app(_sharing(url, infrastructure, demo=False), clock=clock)
            third = create_app(_sharing(url, infrastructure, demo=False), clock=clock)
        async with running(first):
            pool = first.state.pool
            async with running(second):
                await _leave(pool, keys[:20], to, clock.now())  # two instances at once
                await until(lambda: _all_sent(pool, keys[:20]))
            await _leave(pool, keys[20:], to, clock.now())
            await until(lambda: _sent(pool, keys[20:]), every=0.005)  # stopped mid-way, after the first has gone
            sent_at_stop = await _sent(pool, keys[20:])
        async with running(third):  # started again
            pool = third.state.pool
            await until(lambda: _all_sent(pool, keys))
            unknown = await pool.fetchval("SELECT count(*) FROM outgoing_messages WHERE state <> 'sent'")
        await asyncio.sleep(1.0)
        arrived = {key: len(await asyncio.to_thread(mail_server.messages_to, to[key])) for key in keys}

    assert unknown == 0
    print(f"stopped with {sent_at_stop} of 20 sent")
    assert arrived == dict.fromkeys(keys, 1)


async def test_reminders_left_by_two_instances_at_once_and_across_a_restart_arrive_once(infrastructure, mail_server):
    clock = SettableClock(MONDAY_MORNING)
    async with scratch_schema(infrastructure.database_urls["booking"], prefix="reminders_twice") as url:
        with environment(mail_server.smtp_settings()):
            apps = [create_app(_sharing(url, infrastructure, demo=n == 0), clock=clock) for n in range(3)]
        async with running(apps[0]) as client, running(apps[1]):
            start = clock.now() + timedelta(days=3)
            params = {"unit": UNIT_FALKENBERG, "profession": "nurse", "from": start.isoformat(), "page_size": 8}
            found = await client.get("/api/v1/slots", params=params, headers=citizen(personnummer(731)))
            booked = {}
            for n, slot in enumerate(found.json()["slots"]):
                pnr, to = personnummer(740 + n), address(f"tva-instanser-{n}")
                await client.put(
                    "/api/v1/reminder-preferences", json={"by": "email", "address": to}, headers=citizen(pnr)
                )
                answer = await client.post("/api/v1/appointments", json={"slot_id": slot["id"]}, headers=citizen(pnr))
                assert answer.status_code == 201, answer.text
                booked[answer.json()["id"]] = (datetime.fromisoformat(answer.json()["start"]), to)
            first_start = min(start for start, _ in booked.values())
            reminded = {key: to for key, (start, to) in booked.items() if start <= first_start + timedelta(hours=21)}
            # Every 24-hour moment has come, no 2-hour one: both instances' passes race for the same reminders.
            clock.set(first_start - timedelta(hours=2, minutes=1))
            keys = [f"reminder-{key}-24h" for key in reminded]
            await until(lambda: _sent(apps[0].state.pool, keys[:1]))
        async with running(apps[2]):  # a restart, with some maybe still pending
            await until(lambda: _all_sent(apps[2].state.pool, keys))
            await asyncio.sleep(1.0)  # a few more passes of the restarted job
            rows = await apps[2].state.pool.fetch("SELECT key, state FROM outgoing_messages ORDER BY key")
        arrived = {key: len(await asyncio.to_thread(mail_server.messages_to, to)) for key, to in reminded.items()}

    assert len(reminded) >= 2
    assert [(row["key"], row["state"]) for row in rows] == [(key, "sent") for key in sorted(keys)]
    assert arrived == dict.fromkeys(reminded, 1)


SCHEDULER = staff([UNIT_FALKENBERG], role="scheduler", hsa_id="SE2321000115-P000000872")


def a_time_type(code: str, **changes) -> dict:
    return {
        "code": code,
        "name": "Såromläggning",
        "profession": "district_nurse",
        "length_minutes": 30,
        "contact_form": "clinic",
        "booking_channel": "web",
        **changes,
    }


async def test_a_scheduler_sets_a_time_types_reminders_through_the_setup_api(mailing):
    path = f"/api/v1/care-units/{UNIT_FALKENBERG}/time-types"
    default = await mailing.client.post(path, headers=SCHEDULER, json=a_time_type("FBG_PAM_STD"))
    own = await mailing.client.post(path, headers=SCHEDULER, json=a_time_type("FBG_PAM", reminder_hours=[1, 48]))
    none = await mailing.client.put(f"{path}/FBG_PAM", headers=SCHEDULER, json=a_time_type("x", reminder_hours=[]))
    [stored] = await mailing.fetch("SELECT reminder_hours FROM time_types WHERE code = 'FBG_PAM'")

    assert default.status_code == 201 and default.json()["reminder_hours"] == [24, 2]
    assert own.status_code == 201 and own.json()["reminder_hours"] == [48, 1]
    assert none.status_code == 200 and none.json()["reminder_hours"] == []
    assert list(stored["reminder_hours"]) == []


@pytest.mark.parametrize("wrong", [[0], [169], [1, 2, 3, 4]])
async def test_reminders_outside_none_to_three_of_1_to_168_hours_are_refused(mailing, wrong):
    refused = await mailing.client.post(
        f"/api/v1/care-units/{UNIT_FALKENBERG}/time-types",
        headers=SCHEDULER,
        json=a_time_type("FBG_PAM_FEL", reminder_hours=wrong),
    )

    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
