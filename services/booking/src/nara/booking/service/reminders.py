"""Reminders before booked times: the patient's choice of channel, leaving each due reminder in the outbox once,
and stopping a cancelled or moved time's pending reminders.

A reminder is left when its moment comes, for the time as it stands then (still booked, not begun) and to the
patient's choice as it stands then. Its outbox key (reminder-<appointment>-<hours>h) and the handled moment make it
once, whatever instances, restarts and retries; the message job (service/sending.py) sends it."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime

from nara.shared.messaging import Channel

from ..domain.errors import Forbidden
from ..domain.reminders import MomentOutcome, due_reminders, reminder_key
from ..domain.waitlist import Reach, ReachBy
from .message_records import OutgoingMessage, Purpose
from .reminder_records import ReminderChoice, TimeToRemind
from .reminder_text import reminder_text
from .requester import Requester
from .unit_of_work import UnitOfWork

log = logging.getLogger(__name__)
BATCH = 200  # booked times a pass looks at in one transaction
NOT_YOURS = "Du kan bara välja påminnelser för dig själv och för dina barn under 18 år."


async def read_choice(uow: UnitOfWork, requester: Requester, patient: str) -> ReminderChoice:
    _ensure_acts_for(requester, patient)
    return await uow.reminders.choice_of(patient)


async def choose(uow: UnitOfWork, requester: Requester, patient: str, reach: Reach, *, now: datetime) -> ReminderChoice:
    """The patient's (or, for a child, the guardian's) choice of reminders: SMS, e-mail or none."""
    _ensure_acts_for(requester, patient)
    await uow.reminders.choose(patient, reach, by=requester.id, now=now)
    return await uow.reminders.choice_of(patient)


async def leave_due_reminders(unit_of_work: Callable[[], UnitOfWork], now: datetime, *, base_url: str) -> int:
    """One pass: every booked time whose reminder moment has come gets its reminder left in the outbox (or its
    moment marked: no choice, or superseded). A batch per transaction; how many messages were left."""
    left = 0
    while True:
        async with unit_of_work() as uow:
            times = await uow.reminders.times_to_remind(now, limit=BATCH)
            for time in times:
                left += await _remind(uow, time, now, base_url)
        if len(times) < BATCH:  # every moment of a batch is handled, so a full one means more may wait
            return left


async def cancel_reminders(uow: UnitOfWork, appointment_id: uuid.UUID, *, now: datetime) -> int:
    """A cancelled or moved time's reminders that wait to be sent are stopped, in the change's transaction."""
    keys = await uow.reminders.pending_keys(appointment_id)
    return await uow.messages.cancel(keys, now=now) if keys else 0


async def _remind(uow: UnitOfWork, time: TimeToRemind, now: datetime, base_url: str) -> int:
    due = due_reminders(time.start_at, time.booked_at, time.time_type.reminder_hours, time.handled, now)
    for hours in due.superseded:
        await uow.reminders.handled(time.appointment_id, hours, MomentOutcome.SUPERSEDED, now=now)
    if due.send is None:
        return 0
    choice = time.choice
    if choice is None or choice.by is ReachBy.NONE or choice.address is None:
        await uow.reminders.handled(time.appointment_id, due.send, MomentOutcome.NO_CHOICE, now=now)
        return 0
    channel = Channel.SMS if choice.by is ReachBy.SMS else Channel.EMAIL
    text = reminder_text(time, channel, now=now, base_url=base_url)
    message = OutgoingMessage(
        key=reminder_key(time.appointment_id, due.send),
        purpose=Purpose.REMINDER,
        patient=time.patient,
        channel=channel,
        recipient=choice.address,
        subject=text.subject,
        body=text.body,
        due_at=now,
    )
    left = await uow.messages.leave(message, now=now)
    await uow.reminders.handled(time.appointment_id, due.send, MomentOutcome.LEFT, now=now)
    if left:
        log.info("reminder left", extra={"key": message.key, "channel": channel.value})
    return int(left)


def _ensure_acts_for(requester: Requester, patient: str) -> None:
    if requester.is_staff or not requester.may_act_for(patient):
        raise Forbidden(NOT_YOURS)
