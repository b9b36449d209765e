"""E-mail over SMTP with aiosmtplib: one plain-text UTF-8 message per send, on a connection of its own."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

import aiosmtplib

from nara.shared.redaction import contains_personnummer

from .message import Channel, DeliveryFailed, Message, PersonnummerInMessage, Receipt
from .settings import SmtpSettings

# What may stand left of the @ in a Message-ID as it is (RFC 5322 dot-atom text); other keys are hashed.
_ID_SAFE = re.compile(r"[A-Za-z0-9][A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{0,63}")


def message_id_for(idempotency_key: str, domain: str) -> str:
    """The same key always gives the same Message-ID, so a resent message is the same message to a mail server."""
    local = idempotency_key if _ID_SAFE.fullmatch(idempotency_key) and ".." not in idempotency_key else None
    local = local or hashlib.sha256(idempotency_key.encode()).hexdigest()[:40]
    return f"<nara.{local}@{domain}>"


class SmtpSender:
    """The e-mail channel: a MessageSender for Channel.EMAIL."""

    def __init__(self, settings: SmtpSettings) -> None:
        if not settings.enabled:
            raise ValueError("NARA_SMTP_HOST is not set: e-mail is off")
        self._settings = settings

    def compose(self, message: Message) -> EmailMessage:
        if message.channel is not Channel.EMAIL:
            raise ValueError(f"the SMTP sender sends e-mail, not {message.channel.value}")
        domain = self._settings.sender_address.rsplit("@", 1)[1]
        email = EmailMessage(policy=SMTP)
        email["From"] = self._settings.from_address
        email["To"] = message.to
        email["Subject"] = message.subject
        email["Date"] = format_datetime(datetime.now(UTC))
        email["Message-ID"] = message_id_for(message.idempotency_key, domain)
        # Automatic messages (RFC 3834): no out-of-office answer should come back to an address nobody reads.
        email["Auto-Submitted"] = "auto-generated"
        # Quoted-printable keeps å, ä and ö intact through any relay, 8BITMIME or not.
        email.set_content(message.body, charset="utf-8", cte="quoted-printable")
        email["Content-Language"] = "sv"  # after set_content, which replaces the Content-* headers
        return email

    async def send(self, message: Message) -> Receipt:
        # Checked again at the door: a message made before this check existed, or changed by force, stays in.
        checked = (("recipient", message.to), ("subject", message.subject), ("body", message.body))
        for part, text in (*checked, ("key", message.idempotency_key)):
            if contains_personnummer(text):
                raise PersonnummerInMessage(part)
        email = self.compose(message)
        settings = self._settings
        try:
            await aiosmtplib.send(
                email,
                hostname=settings.host,
                port=settings.port,
                username=settings.username or None,
                password=settings.password.get_secret_value() or None,
                start_tls=settings.starttls,
                timeout=settings.timeout_seconds,
            )
        except aiosmtplib.SMTPRecipientsRefused as error:
            # 450/451/452 at RCPT is 'not now' (a full mailbox, greylisting); 550 and its kin are 'never'.
            codes = sorted({refusal.code for refusal in error.recipients})
            raise DeliveryFailed(
                f"the mail server refused the recipient ({', '.join(map(str, codes))})",
                retryable=all(400 <= code < 500 for code in codes),
            ) from None
        except aiosmtplib.SMTPAuthenticationError as error:
            raise DeliveryFailed(
                f"the mail server refused the login ({error.code}): check NARA_SMTP_USERNAME and the password",
                retryable=False,
            ) from None
        except aiosmtplib.SMTPResponseException as error:
            # 4xx is the server's 'not now', 5xx its 'never' (RFC 5321, 4.2.1).
            raise DeliveryFailed(f"the mail server answered {error.code}", retryable=400 <= error.code < 500) from None
        except aiosmtplib.SMTPConnectError as error:
            raise DeliveryFailed(f"could not reach the mail server ({type(error).__name__})", retryable=True) from None
        except aiosmtplib.SMTPTimeoutError:
            raise DeliveryFailed(
                "the mail server did not answer in time", retryable=True, outcome_unknown=True
            ) from None
        except (aiosmtplib.SMTPException, OSError) as error:
            # Could not connect, TLS failed, the connection dropped: nothing was accepted.
            raise DeliveryFailed(f"could not reach the mail server ({type(error).__name__})", retryable=True) from None
        return Receipt(Channel.EMAIL, str(email["Message-ID"]), message.idempotency_key)
