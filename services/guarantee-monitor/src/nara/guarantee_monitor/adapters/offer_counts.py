"""The waitlist offers' outcomes: written in the consumer's transaction, counted per unit and week for /ops."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import asyncpg

from ..domain.offer_counts import OfferOutcome, OutcomeTally, WeeklyOfferCounts, weekly_counts

ADD_OUTCOMES = """
    INSERT INTO waitlist_offer_outcomes (offer_id, outcome, unit, at, week_start, breach_prevented)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::date[], $6::boolean[])
    ON CONFLICT (offer_id, outcome) DO NOTHING"""

TALLIES = """
    SELECT unit, week_start, outcome, count(*) AS count, count(*) FILTER (WHERE breach_prevented) AS prevented
    FROM waitlist_offer_outcomes
    WHERE unit = ANY($1::text[]) AND ($2::date IS NULL OR week_start >= $2) AND ($3::date IS NULL OR week_start <= $3)
    GROUP BY 1, 2, 3"""


class PostgresOfferOutcomes:
    """The writer, on the unit of work's connection: an outcome already stored is left as it was."""

    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def add(self, outcomes: Sequence[OfferOutcome]) -> None:
        if not outcomes:
            return
        await self._connection.execute(
            ADD_OUTCOMES,
            [o.offer_id for o in outcomes],
            [o.outcome for o in outcomes],
            [o.unit for o in outcomes],
            [o.at for o in outcomes],
            [o.week_start for o in outcomes],
            [o.breach_prevented for o in outcomes],
        )


class PostgresOfferCountViews:
    """The read side, on the pool outside any unit of work."""

    def __init__(self, pool: Callable[[], asyncpg.Pool]) -> None:
        self._pool = pool  # the pool exists only once the app has started

    async def weekly(
        self, units: Sequence[str], first_week: date | None, last_week: date | None
    ) -> list[WeeklyOfferCounts]:
        """The units' counts for the weeks whose Monday lies in [first_week, last_week], both optional."""
        rows = await self._pool().fetch(TALLIES, list(units), first_week, last_week)
        tallies = [OutcomeTally(r["unit"], r["week_start"], r["outcome"], r["count"], r["prevented"]) for r in rows]
        return weekly_counts(tallies)
