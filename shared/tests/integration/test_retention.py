"""Forgetting rows by age, against the real PostgreSQL: consumed event ids past their retention go, in batches."""

from datetime import UTC, datetime, timedelta

import asyncpg

from nara.shared.retention import forget_rows


async def test_consumed_event_ids_older_than_the_cutoff_are_forgotten_batch_by_batch(backbone_database):
    now = datetime.now(UTC)
    connection = await asyncpg.connect(backbone_database)
    try:
        await connection.executemany(
            """INSERT INTO consumed_events (consumer, event_id, topic, partition, "offset", consumed_at)
               VALUES ('test', $1, 't', 0, $2, $3)""",
            [(f"old-{n}", n, now - timedelta(days=8)) for n in range(25)]
            + [(f"new-{n}", 100 + n, now - timedelta(hours=1)) for n in range(5)],
        )

        batches = []
        while gone := await forget_rows(
            connection, "consumed_events", "consumed_at", before=now - timedelta(days=7), batch=10
        ):
            batches.append(gone)
        left = await connection.fetch("SELECT event_id FROM consumed_events ORDER BY event_id")
    finally:
        await connection.close()

    assert batches == [10, 10, 5]
    assert [row["event_id"] for row in left] == [f"new-{n}" for n in range(5)]
