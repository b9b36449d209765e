"""The messaging port's rules, before any server: what a message may carry, its e-mail form, the settings."""

from __future__ import annotations

from email import message_from_bytes
from email.policy import default
from pathlib import Path

import pytest

from nara.shared.messaging import (
    Channel,
    ChannelNotConfigured,
    InvalidMessage,
    Message,
    MessagingConfigurationError,
    PersonnummerInMessage,
    SenderByChannel,
    SmtpSender,
    SmtpSettings,
    message_id_for,
    read_sms_settings,
    read_smtp_settings,
    senders_from_settings,
    sms_parts,
)

BODY = "Hej! Din tid hos distriktssköterskan är tisdag 8 december kl. 08:00 på Vårdcentralen Fyllinge."


@pytest.fixture(autouse=True)
def no_message_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NARA_SETTINGS_DIR", "NARA_SMTP_HOST", "NARA_SMTP_PASSWORD", "NARA_SMS_USERNAME", "NARA_SMS_PASSWORD"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("written", ["19121212-1212", "191212121212", "121212-1212", "1212121212", "19701063-2391"])
@pytest.mark.parametrize("part", ["body", "subject", "to", "idempotency_key"])
def test_a_personnummer_or_samordningsnummer_anywhere_in_a_message_is_refused(written: str, part: str):
    fields = {"to": "patient@example.se", "body": BODY, "subject": "Påminnelse", "idempotency_key": "reminder"}
    fields[part] = f"{written}@example.se" if part == "to" else f"{fields[part]}-{written}"

    with pytest.raises(PersonnummerInMessage) as refused:
        Message(Channel.EMAIL, **fields)

    assert written not in str(refused.value)
    assert refused.value.part == {"to": "recipient", "idempotency_key": "key"}.get(part, part)


def test_other_numbers_in_a_message_are_left_alone():
    # A phone number, a time and a date are not personnummer; a 10-digit run with a wrong check digit neither.
    body = "Ring 010-476 19 00 om du inte kan komma. Tid: 2026-12-08 kl. 08:00. Ärende 1212121213."
    assert Message(Channel.EMAIL, "patient@example.se", body, subject="Påminnelse").body == body


@pytest.mark.parametrize(
    ("fields", "why"),
    [
        ({"channel": Channel.EMAIL, "to": "patient@example.se", "body": BODY}, "subject"),
        ({"channel": Channel.EMAIL, "to": "patient@example.se", "body": " ", "subject": "Tid"}, "empty"),
        ({"channel": Channel.EMAIL, "to": "a@b.se\r\nBcc: x@y.se", "body": BODY, "subject": "Tid"}, "line break"),
        ({"channel": Channel.EMAIL, "to": "a@b.se", "body": BODY, "subject": "Tid\nBcc: x@y.se"}, "line break"),
        ({"channel": Channel.EMAIL, "to": "not-an-address", "body": BODY, "subject": "Tid"}, "address"),
        ({"channel": Channel.SMS, "to": "0701234567", "body": BODY}, "E.164"),
        ({"channel": Channel.SMS, "to": "+46701234567", "body": BODY, "subject": "Tid"}, "no subject"),
    ],
)
def test_a_message_no_channel_could_send_is_refused_when_made(fields: dict, why: str):
    with pytest.raises(InvalidMessage, match=why):
        Message(**fields)


def test_the_same_key_gives_the_same_message_id_and_an_unsafe_key_is_hashed():
    assert message_id_for("reminder-42-24h", "region.se") == "<nara.reminder-42-24h@region.se>"
    assert message_id_for("reminder-42-24h", "region.se") == message_id_for("reminder-42-24h", "region.se")
    unsafe = message_id_for("offer <42> @ fyllinge", "region.se")
    assert unsafe.startswith("<nara.") and " " not in unsafe and unsafe.count("@") == 1
    assert unsafe == message_id_for("offer <42> @ fyllinge", "region.se")


def test_an_email_is_plain_utf8_text_in_swedish_with_its_headers():
    sender = SmtpSender(SmtpSettings(host="mail.region.se", from_address="Nära <ingen-svarsadress@region.se>"))
    message = Message(Channel.EMAIL, "patient@example.se", BODY, subject="Påminnelse om din tid", idempotency_key="r-1")

    raw = sender.compose(message).as_bytes()
    parsed = message_from_bytes(raw, policy=default)

    assert raw.isascii()  # quoted-printable and encoded words: intact through any relay
    assert parsed["Subject"] == "Påminnelse om din tid"
    assert parsed["From"].addresses[0].display_name == "Nära"
    assert parsed["Message-ID"] == "<nara.r-1@region.se>"
    assert parsed["Content-Language"] == "sv"
    assert parsed["Auto-Submitted"] == "auto-generated"
    assert parsed.get_content_type() == "text/plain" and parsed.get_content_charset() == "utf-8"
    assert parsed.get_content().rstrip("\r\n") == BODY
    assert parsed["Date"] is not None


def test_sms_parts_follow_the_networks_rules():
    assert sms_parts("å" * 160) == 1  # å, ä and ö are in GSM's own alphabet
    assert sms_parts("å" * 161) == 2
    assert sms_parts("a" * 306) == 2 and sms_parts("a" * 307) == 3
    assert sms_parts("€" * 80) == 1 and sms_parts("€" * 81) == 2  # an escaped character counts twice
    assert sms_parts("ł" * 70) == 1 and sms_parts("ł" * 71) == 2  # outside GSM: UCS-2
    assert sms_parts("😀" * 35) == 1 and sms_parts("😀" * 36) == 2  # two UTF-16 units each


def test_email_and_sms_are_off_until_configured_and_a_message_for_them_is_parked():
    senders = senders_from_settings()

    assert senders.channels == frozenset()


async def test_a_channel_without_a_sender_fails_so_the_caller_parks_the_message():
    senders = SenderByChannel({})
    message = Message(Channel.SMS, "+46701234567", BODY)

    with pytest.raises(ChannelNotConfigured) as failed:
        await senders.send(message)

    assert failed.value.retryable is False


def test_smtp_settings_come_from_the_environment_and_the_password_from_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    (tmp_path / "smtp-password").write_text("hemligt\n")
    monkeypatch.setenv("NARA_SMTP_HOST", "smtp.region.se")
    monkeypatch.setenv("NARA_SMTP_PORT", "2525")
    monkeypatch.setenv("NARA_SMTP_USERNAME", "nara")
    monkeypatch.setenv("NARA_SMTP_PASSWORD_FILE", str(tmp_path / "smtp-password"))
    monkeypatch.setenv("NARA_SMTP_FROM", "Vårdcentralen <ingen-svarsadress@region.se>")

    settings = read_smtp_settings()

    assert (settings.host, settings.port, settings.username) == ("smtp.region.se", 2525, "nara")
    assert settings.password.get_secret_value() == "hemligt"
    assert settings.starttls is True  # on unless switched off
    assert settings.sender_address == "ingen-svarsadress@region.se"
    assert senders_from_settings().channels == {Channel.EMAIL}


def test_settings_are_read_from_files_in_nara_settings_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    for name, value in {
        "NARA_SMS_USERNAME": "u123",
        "NARA_SMS_PASSWORD": "hemligt",
        "NARA_SMS_FROM": "Fyllinge",
        "NARA_SMTP_HOST": "smtp.region.se",
    }.items():
        (tmp_path / name).write_text(value)
    monkeypatch.setenv("NARA_SETTINGS_DIR", str(tmp_path))

    sms = read_sms_settings()

    assert (sms.username, sms.password.get_secret_value(), sms.sender) == ("u123", "hemligt", "Fyllinge")
    assert read_smtp_settings().host == "smtp.region.se"
    assert senders_from_settings().channels == {Channel.EMAIL, Channel.SMS}


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        (
            {
                "NARA_SMTP_HOST": "h",
                "NARA_SMTP_USERNAME": "u",
                "NARA_SMTP_PASSWORD": "p",
                "NARA_SMTP_PASSWORD_FILE": "/x",
            },
            "only one",
        ),
        ({"NARA_SMTP_HOST": "h", "NARA_SMTP_FROM": "Nära"}, "NARA_SMTP_FROM"),
        ({"NARA_SMTP_HOST": "h", "NARA_SMTP_PORT": "0"}, "NARA_SMTP_PORT"),
        ({"NARA_SMS_USERNAME": "u"}, "NARA_SMS_PASSWORD"),
        ({"NARA_SMS_USERNAME": "u", "NARA_SMS_PASSWORD": "p", "NARA_SMS_FROM": "Vårdcentralen"}, "NARA_SMS_FROM"),
    ],
)
def test_a_setting_that_cannot_work_is_named_and_its_secret_never_shown(
    variables: dict[str, str], named: str, monkeypatch: pytest.MonkeyPatch
):
    for name, value in variables.items():
        monkeypatch.setenv(name, value)

    with pytest.raises(MessagingConfigurationError, match=named) as refused:
        senders_from_settings()

    assert "p'" not in str(refused.value) and "input" not in str(refused.value)
