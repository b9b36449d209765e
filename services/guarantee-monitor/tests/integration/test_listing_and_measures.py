"""Where the patient is listed, and a regional limit beside the national one, against real Kafka and PostgreSQL
(issue 12, findings 1 and 3)."""

import uuid
from datetime import datetime, timedelta

import pytest
from monitor_support import Contact, publish, staff_headers, wait_for

from conftest import NOW, START, running_monitor
from nara.shared.clock import SettableClock

OTHER_UNIT = "SE2321000115-E00000000013"
NATIONAL_DEADLINE = START.replace(hour=0) + timedelta(days=4)  # Monday 23 November: by the end of Thursday
REGIONAL_DEADLINE = START.replace(hour=0) + timedelta(days=8)  # physiotherapist 7 days: by the end of 30 November


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


async def view(monitor, contact):
    response = await monitor.client.get(f"/api/v1/clocks/{contact.id}", headers=staff_headers([contact.unit]))
    return response.json() if response.status_code == 200 else None


async def view_with(monitor, contact, status):
    found = await view(monitor, contact)
    return found if found and found["status"] == status else None


async def alert_keys(monitor, contact):
    rows = await monitor.fetch("SELECT key FROM alerts WHERE contact_id = $1 ORDER BY at, id", contact.id)
    return [row["key"] for row in rows]


async def test_a_contact_is_dropped_only_when_listed_at_another_unit_and_an_unknown_listing_is_flagged(
    monitor, kafka_bootstrap
):
    here = Contact(START, listing="here")
    elsewhere = Contact(START, listed_unit=OTHER_UNIT, listing="elsewhere")
    unknown = Contact(START, listed_unit=None, listing="unknown")
    older_event = Contact(START, listed_unit=None)  # before triage said `listing`: as the console registered them
    for contact in (here, elsewhere, unknown, older_event):
        await publish(kafka_bootstrap, contact, contact.registered())

    seen = {
        name: await wait_for(lambda c=contact, s=status: view_with(monitor, c, s))
        for name, contact, status in (
            ("here", here, "at_risk"),
            ("elsewhere", elsewhere, "not_covered"),
            ("unknown", unknown, "at_risk"),
            ("older", older_event, "at_risk"),
        )
    }
    flagged = await monitor.client.get(
        "/api/v1/clocks", params={"listing": "unknown", "limit": 1000}, headers=staff_headers()
    )

    assert {name: (v["listing"], v["listing_unknown"]) for name, v in seen.items()} == {
        "here": ("here", False),
        "elsewhere": ("elsewhere", False),
        "unknown": ("unknown", True),
        "older": ("unknown", True),
    }
    assert seen["elsewhere"]["reason"] == "Listad på en annan vårdcentral"
    assert {unknown.id, older_event.id} <= {c["contact_id"] for c in flagged.json()}
    assert all(c["listing_unknown"] for c in flagged.json())

    monitor.clock.set(NATIONAL_DEADLINE - timedelta(hours=48))
    await wait_for(lambda: alert_keys(monitor, older_event), within=10)
    assert await alert_keys(monitor, older_event) == ["at_risk:48"]  # on the clock like any covered contact
    assert await alert_keys(monitor, elsewhere) == []


@pytest.fixture
async def halland_monitor(infrastructure, monitor_schema):
    """A monitor with Region Halland's limit for physiotherapists, 7 days, as every service reads it."""
    async with running_monitor(
        infrastructure,
        monitor_schema,
        SettableClock(NOW),
        f"halland-{uuid.uuid4().hex[:8]}",
        care_guarantee_policy='{"days_by_profession": {"physiotherapist": 7}}',
    ) as monitor:
        yield monitor


async def test_a_regional_limit_is_a_second_measure_and_never_hides_the_national_breach(
    halland_monitor, kafka_bootstrap
):
    monitor = halland_monitor
    kept_regional = Contact(START)  # booked on day 5: too late for the national 3 days, inside the regional 7
    waiting = Contact(START)
    await publish(
        kafka_bootstrap,
        kept_regional,
        kept_regional.registered(),
        kept_regional.triaged(START + timedelta(minutes=5), "physiotherapist"),
        kept_regional.booked("day-5", START + timedelta(days=5), START + timedelta(minutes=10)),
    )
    await publish(
        kafka_bootstrap, waiting, waiting.registered(), waiting.triaged(START + timedelta(minutes=5), "physiotherapist")
    )
    first = await wait_for(lambda: _regional(monitor, kept_regional, "on_track"))  # the booking is on its own topic

    national, regional = first["measures"]["national"], first["measures"]["regional"]
    assert (national["days"], moment(national["deadline"]), national["status"]) == (3, NATIONAL_DEADLINE, "at_risk")
    assert (regional["days"], moment(regional["deadline"]), regional["status"]) == (7, REGIONAL_DEADLINE, "on_track")
    assert first["deadline"] == national["deadline"], "the clock's own deadline is the national one"

    monitor.clock.set(NATIONAL_DEADLINE)
    await wait_for(lambda: view_with(monitor, kept_regional, "breached"), within=10)
    monitor.clock.set(REGIONAL_DEADLINE - timedelta(hours=48))
    await wait_for(lambda: _has(monitor, waiting, "regional:at_risk:48"), within=10)

    assert "breached" in await alert_keys(monitor, kept_regional)
    assert not [k for k in await alert_keys(monitor, kept_regional) if k.startswith("regional:")]
    assert await alert_keys(monitor, waiting) == [
        "at_risk:48",
        "at_risk:24",
        "at_risk:8",
        "breached",
        "regional:at_risk:48",
    ]
    breached = (await view(monitor, waiting))["measures"]
    assert (breached["national"]["status"], breached["regional"]["status"]) == ("breached", "at_risk")
    assert await _alert_measures(monitor, waiting) == ["national"] * 4 + ["regional"], "each event names its limit"


async def _alert_measures(monitor, contact):
    rows = await monitor.fetch(
        "SELECT convert_from(value, 'UTF8')::jsonb -> 'data' ->> 'measure' AS measure FROM outbox "
        "WHERE topic = 'nara.guarantee-alerts.v1' AND message_key = $1 ORDER BY id",
        contact.patient,
    )
    return [row["measure"] for row in rows]


async def _regional(monitor, contact, status):
    found = await view(monitor, contact)
    regional = found and found["measures"]["regional"]
    return found if regional and regional["status"] == status else None


async def _has(monitor, contact, key):
    return key in await alert_keys(monitor, contact)


async def test_the_console_reads_the_booked_time_and_only_open_contacts(monitor, kafka_bootstrap):
    unit = f"SE2321000115-E{uuid.uuid4().hex[:11].upper()}"
    booked, assessed, closed = (Contact(START, unit=unit) for _ in range(3))
    start = START + timedelta(days=1)
    await publish(
        kafka_bootstrap, booked, booked.registered(), booked.booked("kept", start, START + timedelta(minutes=5))
    )
    await publish(kafka_bootstrap, assessed, assessed.registered(), assessed.assessed(START + timedelta(minutes=30)))
    await publish(kafka_bootstrap, closed, closed.registered(), closed.closed(START + timedelta(minutes=20)))
    await wait_for(lambda: view_with(monitor, booked, "on_track"))
    await wait_for(lambda: view_with(monitor, closed, "not_covered"))
    await wait_for(lambda: view_with(monitor, assessed, "assessed"))

    queue = await monitor.client.get(
        "/api/v1/clocks", params={"unit": unit, "open": "true"}, headers=staff_headers([unit])
    )
    everything = await monitor.client.get("/api/v1/clocks", params={"unit": unit}, headers=staff_headers([unit]))

    assert [c["contact_id"] for c in queue.json()] == [booked.id]
    assert len(everything.json()) == 3
    booking = queue.json()[0]["booking"]
    assert booking["appointment_id"] == "kept" and moment(booking["start"]) == start
    assert next(c for c in everything.json() if c["contact_id"] == assessed.id)["booking"] is None
