"""The counts on /ops follow the clocks (issue 12, finding 5: "Bedömd 0" two minutes after two assessments).

Two causes, each shown here against real Kafka and PostgreSQL: a contact registered with no listed unit (every
console, phone and walk-in contact) was not covered, so its assessment never made it "Bedömd"; and a stored
status was recomputed only at alert tiers, so an assessment recorded for a minute or two ahead of the monitor's
clock (triage accepts up to five) left the clock at risk until the next tier, perhaps a day later.
"""

import re
import uuid
from datetime import timedelta

import httpx
from monitor_support import Contact, publish, staff_headers, wait_for

from conftest import NOW, START
from nara.shared.identity import issue_dev_token

STATUSES = ["on_track", "at_risk", "breached", "assessed", "not_covered", "patient_chosen_wait"]


def own_unit() -> str:
    return f"SE2321000115-E{uuid.uuid4().hex[:11].upper()}"


async def api_counts(monitor, unit) -> dict[str, int]:
    clocks = (
        await monitor.client.get("/api/v1/clocks", params={"unit": unit, "limit": 1000}, headers=staff_headers([unit]))
    ).json()
    return {status: sum(c["status"] == status for c in clocks) for status in STATUSES}


async def page_counts(monitor, unit) -> dict[str, int]:
    cookie = {"nara_ops": issue_dev_token("ops", "SE2321000115-P000000701", units=[unit])}
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=monitor.app), base_url="http://monitor", cookies=cookie
    ) as logged_in:
        response = await logged_in.get("/ops/lista")
    assert response.status_code == 200, response.text
    return {status: int(number) for status, number in re.findall(r'data-count="([a-z_]+)">(\d+)<', response.text)}


async def status_of(monitor, contact):
    rows = await monitor.fetch("SELECT status FROM clocks WHERE contact_id = $1", contact.id)
    return rows[0]["status"] if rows else None


async def test_console_contacts_with_no_listed_unit_are_counted_as_assessed(monitor, kafka_bootstrap):
    unit = own_unit()
    contacts = [Contact(START, listed_unit=None, unit=unit) for _ in range(2)]  # as the console registers them
    for contact in contacts:
        await publish(kafka_bootstrap, contact, contact.registered(), contact.assessed(START + timedelta(minutes=30)))

    await wait_for(lambda: _all_in(monitor, contacts, "assessed"))

    assert (await page_counts(monitor, unit))["assessed"] == 2
    assert await page_counts(monitor, unit) == await api_counts(monitor, unit)


async def test_an_assessment_recorded_a_few_minutes_ahead_is_counted_when_its_minute_comes(monitor, kafka_bootstrap):
    unit = own_unit()
    contact = Contact(START, unit=unit)
    assessed_at = NOW + timedelta(minutes=3)
    await publish(kafka_bootstrap, contact, contact.registered(), contact.assessed(assessed_at))
    await wait_for(lambda: _assessment_known(monitor, contact))
    before = await page_counts(monitor, unit)

    monitor.clock.set(assessed_at + timedelta(seconds=30))
    await wait_for(lambda: _all_in(monitor, [contact], "assessed"), within=10)

    assert (before["at_risk"], before["assessed"]) == (1, 0)  # not yet: the assessment's minute had not come
    assert (await page_counts(monitor, unit))["assessed"] == 1, "counted at once, not at the next tier"
    assert await page_counts(monitor, unit) == await api_counts(monitor, unit)


async def _all_in(monitor, contacts, status):
    return all([await status_of(monitor, contact) == status for contact in contacts])


async def _assessment_known(monitor, contact):
    """The monitor has applied the assessment event (its facts hold it), whatever status it stored."""
    rows = await monitor.fetch(
        "SELECT jsonb_array_length(facts -> 'assessments') AS n FROM clocks "
        "WHERE contact_id = $1 AND status IS NOT NULL",
        contact.id,
    )
    return bool(rows) and rows[0]["n"] == 1
