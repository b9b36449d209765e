"""E-mail over SMTP into the real Mailpit, read back through its API (/api/v1): what arrives, how it reads, what
is refused, and the mail server's refusals as failures the caller can retry or park."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from email import message_from_bytes
from email.policy import default
from pathlib import Path

import httpx
import pytest

from nara.devstack.layout import StackLayout
from nara.devstack.mailpit import MailpitServer
from nara.devstack.testing import MailServer
from nara.shared.messaging import (
    Channel,
    DeliveryFailed,
    Message,
    PersonnummerInMessage,
    SmtpSender,
    SmtpSettings,
    senders_from_settings,
)

SUBJECT = "Påminnelse: din tid på Vårdcentralen Fyllinge"
BODY = (
    "Hej!\n\n"
    "Du har en tid hos distriktssköterskan i morgon, tisdag 8 december, kl. 08:00 på Vårdcentralen Fyllinge.\n"
    "Kan du inte komma? Avboka eller boka om i Min vård senast två timmar före, så kan någon annan få tiden.\n\n"
    "Med vänliga hälsningar\nVårdcentralen Fyllinge – ÅÄÖ åäö é"
)


def address() -> str:
    """A recipient of the test's own: the tests share one Mailpit, so none empties its inbox."""
    return f"patient-{uuid.uuid4().hex[:12]}@example.se"


def sender_for(server: MailServer, **overrides: object) -> SmtpSender:
    options: dict = {
        "host": server.smtp_host,
        "port": server.smtp_port,
        "starttls": False,
        "from_address": "Vårdcentralen Fyllinge <ingen-svarsadress@fyllinge.example.se>",
        "timeout_seconds": 5,
        **overrides,
    }
    return SmtpSender(SmtpSettings(**options))


async def test_a_message_sent_arrives_with_its_swedish_intact(mail_server: MailServer):
    to = address()

    receipt = await sender_for(mail_server).send(
        Message(Channel.EMAIL, to, BODY, subject=SUBJECT, idempotency_key="reminder-4711-24h")
    )

    [summary] = mail_server.messages_to(to)
    arrived = mail_server.message(summary["ID"])
    assert arrived["Subject"] == SUBJECT
    assert arrived["Text"].replace("\r\n", "\n").rstrip("\n") == BODY
    assert arrived["From"] == {"Name": "Vårdcentralen Fyllinge", "Address": "ingen-svarsadress@fyllinge.example.se"}
    assert [recipient["Address"] for recipient in arrived["To"]] == [to]
    assert f"<{arrived['MessageID']}>" == receipt.message_id == "<nara.reminder-4711-24h@fyllinge.example.se>"
    parsed = message_from_bytes(mail_server.raw(summary["ID"]), policy=default)
    assert parsed.get_content_type() == "text/plain" and parsed.get_content_charset() == "utf-8"
    assert parsed["Content-Language"] == "sv" and parsed["Auto-Submitted"] == "auto-generated"


async def test_a_message_sent_again_with_its_key_carries_the_same_message_id(mail_server: MailServer):
    to = address()
    message = Message(Channel.EMAIL, to, BODY, subject=SUBJECT, idempotency_key=f"offer {uuid.uuid4()} / slot 9")
    sender = sender_for(mail_server)

    first, second = await sender.send(message), await sender.send(message)

    ids = {mail_server.message(summary["ID"])["MessageID"] for summary in mail_server.messages_to(to)}
    assert first.message_id == second.message_id and ids == {first.message_id.strip("<>")}


async def test_a_personnummer_is_refused_and_nothing_reaches_the_mail_server(mail_server: MailServer):
    to = address()
    with pytest.raises(PersonnummerInMessage):
        Message(Channel.EMAIL, to, f"{BODY}\nGäller 19121212-1212.", subject=SUBJECT)
    forced = Message(Channel.EMAIL, to, BODY, subject=SUBJECT)
    object.__setattr__(forced, "subject", "Tid för 121212-1212")  # past the check when made, by force

    with pytest.raises(PersonnummerInMessage):
        await sender_for(mail_server).send(forced)

    assert mail_server.messages_to(to) == []


async def test_a_login_is_given_to_a_server_that_asks_for_one(mail_server: MailServer):
    to = address()

    await sender_for(mail_server, username="nara", password="lokalt-lösenord").send(  # noqa: S106 - Mailpit takes any
        Message(Channel.EMAIL, to, BODY, subject=SUBJECT)
    )

    [summary] = mail_server.messages_to(to)
    assert summary["Username"] == "nara"


async def test_the_senders_from_the_settings_send_to_the_configured_server(
    mail_server: MailServer, monkeypatch: pytest.MonkeyPatch
):
    for name, value in mail_server.smtp_settings(NARA_SMTP_FROM="Nära <ingen-svarsadress@nara.localhost>").items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("NARA_SMS_USERNAME", raising=False)
    to = address()

    senders = senders_from_settings()
    await senders.send(Message(Channel.EMAIL, to, BODY, subject=SUBJECT))

    assert senders.channels == {Channel.EMAIL} and len(mail_server.messages_to(to)) == 1


async def test_a_mail_server_that_cannot_be_reached_is_a_failure_to_retry():
    with pytest.raises(DeliveryFailed) as failed:
        await SmtpSender(SmtpSettings(host="127.0.0.1", port=9, starttls=False, timeout_seconds=2)).send(
            Message(Channel.EMAIL, address(), BODY, subject=SUBJECT)
        )

    assert failed.value.retryable and not failed.value.outcome_unknown


@pytest.fixture(scope="module")
def chaotic_mail_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MailpitServer]:
    """A Mailpit of this module's own with its chaos switch, to make it refuse on demand (the shared one stays
    well); it starts in a fraction of a second from the cached build."""
    layout = StackLayout(Path(tmp_path_factory.mktemp("mailpit-chaos")), StackLayout.default().cache_dir)
    layout.ensure()
    server = MailpitServer(layout, {}, name="mailpit-chaos", extra_arguments=("--enable-chaos",))
    server.start(preferred_ports=False)
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.parametrize(
    ("trigger", "code", "retryable"),
    [
        ("Recipient", 451, True),  # greylisting, a full mailbox: later
        ("Recipient", 550, False),  # no such mailbox: never
        ("Sender", 421, True),  # the server is closing: later
        ("Sender", 554, False),  # refused for good
        ("Authentication", 535, False),  # wrong login: fix the settings, don't retry
    ],
)
async def test_the_mail_servers_refusals_say_whether_to_retry_or_park(
    chaotic_mail_server: MailpitServer, trigger: str, code: int, retryable: bool
):
    chaos = {name: {"ErrorCode": 451, "Probability": 0} for name in ("Sender", "Recipient")}
    chaos["Authentication"] = {"ErrorCode": 535, "Probability": 0}
    chaos[trigger] = {"ErrorCode": code, "Probability": 100}
    async with httpx.AsyncClient(timeout=5) as client:
        (await client.put(f"{chaotic_mail_server.url}/api/v1/chaos", json=chaos)).raise_for_status()
    login = {"username": "nara", "password": "fel"} if trigger == "Authentication" else {}
    sender = SmtpSender(
        SmtpSettings(host="127.0.0.1", port=chaotic_mail_server.smtp_port, starttls=False, timeout_seconds=5, **login)
    )

    with pytest.raises(DeliveryFailed) as failed:
        await sender.send(Message(Channel.EMAIL, address(), BODY, subject=SUBJECT))

    assert failed.value.retryable is retryable
    assert str(code) in failed.value.reason
