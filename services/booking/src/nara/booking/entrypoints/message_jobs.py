"""The booking app's two message tasks, on every instance: leaving reminders when their moment comes, and sending
every due message of the outbox (offers and reminders) through the configured channels. Both are safe to run on
several instances at once (service/reminders.py, service/sending.py)."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import asyncpg
from fastapi import FastAPI

from nara.shared.messaging import SenderByChannel
from nara.shared.retention import BackgroundTask

from ..adapters.message_queue import PostgresMessageQueue
from ..adapters.unit_of_work import PostgresUnitOfWork
from ..service.reminders import leave_due_reminders
from ..service.sending import RetryPolicy, send_due
from ..settings import BookingSettings

log = logging.getLogger(__name__)
PASSING_FAILURES = (asyncpg.PostgresError, asyncpg.InterfaceError, OSError)


def retry_policy(settings: BookingSettings) -> RetryPolicy:
    return RetryPolicy(settings.message_max_attempts, timedelta(seconds=settings.message_retry_seconds))


def keep_sending(settings: BookingSettings, senders: SenderByChannel) -> BackgroundTask:
    """Every `message_poll_seconds` (1 s): send what is due, so an offer's message leaves within a second or two."""

    async def send_messages(app: FastAPI) -> None:
        queue = PostgresMessageQueue(app.state.pool)
        try:
            while True:
                try:
                    await send_due(queue, senders, app.state.clock.now, retry_policy(settings))
                except PASSING_FAILURES as failed:  # the next round tries again; nothing is lost
                    log.warning("could not send messages", extra={"error": type(failed).__name__})
                await asyncio.sleep(settings.message_poll_seconds)
        finally:
            await senders.aclose()

    return send_messages


def keep_reminding(settings: BookingSettings) -> BackgroundTask:
    """Every `reminder_every_seconds`: leave the reminders whose moment has come."""

    async def leave_reminders(app: FastAPI) -> None:
        while True:
            try:
                await leave_due_reminders(
                    lambda: PostgresUnitOfWork(app.state.pool), app.state.clock.now(), base_url=settings.public_base_url
                )
            except PASSING_FAILURES as failed:
                log.warning("could not leave reminders", extra={"error": type(failed).__name__})
            await asyncio.sleep(settings.reminder_every_seconds)

    return leave_reminders
