"""SMS through 46elks, a Swedish gateway: `POST {api}/sms` with the form fields from, to and message, HTTP basic
auth with the account's API username and password, a JSON answer with the SMS's `id`, `status` and `parts`.

Off unless NARA_SMS_USERNAME is set (see settings.py). The gateway has no idempotency key, so a request whose
answer was lost is reported as `outcome_unknown`: the caller decides whether a second SMS is worse than none.
"""

from __future__ import annotations

import re

import httpx

from nara.shared.redaction import contains_personnummer

from .message import Channel, DeliveryFailed, Message, PersonnummerInMessage, Receipt
from .settings import SmsSettings

# Digits the gateway may echo in an error text (a number) are kept out of the reason, which reaches logs.
_NUMBER = re.compile(r"\+?[0-9][0-9 -]{5,}[0-9]")

# GSM 03.38: a text of these alone goes 160 characters a part (153 when split); anything else as UCS-2, 70 (67).
_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = frozenset("^{}\\[~]|€\f")


def sms_parts(text: str) -> int:
    """How many parts the text is sent as, the way the networks split it."""
    if all(ch in _GSM_BASIC or ch in _GSM_EXTENDED for ch in text):
        units, single, each = sum(2 if ch in _GSM_EXTENDED else 1 for ch in text), 160, 153
    else:
        units, single, each = len(text.encode("utf-16-le")) // 2, 70, 67
    return 1 if units <= single else -(-units // each)


class ElksSmsSender:
    """The SMS channel: a MessageSender for Channel.SMS. Close it with `aclose` (or use `async with`)."""

    def __init__(self, settings: SmsSettings, client: httpx.AsyncClient | None = None) -> None:
        if not settings.enabled:
            raise ValueError("NARA_SMS_USERNAME is not set: SMS is off")
        self._settings = settings
        self._client = client or httpx.AsyncClient(timeout=settings.timeout_seconds)
        self._owns_client = client is None

    async def __aenter__(self) -> ElksSmsSender:
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    async def send(self, message: Message) -> Receipt:
        if message.channel is not Channel.SMS:
            raise ValueError(f"the SMS sender sends SMS, not {message.channel.value}")
        if contains_personnummer(message.body) or contains_personnummer(message.to):
            raise PersonnummerInMessage("body" if contains_personnummer(message.body) else "recipient")
        settings = self._settings
        parts = sms_parts(message.body)
        if parts > settings.max_parts:
            raise DeliveryFailed(
                f"the SMS would go as {parts} parts, more than NARA_SMS_MAX_PARTS ({settings.max_parts})",
                retryable=False,
            )
        form = {"from": settings.sender, "to": message.to, "message": message.body}
        if settings.dont_log_text:
            form["dontlog"] = "message"
        try:
            response = await self._client.post(
                f"{settings.api_url.rstrip('/')}/sms",
                data=form,
                auth=(settings.username, settings.password.get_secret_value()),
                timeout=settings.timeout_seconds,
            )
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as error:
            raise DeliveryFailed(f"could not reach the SMS gateway ({type(error).__name__})", retryable=True) from None
        except httpx.TransportError as error:
            # The request went out; whether the gateway took it, nobody here knows.
            raise DeliveryFailed(
                f"the SMS gateway did not answer ({type(error).__name__})", retryable=True, outcome_unknown=True
            ) from None
        return _receipt(response, message)


def _receipt(response: httpx.Response, message: Message) -> Receipt:
    status = response.status_code
    if status == 200:
        try:
            answer = response.json()
            sms_id, sms_status = str(answer["id"]), str(answer.get("status", ""))
        except (ValueError, KeyError, TypeError):
            raise DeliveryFailed(
                "the SMS gateway answered 200 without an SMS id", retryable=False, outcome_unknown=True
            ) from None
        if sms_status == "failed":
            raise DeliveryFailed("the SMS gateway says the SMS failed", retryable=False)
        return Receipt(Channel.SMS, sms_id, message.idempotency_key, parts=int(answer.get("parts") or 1))
    said = _NUMBER.sub("[nummer]", response.text.strip())[:200] or response.reason_phrase
    if status == 401:
        raise DeliveryFailed(
            f"the SMS gateway refused the account (401: {said}): check NARA_SMS_USERNAME and the password",
            retryable=False,
        )
    if status == 429:
        raise DeliveryFailed(
            f"the SMS gateway asks to slow down (429: {said})",
            retryable=True,
            retry_after_seconds=_seconds(response.headers.get("Retry-After")),
        )
    if status >= 500:
        raise DeliveryFailed(
            f"the SMS gateway failed ({status}: {said})",
            retryable=True,
            retry_after_seconds=_seconds(response.headers.get("Retry-After")),
        )
    # 400, 402 (no credit), 403, 404: the request as it stands will not be taken.
    raise DeliveryFailed(f"the SMS gateway refused the SMS ({status}: {said})", retryable=False)


def _seconds(header: str | None) -> float | None:
    try:
        return max(0.0, float(header)) if header else None
    except ValueError:
        return None  # an HTTP date: rare from an API; the caller's own back-off serves
