"""Messages left for patients (the offers' and reminders' outbox) exist once per key, whatever the retries."""

from datetime import timedelta

from nara.booking.adapters.unit_of_work import PostgresUnitOfWork
from nara.booking.service.message_records import OutgoingMessage, Purpose
from nara.shared.messaging import Channel


def message(key: str, at) -> OutgoingMessage:
    return OutgoingMessage(
        key=key,
        purpose=Purpose.REMINDER,
        patient="p-messages",
        channel=Channel.EMAIL,
        recipient="patient@example.se",
        subject="Påminnelse",
        body="Du har en tid i morgon.",
        due_at=at + timedelta(hours=1),
    )


async def test_a_message_is_left_once_per_key_and_a_cancel_stops_only_pending_ones(booking):
    now = booking.clock.now()
    pool = booking.app.state.pool
    async with PostgresUnitOfWork(pool) as uow:
        first = await uow.messages.leave(message("reminder-a-24h", now), now=now)
        again = await uow.messages.leave(message("reminder-a-24h", now), now=now)
        await uow.messages.leave(message("reminder-a-2h", now), now=now)
    async with PostgresUnitOfWork(pool) as uow:
        stopped = await uow.messages.cancel(["reminder-a-24h", "reminder-a-2h", "reminder-unknown"], now=now)
        stopped_again = await uow.messages.cancel(["reminder-a-24h"], now=now)
    rows = await pool.fetch("SELECT state, recipient FROM outgoing_messages WHERE key LIKE 'reminder-a-%'")

    assert (first, again) == (True, False)
    assert (stopped, stopped_again) == (2, 0)
    assert [(row["state"], row["recipient"]) for row in rows] == [("cancelled", None)] * 2
