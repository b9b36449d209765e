"""The senders an installation has, by channel: e-mail when NARA_SMTP_HOST is set, SMS when NARA_SMS_USERNAME is."""

from __future__ import annotations

from collections.abc import Mapping

from .message import Channel, ChannelNotConfigured, Message, MessageSender, Receipt
from .settings import read_sms_settings, read_smtp_settings
from .sms_46elks import ElksSmsSender
from .smtp import SmtpSender


class SenderByChannel:
    """One MessageSender for every channel: hands each message to its channel's sender; a channel without one
    raises ChannelNotConfigured (not retryable: park the message, or offer the patient another channel)."""

    def __init__(self, senders: Mapping[Channel, MessageSender]) -> None:
        self._senders = dict(senders)

    @property
    def channels(self) -> frozenset[Channel]:
        return frozenset(self._senders)

    async def send(self, message: Message) -> Receipt:
        sender = self._senders.get(message.channel)
        if sender is None:
            raise ChannelNotConfigured(message.channel)
        return await sender.send(message)

    async def aclose(self) -> None:
        for sender in self._senders.values():
            if isinstance(sender, ElksSmsSender):
                await sender.aclose()


def senders_from_settings() -> SenderByChannel:
    """The process's senders, from NARA_SMTP_* and NARA_SMS_* (environment or NARA_SETTINGS_DIR); raises
    MessagingConfigurationError, naming the variable, when a setting cannot work."""
    senders: dict[Channel, MessageSender] = {}
    smtp = read_smtp_settings()
    if smtp.enabled:
        senders[Channel.EMAIL] = SmtpSender(smtp)
    sms = read_sms_settings()
    if sms.enabled:
        senders[Channel.SMS] = ElksSmsSender(sms)
    return SenderByChannel(senders)
