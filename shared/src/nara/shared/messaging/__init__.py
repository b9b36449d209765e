"""Messages to patients, by e-mail (SMTP) and SMS (46elks): one port, `MessageSender`, and its adapters.

    senders = senders_from_settings()          # at start-up; e-mail and SMS only where configured
    receipt = await senders.send(Message(Channel.EMAIL, to, body, subject="Påminnelse", idempotency_key=key))

`send` raises DeliveryFailed: `retryable` says whether to try again later or park the message. A message
carrying a personnummer cannot be made at all (PersonnummerInMessage).
"""

from .message import (
    Channel,
    ChannelNotConfigured,
    DeliveryFailed,
    InvalidMessage,
    Message,
    MessageSender,
    PersonnummerInMessage,
    Receipt,
)
from .senders import SenderByChannel, senders_from_settings
from .settings import MessagingConfigurationError, SmsSettings, SmtpSettings, read_sms_settings, read_smtp_settings
from .sms_46elks import ElksSmsSender, sms_parts
from .smtp import SmtpSender, message_id_for

__all__ = [
    "Channel",
    "ChannelNotConfigured",
    "DeliveryFailed",
    "ElksSmsSender",
    "InvalidMessage",
    "Message",
    "MessageSender",
    "MessagingConfigurationError",
    "PersonnummerInMessage",
    "Receipt",
    "SenderByChannel",
    "SmsSettings",
    "SmtpSender",
    "SmtpSettings",
    "message_id_for",
    "read_sms_settings",
    "read_smtp_settings",
    "senders_from_settings",
    "sms_parts",
]
