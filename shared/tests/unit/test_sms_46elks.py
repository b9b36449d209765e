"""The 46elks adapter against a stand-in that holds it to the gateway's documented request and answer: basic auth,
form fields from/to/message, E.164 numbers, JSON with the SMS's id; and the gateway's refusals and bad days, each a
failure the caller can retry or park."""

from __future__ import annotations

import httpx
import pytest

from nara.devstack.sms_gateway import SmsGatewayStandIn
from nara.shared.messaging import (
    Channel,
    DeliveryFailed,
    ElksSmsSender,
    Message,
    PersonnummerInMessage,
    SmsSettings,
)

TEXT = "Hej! En tidigare tid finns: tisdag 8 december kl. 08:00 på Vårdcentralen Fyllinge. Svara via länken i Min vård."
TO = "+46701234567"


def sender_for(gateway: SmsGatewayStandIn, **overrides: object) -> ElksSmsSender:
    options: dict = {"timeout_seconds": 2, **overrides}
    settings = SmsSettings(api_url=gateway.url, username=gateway.username, password=gateway.password, **options)
    return ElksSmsSender(settings)


async def test_an_sms_goes_as_the_gateway_documents_and_its_id_is_the_receipt(sms_gateway: SmsGatewayStandIn):
    async with sender_for(sms_gateway, sender="Fyllinge") as sender:
        receipt = await sender.send(Message(Channel.SMS, TO, TEXT, idempotency_key="offer-7"))

    [sent] = sms_gateway.sent
    assert (sent["from"], sent["to"], sent["message"]) == ("Fyllinge", TO, TEXT)
    assert sent["dontlog"] == "message"  # the gateway is asked not to keep the text
    assert receipt.channel is Channel.SMS and receipt.message_id == sent["id"]
    assert receipt.idempotency_key == "offer-7" and receipt.parts == 1


async def test_a_wrong_password_is_refused_and_not_worth_retrying(sms_gateway: SmsGatewayStandIn):
    settings = SmsSettings(api_url=sms_gateway.url, username=sms_gateway.username, password="fel")  # noqa: S106 - a wrong one
    async with ElksSmsSender(settings) as sender:
        with pytest.raises(DeliveryFailed, match="NARA_SMS_USERNAME") as failed:
            await sender.send(Message(Channel.SMS, TO, TEXT))

    assert failed.value.retryable is False and not sms_gateway.sent


@pytest.mark.parametrize(
    ("status", "said", "retryable", "retry_after"),
    [
        (503, "Service temporarily unavailable", True, None),
        (500, "Internal error", True, None),
        (429, "Too many requests", True, 7.0),
        (402, "Insufficient credits", False, None),
        (403, "Invalid to number +46701234567", False, None),
        (400, "Missing key message", False, None),
    ],
)
async def test_the_gateways_error_answers_say_whether_to_retry_or_park(
    sms_gateway: SmsGatewayStandIn, status: int, said: str, retryable: bool, retry_after: float | None
):
    sms_gateway.fail_next(status, said, retry_after=retry_after)

    async with sender_for(sms_gateway) as sender:
        with pytest.raises(DeliveryFailed) as failed:
            await sender.send(Message(Channel.SMS, TO, TEXT))

    assert failed.value.retryable is retryable
    assert failed.value.retry_after_seconds == retry_after
    assert str(status) in failed.value.reason
    assert TO not in str(failed.value)  # a number the gateway echoes stays out of logs


async def test_after_a_busy_moment_the_same_message_goes_through(sms_gateway: SmsGatewayStandIn):
    sms_gateway.fail_next(503, "Service temporarily unavailable")
    message = Message(Channel.SMS, TO, TEXT, idempotency_key="reminder-9-2h")

    async with sender_for(sms_gateway) as sender:
        with pytest.raises(DeliveryFailed) as failed:
            await sender.send(message)
        assert failed.value.retryable
        receipt = await sender.send(message)

    assert [sent["id"] for sent in sms_gateway.sent] == [receipt.message_id]


async def test_an_answer_that_never_comes_may_have_been_sent(sms_gateway: SmsGatewayStandIn):
    sms_gateway.stall_next(3)

    async with sender_for(sms_gateway, timeout_seconds=0.5) as sender:
        with pytest.raises(DeliveryFailed) as failed:
            await sender.send(Message(Channel.SMS, TO, TEXT))

    assert failed.value.retryable and failed.value.outcome_unknown


async def test_an_unreachable_gateway_is_retryable_and_nothing_was_sent():
    settings = SmsSettings(api_url="http://127.0.0.1:9/a1", username="u", password="p", timeout_seconds=1)  # noqa: S106
    async with ElksSmsSender(settings) as sender:
        with pytest.raises(DeliveryFailed) as failed:
            await sender.send(Message(Channel.SMS, TO, TEXT))

    assert failed.value.retryable and not failed.value.outcome_unknown


async def test_a_text_longer_than_the_parts_allowed_is_refused_before_it_costs_anything(
    sms_gateway: SmsGatewayStandIn,
):
    async with sender_for(sms_gateway, max_parts=2) as sender:
        with pytest.raises(DeliveryFailed, match="3 parts") as failed:
            await sender.send(Message(Channel.SMS, TO, "a" * 307))

    assert failed.value.retryable is False and sms_gateway.requests == 0


async def test_a_personnummer_never_reaches_the_gateway(sms_gateway: SmsGatewayStandIn):
    message = Message(Channel.SMS, TO, TEXT)
    object.__setattr__(message, "body", f"{TEXT} 19121212-1212")  # past the check when made, by force

    async with sender_for(sms_gateway) as sender:
        with pytest.raises(PersonnummerInMessage):
            await sender.send(message)

    assert sms_gateway.requests == 0


@pytest.mark.parametrize(
    ("form", "auth", "status", "said"),
    [
        ({"from": "Nara", "to": TO, "message": "Hej"}, None, 401, "Authentication"),
        ({"from": "Nara", "to": "0701234567", "message": "Hej"}, "ok", 400, "E.164"),
        ({"from": "Nara", "to": TO}, "ok", 400, "Missing key message"),
        ({"from": "Vårdcentralen Fyllinge", "to": TO, "message": "Hej"}, "ok", 400, "Invalid from"),
        ({"from": "Nara", "to": TO, "message": "a" * 1601}, "ok", 400, "too long"),
    ],
)
def test_the_stand_in_holds_a_client_to_the_gateways_rules(
    sms_gateway: SmsGatewayStandIn, form: dict, auth: str | None, status: int, said: str
):
    credentials = (sms_gateway.username, sms_gateway.password) if auth else None
    answer = httpx.post(f"{sms_gateway.url}/sms", data=form, auth=credentials)

    assert answer.status_code == status and said in answer.text
    assert not sms_gateway.sent


def test_the_stand_in_answers_like_the_gateway(sms_gateway: SmsGatewayStandIn):
    answer = httpx.post(
        f"{sms_gateway.url}/sms",
        data={"from": "+46766861004", "to": TO, "message": "å" * 200},
        auth=(sms_gateway.username, sms_gateway.password),
    )

    body = answer.json()
    assert answer.status_code == 200
    assert body["id"].startswith("s") and body["status"] == "created" and body["direction"] == "outgoing"
    assert (body["from"], body["to"], body["parts"], body["message"]) == ("+46766861004", TO, 2, "å" * 200)
    assert isinstance(body["cost"], int) and body["created"]
