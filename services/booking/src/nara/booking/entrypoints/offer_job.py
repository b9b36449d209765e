"""The offer job: a background task of every booking instance. Each second it lapses the offers whose hold ran out
and offers each freed time to the first in line (service/offers.py), one transaction per step. Several instances
share the work: each step takes its row with FOR UPDATE SKIP LOCKED, and the unique indexes on waitlist_offers
refuse a second open offer of one slot or to one entry (that step rolls back, and its freed time is looked at
again on the next pass)."""

from __future__ import annotations

import asyncio
import logging

import asyncpg
from fastapi import FastAPI

from nara.shared.retention import BackgroundTask

from ..adapters.unit_of_work import PostgresUnitOfWork
from ..service.offers import OfferSettings, lapse_next, offer_next_freed
from ..settings import BookingSettings

log = logging.getLogger(__name__)
MOST_STEPS_A_PASS = 200  # then the pass yields; the next second goes on


async def offer_pass(app: FastAPI, settings: OfferSettings) -> int:
    """Lapse what ran out, then offer what was freed (a lapse frees its time, so this order passes it on at once);
    how many steps did something."""
    done = 0
    for _ in range(MOST_STEPS_A_PASS):
        async with PostgresUnitOfWork(app.state.pool) as uow:
            if await lapse_next(uow, app.state.clock.now()) is None:
                break
        done += 1
    for _ in range(MOST_STEPS_A_PASS):
        try:
            async with PostgresUnitOfWork(app.state.pool) as uow:
                found, _ = await offer_next_freed(uow, app.state.clock.now(), settings)
        except asyncpg.UniqueViolationError:
            # Another instance offered this slot, or to this entry, a moment before: the step rolled back and
            # its freed time is back in the queue, to be offered to the next in line.
            log.info("an offer met another instance's; looking again")
            continue
        if not found:
            break
        done += 1
    return done


def keep_offering(settings: BookingSettings) -> BackgroundTask:
    offers = OfferSettings(site=settings.public_base_url)

    async def keep_going(app: FastAPI) -> None:
        while True:
            await asyncio.sleep(settings.offer_every_seconds)
            try:
                await offer_pass(app, offers)
            except (asyncpg.PostgresError, OSError) as failed:  # the next pass tries again
                log.warning("the offer job could not finish a pass", extra={"error": type(failed).__name__})

    return keep_going
