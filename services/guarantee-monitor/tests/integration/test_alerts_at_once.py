"""Alerts that cannot wait for the next tier, against real Kafka and PostgreSQL: a booking after the deadline, a
booked time inside it cancelled or missed, and a new triage that makes the guarantee apply (issue 12, finding 4).

The monitor's clock stands still at NOW, a day before the first tier, so any alert seen came at once."""

import asyncio
from datetime import timedelta

from monitor_support import Contact, publish, staff_headers, wait_for

from conftest import NOW, START

TIER_48 = START.replace(hour=0) + timedelta(days=2)  # deadline (end of Thursday) less 48 hours: Wednesday 00:00


async def alerts_of(monitor, contact):
    return await monitor.fetch(
        "SELECT key, kind, level, at, reason FROM alerts WHERE contact_id = $1 ORDER BY id", contact.id
    )


async def settled_alerts(monitor, contact, count=1):
    """The contact's alerts once there are `count`, and a second later (a duplicate would show by then)."""
    await wait_for(lambda: _at_least(monitor, contact, count), within=30)
    await asyncio.sleep(1)
    return await alerts_of(monitor, contact)


async def _at_least(monitor, contact, count):
    return len(await alerts_of(monitor, contact)) >= count


async def outbox_events(monitor, contact):
    rows = await monitor.fetch(
        "SELECT convert_from(value, 'UTF8')::jsonb ->> 'type' AS type FROM outbox WHERE message_key = $1 ORDER BY id",
        contact.patient,
    )
    return [row["type"] for row in rows]


async def test_a_booking_after_the_deadline_alerts_at_once_not_at_the_next_tier(monitor, kafka_bootstrap):
    contact = Contact(START)
    booked_at = START + timedelta(minutes=20)

    await publish(
        kafka_bootstrap,
        contact,
        contact.registered(),
        contact.booked("late-1", START + timedelta(days=6), booked_at),
        repeat=3,
    )
    alerts = await settled_alerts(monitor, contact)

    assert NOW < TIER_48 and monitor.clock.now() == NOW
    assert [(a["key"], a["kind"], a["at"]) for a in alerts] == [("late_booking:late-1", "at_risk", booked_at)]
    assert alerts[0]["reason"] == "Tiden som bokades ligger efter vårdgarantins gräns"
    assert await outbox_events(monitor, contact) == ["se.nara.guarantee.at_risk.v1"]  # on Kafka, once
    view = (await monitor.client.get(f"/api/v1/clocks/{contact.id}", headers=staff_headers())).json()
    assert view["status"] == "at_risk" and [a["key"] for a in view["alerts"]] == ["late_booking:late-1"]


async def test_a_booked_time_inside_the_deadline_that_is_cancelled_or_missed_alerts_at_once(monitor, kafka_bootstrap):
    cancelled, missed = Contact(START), Contact(START)
    await publish(
        kafka_bootstrap,
        cancelled,
        cancelled.registered(),
        cancelled.booked("in-1", START + timedelta(days=1), START + timedelta(minutes=10)),
        cancelled.cancelled("in-1", START + timedelta(minutes=30)),
        repeat=2,
    )
    await publish(
        kafka_bootstrap,
        missed,
        missed.registered(),
        missed.booked("in-2", START + timedelta(minutes=30), START + timedelta(minutes=5)),
        missed.no_show("in-2", START + timedelta(minutes=55)),
        repeat=2,
    )

    after_cancel, after_no_show = await settled_alerts(monitor, cancelled), await settled_alerts(monitor, missed)

    assert [(a["key"], a["at"]) for a in after_cancel] == [("cancelled:in-1", START + timedelta(minutes=30))]
    assert [(a["key"], a["at"]) for a in after_no_show] == [("no_show:in-2", START + timedelta(minutes=55))]
    assert after_cancel[0]["reason"] == "En bokad tid inom vårdgarantin avbokades"
    assert after_no_show[0]["level"] == "warning"  # more than eight hours left


async def test_a_new_triage_that_makes_the_guarantee_apply_alerts_at_once(monitor, kafka_bootstrap):
    contact = Contact(START)
    override_at = START + timedelta(minutes=40)
    await publish(
        kafka_bootstrap,
        contact,
        contact.registered(),
        contact.triaged(START + timedelta(minutes=5), guarantee_applies=False),
    )
    await wait_for(lambda: _status(monitor, contact, "not_covered"))

    await publish(kafka_bootstrap, contact, contact.triaged(override_at), repeat=3)
    alerts = await settled_alerts(monitor, contact)

    assert [(a["key"].split(":")[0], a["at"]) for a in alerts] == [("covered", override_at)]
    assert alerts[0]["reason"] == "Ny triagering: vårdgarantin gäller nu för kontakten"
    assert await _status(monitor, contact, "at_risk")


async def test_an_alert_at_once_is_resolved_when_a_time_inside_the_deadline_is_booked(monitor, kafka_bootstrap):
    contact = Contact(START)
    await publish(
        kafka_bootstrap,
        contact,
        contact.registered(),
        contact.booked("late-2", START + timedelta(days=6), START + timedelta(minutes=20)),
    )
    await settled_alerts(monitor, contact)

    await publish(
        kafka_bootstrap, contact, contact.booked("in-3", START + timedelta(days=1), START + timedelta(minutes=50))
    )
    alerts = await settled_alerts(monitor, contact, 2)

    assert [a["key"] for a in alerts] == ["late_booking:late-2", "resolved:late_booking:late-2"]
    assert await _status(monitor, contact, "on_track")


async def _status(monitor, contact, status):
    rows = await monitor.fetch("SELECT status FROM clocks WHERE contact_id = $1", contact.id)
    return bool(rows) and rows[0]["status"] == status
