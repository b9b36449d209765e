"""An offer's e-mail end to end (issue 18): a cancellation at a unit where a patient waits, the offer job holds the
time for them, and the message job delivers the offer's e-mail to Mailpit once: the subject, the time in
Stockholm, the unit, the profession, "Svara senast", and the link (BOOKING_PUBLIC_BASE_URL/erbjudande/<token>)
whose page shows the offer; no personnummer."""

import asyncio
import os
import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from booking_support import UNIT_FALKENBERG, citizen, in_process_booking, personnummer, publish_contact_events

MESSAGE_ENV = ("NARA_SMTP_HOST", "NARA_SMTP_PORT", "NARA_SMTP_STARTTLS", "NARA_SMS_USERNAME", "NARA_SMS_PASSWORD")
SITE = "https://boka.nara.test"


@contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """NARA_SMTP_* as given (the SMS gateway unset) while the app is made: its senders are read then."""
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


@pytest.fixture(scope="module")
async def mailing(infrastructure, mail_server):
    with environment(mail_server.smtp_settings()):
        running = in_process_booking(infrastructure, prefix="offermail", message_poll_seconds=0.2, public_base_url=SITE)
        booking = await running.__aenter__()
    try:
        yield booking
    finally:
        await running.__aexit__(None, None, None)


async def until(check, *, within: float = 60, every: float = 0.2):
    async with asyncio.timeout(within):
        while True:
            if answer := await check():
                return answer
            await asyncio.sleep(every)


async def test_a_cancellation_reaches_the_waiting_patient_as_one_email_with_the_link(
    mailing, mail_server, kafka_bootstrap
):
    booking = mailing
    waiting, canceller = personnummer(851), personnummer(852)
    to = f"vantar-{uuid.uuid4().hex[:8]}@example.se"
    contact_id = f"c-{uuid.uuid4().hex[:8]}"
    await publish_contact_events(
        kafka_bootstrap,
        waiting,
        contact_id,
        unit=UNIT_FALKENBERG,
        sought_at=booking.clock.now() - timedelta(days=1),
        care_level="within_3_days",
        profession="nurse",
    )
    await until(
        lambda: booking.fetch("SELECT 1 FROM contacts WHERE contact_id = $1 AND care_level IS NOT NULL", contact_id)
    )
    joined = await booking.client.post(
        "/api/v1/waitlist",
        json={
            "contact_id": contact_id,
            "units": [UNIT_FALKENBERG],
            "weekdays": [0, 1, 2, 3, 4, 5, 6],
            "day_parts": ["morning", "afternoon", "evening"],
            "contact_forms": ["clinic"],
            "reach": {"by": "email", "address": to},
        },
        headers=citizen(waiting),
    )
    assert joined.status_code == 200, joined.text
    [slot] = await booking.free_slots(canceller, UNIT_FALKENBERG, profession="nurse", days_ahead=1, count=1)
    booked = await booking.book(canceller, slot["id"])
    assert booked.status_code == 201, booked.text

    cancelled = await booking.client.post(
        f"/api/v1/appointments/{booked.json()['id']}/cancel", json={"reason": "Förhinder"}, headers=citizen(canceller)
    )
    assert cancelled.status_code == 200, cancelled.text
    [summary] = await until(lambda: asyncio.to_thread(mail_server.messages_to, to))
    await asyncio.sleep(1.5)  # a second copy, were there one, would be there by now
    assert len(await asyncio.to_thread(mail_server.messages_to, to)) == 1
    message = await asyncio.to_thread(mail_server.message, summary["ID"])

    assert message["Subject"] == "En tidigare tid hos Vårdcentralen Falkenberg"
    text = message["Text"]
    assert "sjuksköterska på Vårdcentralen Falkenberg" in text and "Svara senast " in text
    link = re.search(rf"{re.escape(SITE)}(/erbjudande/[A-Za-z0-9_-]+)", text)
    assert link is not None, text
    for digits in (waiting, waiting.replace("-", ""), waiting[2:]):
        assert digits not in text and digits not in message["Subject"]
    page = await booking.client.get(link.group(1))
    assert page.status_code == 200 and "En tidigare tid är ledig" in page.text
    sent = await booking.fetch("SELECT state, recipient FROM outgoing_messages WHERE key LIKE 'offer-%'")
    assert [(row["state"], row["recipient"]) for row in sent] == [("sent", None)]  # the address is blanked
