"""Object-level access on every endpoint of the monitor's API (issue 13, finding 4; OWASP API1), against real
Kafka and PostgreSQL.

Unit A has a contact with a clock and an alert, and an assessed contact in the compliance and the national
report. Every GET path of the OpenAPI (so a new one is walked too) is asked, once naming A's objects (its
contact, its unit) and once without, by staff of unit B in every role and by a citizen: one naming A's objects
answers 401, 403 or 404; one that does not answers so, or with no trace of A (its unit, contact ids or
pseudonyms). A refusal may echo the caller's own request (`instance`), nothing more. Staff of A see them, so the walk
would notice a fixture that shows nothing to anyone.
"""

import uuid
from datetime import timedelta

import pytest
from monitor_support import Contact, open_stream, publish, staff_headers, wait_for

from conftest import START
from nara.shared.events.models import WaitlistOffered
from nara.shared.identity import issue_dev_token

UNIT_B = "SE2321000115-E00000000013"
ROLES = ("reception", "clinician", "ops", "admin")


@pytest.fixture
async def unit_a(monitor, kafka_bootstrap):
    """A unit of this run's own (the topics keep earlier runs), with an at-risk contact that has an alert and
    an assessed one; returns the unit and what must not show elsewhere."""
    unit = f"SE2321000115-E{uuid.uuid4().hex[:11].upper()}"
    late, assessed = Contact(START, unit=unit), Contact(START, unit=unit)
    await publish(
        kafka_bootstrap,
        late,
        late.registered(),
        late.booked("walk-late", START + timedelta(days=6), START + timedelta(minutes=20)),
    )
    await publish(kafka_bootstrap, assessed, assessed.registered(), assessed.assessed(START + timedelta(minutes=30)))
    await publish(kafka_bootstrap, late, _offered(late, unit))  # the waitlist's offers per unit (issue 18)
    await wait_for(lambda: _ready(monitor, late, assessed), within=60)
    alert_id = (await monitor.fetch("SELECT id FROM alerts WHERE contact_id = $1", late.id))[0]["id"]
    return unit, late, (unit, late.id, late.patient, assessed.id, assessed.patient), alert_id


def _offered(contact, unit):
    data = WaitlistOffered(
        entry_id=str(uuid.uuid4()),
        contact_id=contact.id,
        patient=contact.patient,
        offer_id=str(uuid.uuid4()),
        slot_id=str(uuid.uuid4()),
        unit=unit,
        profession="nurse",
        slot_start=START + timedelta(days=1),
        national_deadline=START + timedelta(days=3),
        standing="at_risk",
        offered_at=START + timedelta(minutes=40),
        hold_until=START + timedelta(minutes=55),
    )
    return data, START + timedelta(minutes=40)


async def _ready(monitor, late, assessed):
    alerts = await monitor.fetch("SELECT 1 FROM alerts WHERE contact_id = $1", late.id)
    done = await monitor.fetch("SELECT 1 FROM clocks WHERE contact_id = $1 AND status = 'assessed'", assessed.id)
    offered = await monitor.fetch("SELECT 1 FROM waitlist_offer_outcomes WHERE unit = $1", late.unit)
    return bool(alerts and done and offered)


def callers(unit_a: str) -> dict[str, dict[str, str]]:
    others = {f"{role} at B": staff_headers((UNIT_B,), role=role) for role in ROLES}
    citizen = issue_dev_token("citizen", "19121212-1212")
    return {**others, "citizen": {"Authorization": f"Bearer {citizen}"}, "owner": staff_headers((unit_a,))}


def requests_for(openapi: dict, unit: str, contact_id: str) -> list[tuple[str, str, dict, bool]]:
    """(operation, path, query, names A's objects) for every GET of the API, each parameter filled with A's."""
    values = {
        "contact_id": contact_id,
        "unit": unit,
        "month": START.strftime("%Y-%m"),
        "from": "2026-11-01T00:00:00+01:00",
        "to": "2026-12-01T00:00:00+01:00",
        "include_small_groups": "true",
    }
    found = []
    for template, operations in openapi["paths"].items():
        if not template.startswith("/api/"):
            continue
        parameters = operations["get"].get("parameters", [])
        path = template.replace("{contact_id}", contact_id)
        query = {p["name"]: values[p["name"]] for p in parameters if p["in"] == "query" and p["name"] in values}
        names_a = "{" in template or "unit" in query
        found.append((template, path, query, names_a))
        if "unit" in query:  # and once without naming the unit: the caller's own units
            found.append((template, path, {k: v for k, v in query.items() if k != "unit"}, False))
    return found


async def test_every_endpoint_shows_another_unit_nothing(monitor, unit_a):
    """Issue 13, finding 4 (OWASP API1): staff of another unit, in every role, and a citizen never see unit A's
    clocks, alerts, compliance or national report, whether they name A's objects or not."""
    unit, late, secrets, alert_id = unit_a
    walk = requests_for(monitor.app.openapi(), unit, late.id)
    leaks, owner_blind, walked = [], [], 0
    for name, headers in callers(unit).items():
        for template, path, query, names_a in walk:
            if template.endswith("/stream"):
                status, text = await open_stream(
                    monitor.app,
                    path,
                    headers,
                    {"last-event-id": str(alert_id - 1)},
                    query="&".join(f"{k}={v}" for k, v in query.items()),
                )
            else:
                response = await monitor.client.get(path, params=query, headers=headers)
                status, text = response.status_code, response.text
            walked += 1
            shown = [secret for secret in secrets if secret in text]
            if name == "owner":
                if status != 200 or not shown:
                    owner_blind.append(f"{template} {query}: {status} {text[:200]}")
            elif status not in (401, 403, 404) and (names_a or status != 200 or shown):
                leaks.append(f"{name}: {template} {query}: {status} shows {shown}: {text[:200]}")
    assert not leaks, "\n".join(leaks)
    assert not owner_blind, "the owner must see A's objects:\n" + "\n".join(owner_blind)
    assert {t for t, *_ in walk} == {p for p in monitor.app.openapi()["paths"] if p.startswith("/api/")}
    assert walked == len(walk) * 6 and len(walk) >= 12


async def test_the_operations_page_shows_another_unit_nothing(monitor, unit_a):
    """Issue 13, finding 4 on /ops: staff of B logged in to /ops, asking for A by name, see none of A."""
    unit, late, secrets, _ = unit_a
    cookie = {"nara_ops": issue_dev_token("ops", "SE2321000115-P000000701", units=[UNIT_B])}
    own = {"nara_ops": issue_dev_token("ops", "SE2321000115-P000000701", units=[unit])}
    seen = {}
    for path in (
        "/ops",
        f"/ops?enhet={unit}",
        f"/ops/lista?enhet={unit}",
        f"/ops/uppfyllnad.csv?unit={unit}",
        "/ops/uppfyllnad.csv?from=2026-11-01T00:00:00%2B01:00",
    ):
        monitor.client.cookies = cookie
        response = await monitor.client.get(path)
        seen[path] = (response.status_code, [s for s in secrets if s in response.text])
    monitor.client.cookies = own
    owner = await monitor.client.get(f"/ops/lista?enhet={unit}")
    monitor.client.cookies = {}

    assert seen.pop(f"/ops/uppfyllnad.csv?unit={unit}")[0] == 403  # its page names only the unit asked for
    assert all(status == 200 and not shown for status, shown in seen.values()), seen
    assert owner.status_code == 200 and late.patient in owner.text
