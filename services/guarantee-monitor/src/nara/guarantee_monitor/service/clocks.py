"""Keeping clocks in the database: apply events, raise each alert once through the outbox, fire due timers."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import asyncpg
from prometheus_client import Counter

from nara.shared.events.envelope import DecodedEvent
from nara.shared.events.models import GuaranteeAtRisk, GuaranteeBreached, GuaranteeResolved
from nara.shared.outbox.writer import add_events_to_outbox

from ..domain.alerts import Alert, alerts_until, next_alert_moment
from ..domain.clock import booking_in_force, listed_unit_of, state_at
from ..domain.facts import ContactFacts
from ..domain.policy import GuaranteePolicy
from ..domain.projection import apply, contact_id_of
from ..domain.reporting import contact_same_day

SOURCE = "/nara/guarantee-monitor"
ALERT_IDS = uuid.UUID("6a1d3c5e-0b7f-5e2a-9c41-3f8d2b6e7a90")  # the namespace of alert event ids (uuid5)
ALERT_EVENTS = {"at_risk": GuaranteeAtRisk, "breached": GuaranteeBreached, "resolved": GuaranteeResolved}
ALERTS_RAISED = Counter("nara_guarantee_alerts_total", "Guarantee alerts raised", ["kind", "level"])
EVENTS_APPLIED = Counter("nara_guarantee_events_applied_total", "Contact and appointment events applied", ["type"])


async def apply_events(
    connection: asyncpg.Connection, events: list[DecodedEvent], policy: GuaranteePolicy, now: datetime
) -> None:
    """Apply a batch of events (already deduplicated) to their contacts' clocks, in one transaction."""
    by_contact: dict[str, list[DecodedEvent]] = {}
    for event in events:
        contact_id = contact_id_of(event.type, event.data)
        if contact_id is not None:  # booked without a triaged contact: no guarantee clock to keep
            by_contact.setdefault(contact_id, []).append(event)
        EVENTS_APPLIED.labels(event.type).inc()
    if not by_contact:
        return
    rows = await connection.fetch(
        "SELECT contact_id, facts FROM clocks WHERE contact_id = ANY($1::text[]) FOR UPDATE", list(by_contact)
    )
    known = {row["contact_id"]: ContactFacts.from_json(json.loads(row["facts"])) for row in rows}
    changed = []
    for contact_id, contact_events in by_contact.items():
        facts = known.get(contact_id) or ContactFacts(contact_id)
        for event in contact_events:
            facts = apply(facts, event.type, event.data, event.time)
        latest = max(contact_events, key=lambda e: e.time)
        changed.append((facts, latest.traceparent, latest.time))
    # Alerts are the scheduler's to raise, once the consumer has caught up: raised from half-read history
    # they could never be taken back, and a replay would not give the same ones.
    await save_clocks(connection, changed, policy, now, raise_alerts=False)


async def fire_due(pool: asyncpg.Pool, policy: GuaranteePolicy, now: datetime, batch: int = 500) -> int:
    """Look at every clock whose next alert moment has come; several instances share the work (SKIP LOCKED)."""
    async with pool.acquire() as connection, connection.transaction():
        rows = await connection.fetch(
            """SELECT facts, last_traceparent FROM clocks WHERE next_alert_at <= $1
               ORDER BY next_alert_at LIMIT $2 FOR UPDATE SKIP LOCKED""",
            now,
            batch,
        )
        await save_clocks(
            connection,
            [(ContactFacts.from_json(json.loads(row["facts"])), row["last_traceparent"], None) for row in rows],
            policy,
            now,
        )
        return len(rows)


async def save_clocks(
    connection: asyncpg.Connection,
    clocks: list[tuple[ContactFacts, str | None, datetime | None]],
    policy: GuaranteePolicy,
    now: datetime,
    *,
    raise_alerts: bool = True,
) -> None:
    """Store the clocks and raise the alerts they are due, each alert once (a unique key per contact)."""
    if not clocks:
        return
    rows = [
        _clock_row(facts, policy, now, trace, event_at, look_now=not raise_alerts) for facts, trace, event_at in clocks
    ]
    await connection.execute(UPSERT_CLOCKS, *(list(column) for column in zip(*rows)))
    if not raise_alerts:
        return
    due = [(facts, trace, alert) for facts, trace, _ in clocks for alert in alerts_until(facts, policy, now)]
    if not due:
        return
    raised = await connection.fetch(
        """INSERT INTO alerts (contact_id, key, kind, level, at, deadline, hours_left, reason, unit, patient,
                               traceparent, raised_at)
           SELECT *, $12::timestamptz FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[],
               $6::timestamptz[], $7::float8[], $8::text[], $9::text[], $10::text[], $11::text[])
           ON CONFLICT (contact_id, key) DO NOTHING RETURNING contact_id, key""",
        *[
            list(column)
            for column in zip(
                *[
                    (
                        f.contact_id,
                        a.key,
                        a.kind,
                        a.level,
                        a.at,
                        a.deadline,
                        a.hours_left(),
                        a.reason,
                        f.unit,
                        f.patient,
                        t,
                    )
                    for f, t, a in due
                ]
            )
        ],
        now,
    )
    new = {(row["contact_id"], row["key"]) for row in raised}
    events, ids = [], []
    for facts, _, alert in due:
        if (facts.contact_id, alert.key) not in new:
            continue
        new.discard((facts.contact_id, alert.key))  # a contact given twice in one batch still raises it once
        ALERTS_RAISED.labels(alert.kind, alert.level).inc()
        data = ALERT_EVENTS[alert.kind](
            contact_id=facts.contact_id,
            patient=facts.patient,
            unit=facts.unit,
            deadline=alert.deadline,
            level=alert.level,
            hours_left=alert.hours_left(),
            reason=alert.reason,
            measure=alert.measure().value,
        )
        events.append((data, SOURCE, facts.patient, alert.at))
        ids.append(alert_event_id(facts.contact_id, alert))
    await add_events_to_outbox(connection, events, event_ids=ids)  # one round trip for a whole midnight tier


def alert_event_id(contact_id: str, alert: Alert) -> str:
    """The same alert has the same event id whichever monitor raises it: instances of one monitor, a rebuild
    beside the live one, or a replay. Consumers skip an id they have had, so nobody is alerted twice."""
    return str(uuid.uuid5(ALERT_IDS, f"{contact_id}\n{alert.key}\n{alert.deadline.astimezone(UTC).isoformat()}"))


# One statement for a whole batch of clocks (each contact once), its columns as arrays: a row per
# statement execution would cost the database as much again as the rest of the batch.
CLOCK_COLUMNS = (
    ("contact_id", "text"),
    ("patient", "text"),
    ("unit", "text"),
    ("listed_unit", "text"),
    ("channel", "text"),
    ("profession", "text"),
    ("sought_at", "timestamptz"),
    ("deadline", "timestamptz"),
    ("status", "text"),
    ("status_reason", "text"),
    ("facts", "text"),
    ("next_alert_at", "timestamptz"),
    ("assessed_at", "timestamptz"),
    ("assessment_profession", "text"),
    ("assessment_form", "text"),
    ("patient_chose_to_wait", "boolean"),
    ("last_traceparent", "text"),
    ("updated_at", "timestamptz"),
    ("last_event_at", "timestamptz"),
    ("listing", "text"),
    ("sex", "text"),
    ("age_group", "text"),
    ("registered_at", "timestamptz"),
    ("contact_same_day", "boolean"),
    ("regional_days", "integer"),
    ("regional_deadline", "timestamptz"),
    ("regional_status", "text"),
    ("regional_reason", "text"),
    ("booking_id", "text"),
    ("booking_start", "timestamptz"),
    ("booking_end", "timestamptz"),
    ("closed_at", "timestamptz"),
)
_NAMES = [name for name, _ in CLOCK_COLUMNS]
_KEPT = {"contact_id", "last_traceparent", "last_event_at"}  # the key, and the two columns merged below
UPSERT_CLOCKS = f"""
    INSERT INTO clocks ({", ".join(_NAMES)}, change)
    SELECT {", ".join("facts::jsonb" if name == "facts" else name for name in _NAMES)}, nextval('clock_changes')
    FROM unnest({", ".join(f"${n}::{kind}[]" for n, (_, kind) in enumerate(CLOCK_COLUMNS, start=1))})
         AS batch ({", ".join(_NAMES)})
    ON CONFLICT (contact_id) DO UPDATE SET
        {", ".join(f"{name} = EXCLUDED.{name}" for name in _NAMES if name not in _KEPT)}, change = EXCLUDED.change,
        last_traceparent = CASE WHEN EXCLUDED.last_event_at >= coalesce(clocks.last_event_at, '-infinity')
                                THEN coalesce(EXCLUDED.last_traceparent, clocks.last_traceparent)
                                ELSE clocks.last_traceparent END,
        last_event_at = greatest(clocks.last_event_at, EXCLUDED.last_event_at)"""


def _clock_row(
    facts: ContactFacts,
    policy: GuaranteePolicy,
    now: datetime,
    traceparent: str | None,
    event_at: datetime | None,
    look_now: bool,
) -> tuple:
    state = state_at(facts, policy, now)
    # After an event the scheduler looks at the clock at once when an alert may be due (a tier passed, an
    # event that alerts at once, or an alert to resolve); otherwise at the next moment that can change it.
    due_now = look_now and state is not None and bool(alerts_until(facts, policy, now))
    next_look = now if due_now else next_alert_moment(facts, policy, now, state)
    first = facts.first_assessment()
    triage = facts.triage_at(now)
    regional = state.regional if state else None
    booking = booking_in_force(facts, now)
    row = {
        "contact_id": facts.contact_id,
        "patient": facts.patient,
        "unit": facts.unit,
        "listed_unit": listed_unit_of(facts, now),
        "channel": facts.channel,
        "profession": triage.profession if triage else None,
        "sought_at": facts.sought_at,
        "deadline": state.deadline if state else None,
        "status": state.status if state else None,
        "status_reason": state.reason if state else None,
        "facts": json.dumps(facts.to_json(), default=_iso),
        "next_alert_at": next_look,
        "assessed_at": first.at if first else None,
        "assessment_profession": first.profession if first else None,
        "assessment_form": first.contact_form if first else None,
        "patient_chose_to_wait": any(b.earlier_offered for b in facts.bookings.values()),
        "last_traceparent": traceparent,
        "updated_at": now,
        "last_event_at": event_at,
        "listing": state.listing if state else None,
        "sex": facts.sex,
        "age_group": facts.age_group,
        "registered_at": facts.registered_at,
        "contact_same_day": contact_same_day(facts),
        "regional_days": regional.days if regional else None,
        "regional_deadline": regional.deadline if regional else None,
        "regional_status": regional.status if regional else None,
        "regional_reason": regional.reason if regional else None,
        "booking_id": booking.id if booking else None,
        "booking_start": booking.start if booking else None,
        "booking_end": booking.end if booking else None,
        "closed_at": facts.closed_at,
    }
    return tuple(row[name] for name in _NAMES)


def _iso(value):
    return value.isoformat()
