"""The message job's decisions, with a queue and a sender in memory: sent, retried with backoff, parked, unknown,
and a stop mid-send that lets the one message finish."""

import asyncio
from datetime import UTC, datetime, timedelta

from nara.booking.service.message_records import Purpose
from nara.booking.service.sending import ClaimedMessage, RetryPolicy, send_due
from nara.shared.messaging import Channel, DeliveryFailed, Message, Receipt

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


class Queue:
    def __init__(self, *messages: ClaimedMessage) -> None:
        self.waiting = list(messages)
        self.done: dict[str, tuple] = {}

    async def give_up_stale_claims(self, now):
        return 0

    async def claim_next(self, now):
        return self.waiting.pop(0) if self.waiting else None

    async def sent(self, key, *, now):
        self.done[key] = ("sent",)

    async def retry_at(self, key, at, *, reason):
        self.done[key] = ("retry", at - NOW)

    async def give_up(self, key, *, now, reason, unknown=False):
        self.done[key] = ("unknown" if unknown else "failed", reason)


class Sender:
    def __init__(self, failure: DeliveryFailed | None = None, delay: float = 0) -> None:
        self.failure, self.delay, self.sent = failure, delay, []

    async def send(self, message: Message) -> Receipt:
        await asyncio.sleep(self.delay)
        if self.failure:
            raise self.failure
        self.sent.append(message)
        return Receipt(message.channel, "id", message.idempotency_key)


def claimed(key="offer-1", attempts=1, to="anna@example.se", channel=Channel.EMAIL) -> ClaimedMessage:
    return ClaimedMessage(key, Purpose.OFFER, channel, to, "En tid", "En tid har blivit ledig.", attempts)


POLICY = RetryPolicy(max_attempts=3, first_wait=timedelta(seconds=30))


async def run(queue, sender):
    return await send_due(queue, sender, lambda: NOW, POLICY)


async def test_a_message_is_sent_with_its_key_as_idempotency_key():
    queue, sender = Queue(claimed()), Sender()
    assert await run(queue, sender) == 1
    assert queue.done == {"offer-1": ("sent",)} and sender.sent[0].idempotency_key == "offer-1"


async def test_a_retryable_failure_waits_twice_as_long_each_time_then_parks():
    failure = DeliveryFailed("the mail server answered 451", retryable=True)
    for attempts, expected in [(1, ("retry", timedelta(seconds=30))), (2, ("retry", timedelta(seconds=60)))]:
        queue = Queue(claimed(attempts=attempts))
        await run(queue, Sender(failure))
        assert queue.done["offer-1"] == expected
    queue = Queue(claimed(attempts=3))
    await run(queue, Sender(failure))
    assert queue.done["offer-1"] == ("failed", "the mail server answered 451")


async def test_the_servers_own_wait_is_kept_when_it_is_longer():
    failure = DeliveryFailed("too many requests", retryable=True, retry_after_seconds=600)
    queue = Queue(claimed())
    await run(queue, Sender(failure))
    assert queue.done["offer-1"] == ("retry", timedelta(minutes=10))


async def test_an_unknown_outcome_is_never_sent_again_blindly():
    failure = DeliveryFailed("no answer in time", retryable=True, outcome_unknown=True)
    queue = Queue(claimed())
    await run(queue, Sender(failure))
    assert queue.done["offer-1"] == ("unknown", "no answer in time")


async def test_a_message_that_can_never_leave_is_parked_at_once():
    queue = Queue(claimed(to="not an address"), claimed("offer-2", to="+4670", channel=Channel.SMS))
    await run(queue, Sender())
    assert {key: state for key, (state, *_) in queue.done.items()} == {"offer-1": "failed", "offer-2": "failed"}


async def test_a_stop_while_sending_lets_the_message_finish_and_be_marked():
    queue, sender = Queue(claimed(), claimed("offer-2")), Sender(delay=0.2)
    job = asyncio.create_task(run(queue, sender))
    await asyncio.sleep(0.05)
    job.cancel()
    await asyncio.gather(job, return_exceptions=True)

    assert queue.done == {"offer-1": ("sent",)}  # the second was never claimed
    assert [m.idempotency_key for m in sender.sent] == ["offer-1"]
