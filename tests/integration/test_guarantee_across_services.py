"""One care guarantee across the three services (issue 12), on real PostgreSQL and Kafka with real HTTP between them.

Booking, triage and the guarantee monitor run in this process, each served by uvicorn on a port of its own, all on
one settable clock: the test can live through a contact's three days in seconds, where real processes would have to
wait them out. The region's policy (physiotherapists 7 days) reaches the three through NARA_CARE_GUARANTEE_POLICY,
as './nara run' gives it to them.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, time, timedelta
from functools import partial
from pathlib import Path

import asyncpg
import httpx
import pytest
import uvicorn
from playwright.async_api import Page, expect

from nara.booking.app import create_app as create_booking
from nara.booking.settings import BookingSettings
from nara.devstack import demo_month, testing
from nara.devstack.browser import load_beside
from nara.devstack.processes import free_port
from nara.devstack.testing import scratch_schema
from nara.guarantee_monitor.app import create_app as create_monitor
from nara.guarantee_monitor.settings import GuaranteeMonitorSettings
from nara.shared.care_guarantee import CareGuaranteePolicy
from nara.shared.clock import STOCKHOLM, SettableClock, to_stockholm
from nara.shared.identity import issue_dev_token
from nara.shared.redaction import redact_personnummer
from nara.triage.app import create_app as create_triage
from nara.triage.settings import TriageSettings

ROOT = Path(__file__).resolve().parents[2]
REGION_POLICY = '{"days_by_profession": {"physiotherapist": 7}}'
FALKENBERG = "SE2321000115-E00000000011"
OSKARSTROM = "SE2321000115-E00000000012"
RECEPTIONIST = "SE2321000115-P000000301"
CLINICIAN = "SE2321000115-P000000101"
# Back pain for eight weeks, no red flag: a physiotherapist within 3 days (guidelines, back_pain.long_standing).
BACK_PAIN = {
    "cauda_equina": False,
    "leg_weakness": False,
    "sudden_severe": False,
    "injury": "none",
    "cancer": False,
    "radiating_leg": False,
    "can_move": True,
    "weeks": 8,
    "fever": False,
    "immunosuppressed": False,
    "sepsis_signs": False,
    "non_blanching_rash": False,
    "new_confusion": False,
    "stiff_neck": False,
}
BACK_PAIN_IN_THE_CONSOLE = {"injury": "Nej, eller efter ett lyft eller en vridning", "weeks": "8"}


@dataclass
class Stack:
    booking: str
    triage: str
    monitor: str
    clock: SettableClock
    booking_database: str
    monitor_database: str


def next_monday_morning(now: datetime) -> datetime:
    """A Monday 09:00 in Stockholm: day 3 is a Thursday, when the demo physiotherapist works, whatever today is."""
    local = to_stockholm(now)
    monday = local.date() + timedelta(days=(7 - local.weekday()) % 7 or 7)
    return datetime.combine(monday, time(9, 0), STOCKHOLM).astimezone(UTC)


@asynccontextmanager
async def serving(app, port: int):
    # No log_config or log_level: uvicorn would otherwise reconfigure the process's loggers for every later test.
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="on", log_config=None, log_level=None)
    )
    task = asyncio.create_task(server.serve())
    async with asyncio.timeout(90):
        while not server.started:
            if task.done():
                task.result()
                raise RuntimeError(f"the service on port {port} stopped at start")
            await asyncio.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@pytest.fixture(scope="module")
async def stack(infrastructure):
    run = uuid.uuid4().hex[:8]
    clock = SettableClock(next_monday_morning(datetime.now(UTC)))
    ports = {name: free_port() for name in ("booking", "triage", "monitor")}
    url = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    kafka = infrastructure.kafka_bootstrap_servers
    with pytest.MonkeyPatch.context() as environment:
        environment.setenv("NARA_CARE_GUARANTEE_POLICY", REGION_POLICY)
        async with (
            scratch_schema(infrastructure.database_urls["booking"], prefix="booking") as booking_db,
            scratch_schema(infrastructure.database_urls["triage"], prefix="triage") as triage_db,
            scratch_schema(infrastructure.database_urls["guarantee-monitor"], prefix="monitor") as monitor_db,
        ):
            monitor = create_monitor(
                GuaranteeMonitorSettings(
                    database_url=monitor_db,
                    kafka_bootstrap_servers=kafka,
                    consumer_group=f"guarantee-e2e-{run}",
                    scheduler_interval_seconds=0.1,
                ),
                clock=clock,
            )
            booking = create_booking(
                BookingSettings(
                    database_url=booking_db,
                    kafka_bootstrap_servers=kafka,
                    load_demo_data=True,
                    triage_url=url["triage"],
                    contacts_consumer_group=f"guarantee-e2e-booking-{run}",
                ),
                clock=clock,
            )
            triage = create_triage(
                TriageSettings(
                    database_url=triage_db,
                    kafka_bootstrap_servers=kafka,
                    booking_url=url["booking"],
                    guarantee_monitor_url=url["monitor"],
                ),
                clock=clock,
            )
            async with (
                serving(monitor, ports["monitor"]),
                serving(booking, ports["booking"]),
                serving(triage, ports["triage"]),
            ):
                yield Stack(url["booking"], url["triage"], url["monitor"], clock, booking_db, monitor_db)


def staff(role: str, units=(FALKENBERG,), hsa_id: str = RECEPTIONIST) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_dev_token(role, hsa_id, list(units))}"}


def new_personnummer(serial: int | None = None) -> str:
    """A valid personnummer of a 45-year-old nobody else in the run uses."""
    import random

    body = f"81{random.randrange(1, 13):02d}{random.randrange(1, 29):02d}{serial or random.randrange(1, 1000):03d}"
    digits = [int(d) * (2 - i % 2) for i, d in enumerate(body)]
    check = (10 - sum(d // 10 + d % 10 for d in digits) % 10) % 10
    return f"19{body[:6]}-{body[6:]}{check}"


async def call(base: str, method: str, path: str, headers: dict, **kwargs) -> httpx.Response:
    async with httpx.AsyncClient(base_url=base, timeout=15) as client:
        return await client.request(method, path, headers=headers, **kwargs)


async def eventually(probe, what: str):
    """The first truthy answer of `probe`; events travel through Kafka, so the other services hear of them later."""
    return await testing.eventually(probe, what=what, within_seconds=90, every_seconds=0.2)


async def clock_of(stack: Stack, contact_id: str, units=(FALKENBERG,), **wanted) -> dict | None:
    found = await call(stack.monitor, "GET", f"/api/v1/clocks/{contact_id}", staff("ops", units))
    if found.status_code != 200:
        return None
    view = found.json()
    return view if all(view.get(key) == value for key, value in wanted.items()) else None


async def register(
    stack: Stack, patient: str, unit: str = FALKENBERG, key: str | None = None, **extra
) -> httpx.Response:
    headers = {**staff("reception", (unit,)), **({"Idempotency-Key": key} if key else {})}
    return await call(
        stack.triage,
        "POST",
        "/api/v1/contacts",
        headers,
        json={"patient": patient, "unit": unit, "channel": "phone_unit", "reason_code": "back_pain", **extra},
    )


async def test_the_three_services_agree_on_the_national_deadline_and_the_regional_limit_beside_it(stack):
    registered = await register(stack, new_personnummer(), listed_unit=FALKENBERG)
    assert registered.status_code == 201, registered.text
    contact_id = registered.json()["id"]
    triaged = await call(
        stack.triage, "POST", f"/api/v1/contacts/{contact_id}/triage", staff("reception"), json={"answers": BACK_PAIN}
    )
    assert triaged.status_code == 200, triaged.text
    assert triaged.json()["decision"]["profession"] == "physiotherapist"

    sought = stack.clock.now()
    expected = CareGuaranteePolicy.from_json(REGION_POLICY)
    national, regional = expected.national_deadline(sought), expected.regional_deadline(sought, "physiotherapist")
    assert (to_stockholm(national).date() - to_stockholm(sought).date()).days == 3 + 1  # midnight after day 3
    assert regional is not None and regional - national == timedelta(days=4)

    in_triage = (await call(stack.triage, "GET", f"/api/v1/contacts/{contact_id}", staff("reception"))).json()
    triage_measures = {m["kind"]: m for m in in_triage["guarantee_measures"]}
    monitor = await eventually(lambda: clock_of(stack, contact_id, profession="physiotherapist"), "the monitor's clock")
    booking = await asyncpg.connect(stack.booking_database)
    try:
        in_booking = await eventually(
            lambda: booking.fetchval("SELECT guarantee_deadline FROM contacts WHERE contact_id = $1", contact_id),
            "booking's contact",
        )
    finally:
        await booking.close()

    assert {
        datetime.fromisoformat(in_triage["guarantee_deadline"]),
        in_booking,
        datetime.fromisoformat(triage_measures["national"]["deadline"]),
        datetime.fromisoformat(monitor["deadline"]),
        datetime.fromisoformat(monitor["measures"]["national"]["deadline"]),
    } == {national}
    assert {
        datetime.fromisoformat(triage_measures["regional"]["deadline"]),
        datetime.fromisoformat(monitor["measures"]["regional"]["deadline"]),
    } == {regional}
    assert (triage_measures["national"]["days"], monitor["measures"]["national"]["days"]) == (3, 3)
    assert (triage_measures["regional"]["days"], monitor["measures"]["regional"]["days"]) == (7, 7)


async def test_a_listing_here_elsewhere_or_unknown_reaches_the_monitors_clock(stack):
    admin = staff("admin", (FALKENBERG, OSKARSTROM), hsa_id="SE2321000115-P000000999")
    listed_here, listed_elsewhere, unknown = new_personnummer(), new_personnummer(), new_personnummer()
    for patient, unit in ((listed_here, FALKENBERG), (listed_elsewhere, OSKARSTROM)):
        saved = await call(stack.triage, "PUT", "/api/v1/listings", admin, json={"patient": patient, "unit": unit})
        assert saved.status_code in (200, 201), saved.text

    here, elsewhere, flagged = [(await register(stack, p)).json() for p in (listed_here, listed_elsewhere, unknown)]
    assert (here["listing"], elsewhere["listing"], flagged["listing"]) == ("here", "elsewhere", "unknown")

    here_clock = await eventually(lambda: clock_of(stack, here["id"], listing="here"), "the listed contact's clock")
    assert here_clock["status"] == "at_risk" and not here_clock["listing_unknown"]  # on the clock: no time yet
    elsewhere_clock = await eventually(
        lambda: clock_of(stack, elsewhere["id"], status="not_covered"), "the clock of the contact listed elsewhere"
    )
    assert elsewhere_clock["reason"] == "Listad på en annan vårdcentral"
    flagged_clock = await eventually(lambda: clock_of(stack, flagged["id"], listing="unknown"), "the flagged clock")
    assert flagged_clock["status"] == "at_risk" and flagged_clock["listing_unknown"], "covered, and flagged"

    # Reception resolves the unknown listing: the monitor hears of it by the listing_resolved event.
    resolved = await call(
        stack.triage, "PUT", "/api/v1/listings", staff("reception"), json={"patient": unknown, "unit": FALKENBERG}
    )
    assert resolved.status_code in (200, 201), resolved.text
    after = await eventually(lambda: clock_of(stack, flagged["id"], listing="here"), "the resolved listing")
    assert not after["listing_unknown"] and after["status"] == "at_risk"


async def test_a_retried_registration_makes_one_contact_and_one_clock(stack):
    patient, key = new_personnummer(), str(uuid.uuid4())
    first, retried = await register(stack, patient, key=key), await register(stack, patient, key=key)
    assert (first.status_code, retried.status_code) == (201, 201)
    assert first.json() == retried.json()
    reused = await register(stack, patient, key=key, reason_code="sore_throat")
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"

    clock = await eventually(lambda: clock_of(stack, first.json()["id"]), "the contact's clock")
    monitor = await asyncpg.connect(stack.monitor_database)
    try:
        await asyncio.sleep(2)  # a second registration event, had there been one, would have arrived by now
        clocks = await monitor.fetchval("SELECT count(*) FROM clocks WHERE patient = $1", clock["patient"])
    finally:
        await monitor.close()
    assert clocks == 1


async def test_the_demo_month_reaches_the_national_report_as_it_was_made(stack):
    # Not at Fyllinge: the /ops browser tests count on being alone there in a month.
    contacts = demo_month.plan(40, stack.clock.now(), seed=7, units={FALKENBERG: 60, OSKARSTROM: 40})
    made = await demo_month.make(stack.triage, contacts, seed=7)
    months = sorted({to_stockholm(c.assessed_at).strftime("%Y-%m") for c in contacts if c.assessed_at})
    assert len(made) == 40 and months

    async def agrees() -> bool:
        for month in months:
            groups, records = await demo_month.national_report(stack.monitor, month)
            if demo_month.check(month, made, groups, records):
                return False
        return True

    await eventually(agrees, "the report agreeing with the demo month")
    # The check itself catches a wrong figure: one contact's wait, told one day longer, is found out.
    pseudonym, contact = next(
        (p, c)
        for p, c in made.items()
        if c.assessed_at and to_stockholm(c.assessed_at).month == to_stockholm(c.assessed_at + timedelta(days=1)).month
    )
    month = to_stockholm(contact.assessed_at).strftime("%Y-%m")
    groups, records = await demo_month.national_report(stack.monitor, month)
    wrong = {**made, pseudonym: replace(contact, assessed_at=contact.assessed_at + timedelta(days=1))}
    assert any(pseudonym[:12] in problem for problem in demo_month.check(month, wrong, groups, records))


async def test_a_phone_contact_from_the_console_is_on_the_clock_alerted_booked_assessed_and_reported(stack, browser):
    steps = load_beside(str(ROOT / "services/triage/tests/browser/conftest.py"), "console_steps", "triage_browser")
    context = await browser.new_context(
        viewport={"width": 1280, "height": 800}, locale="sv-SE", timezone_id="Europe/Stockholm", base_url=stack.triage
    )
    page = await context.new_page()
    try:
        await _the_contacts_three_days(stack, steps, page)
    finally:
        await context.close()


async def _the_contacts_three_days(stack: Stack, steps, page: Page) -> None:
    ops, unit = staff("ops", (OSKARSTROM,), hsa_id="SE2321000115-P000000902"), (OSKARSTROM,)
    sought = stack.clock.now()

    # Monday 09:00: reception registers a phone call and triages it, with no listing given.
    await steps.log_in(page, units=unit)
    contact_id = await steps.register(page, new_personnummer(), reason="Ont i ryggen")
    stack.clock.advance(timedelta(minutes=4))
    asked = await page.locator("[data-question]").evaluate_all("blocks => blocks.map(b => b.dataset.question)")
    assert set(asked) <= set(BACK_PAIN), f"questions this test does not answer: {set(asked) - set(BACK_PAIN)}"
    await steps.answer(page, {q: BACK_PAIN_IN_THE_CONSOLE.get(q) or ("Ja" if BACK_PAIN[q] else "Nej") for q in asked})
    await page.get_by_role("button", name="Triagera").click()
    await page.wait_for_url(re.compile(rf"/console/kontakter/{contact_id}\?klart=triagerad"))
    await expect(page.locator("section.decision")).to_contain_text("Fysioterapeut")

    # On the clock at once: covered, flagged "listning okänd", with the regional 7 days beside the national 3.
    clock = await eventually(lambda: clock_of(stack, contact_id, unit, profession="physiotherapist"), "the clock")
    deadline = CareGuaranteePolicy.from_json(REGION_POLICY).national_deadline(sought)
    assert (clock["status"], clock["listing"], clock["channel"]) == ("at_risk", "unknown", "phone_unit")
    assert datetime.fromisoformat(clock["deadline"]) == deadline
    assert clock["measures"]["regional"]["days"] == 7
    await page.get_by_role("link", name="Kö", exact=True).click()
    row = page.locator(f"tr[data-contact-id='{contact_id}']")
    await expect(row.locator("[data-source=monitor]")).to_be_visible(timeout=25_000)
    await expect(row).to_contain_text("Ej bokad")
    await expect(row.locator("[data-listing=unknown]")).to_have_text("Listning okänd")

    # Tuesday and Wednesday nights pass with no time booked: the tier alerts, each once, on the national measure.
    for tier in (48, 24):
        stack.clock.set(deadline - timedelta(hours=tier) + timedelta(minutes=1))
        await eventually(partial(_alerted, stack, contact_id, unit, f"at_risk:{tier}"), f"the {tier} h alert")
    assert await _alert_events(stack, contact_id) == [("se.nara.guarantee.at_risk.v1", "national")] * 2

    # Thursday 07:00: reception books the physiotherapist's first time, inside the guarantee.
    stack.clock.set(deadline - timedelta(hours=17))
    await page.goto(f"/console/kontakter/{contact_id}")
    await page.get_by_role("button", name="Boka tid åt patienten").click()
    for _ in range(20):  # booking hears of the triage by Kafka; the page says so and offers to try again
        if await page.get_by_role("heading", name="Bokningen har inte fått beslutet än").count() == 0:
            break
        await page.get_by_role("button", name="Försök igen").click()
    first = page.locator(".choice").first
    await expect(first).to_contain_text("Inom vårdgarantin")
    await expect(first).to_contain_text("Fysioterapeut")
    await page.locator("input[name=tid]").first.check()
    await page.get_by_role("button", name="Boka tiden").click()
    await expect(page.get_by_role("heading", level=1)).to_have_text("Tiden är bokad")
    booked = await eventually(lambda: clock_of(stack, contact_id, unit, status="on_track"), "the booked clock")
    assert datetime.fromisoformat(booked["booking"]["end"]) <= deadline
    await eventually(lambda: _alerted(stack, contact_id, unit, "resolved:at_risk:24"), "the resolution")

    # At the visit a physiotherapist records the assessment: the clock stops on day 3.
    stack.clock.set(datetime.fromisoformat(booked["booking"]["start"]) + timedelta(minutes=30))
    await steps.log_out(page)
    await steps.log_in(page, role="Legitimerad personal", units=unit, hsa_id=CLINICIAN)
    await page.goto(f"/console/kontakter/{contact_id}")
    await page.get_by_role("button", name="Registrera medicinsk bedömning").click()
    await expect(page.get_by_label("Fysioterapeut", exact=True)).to_be_checked()  # the decision's profession
    await page.get_by_label("Mottagningsbesök", exact=True).check()
    await page.get_by_role("button", name="Registrera bedömningen").click()
    await expect(page.get_by_role("alert")).to_contain_text("Den medicinska bedömningen är registrerad")
    assessed = await eventually(lambda: clock_of(stack, contact_id, unit, status="assessed"), "the assessment")
    assert assessed["wait_days"] == 3

    # Counted in the national report for the month of the assessment, as the clocks have it.
    month = to_stockholm(stack.clock.now()).strftime("%Y-%m")
    records = _rows(await call(stack.monitor, "GET", "/api/v1/reports/skr/records", ops, params={"month": month}))
    [mine] = [r for r in records if r["pseudonym"] == assessed["patient"]]
    assert (mine["unit_hsa_id"], mine["profession"], mine["contact_form"], mine["wait_days"]) == (
        OSKARSTROM,
        "physiotherapist",
        "clinic",
        "3",
    )
    assert (mine["sought_date"], mine["assessment_date"]) == (
        to_stockholm(sought).date().isoformat(),
        to_stockholm(stack.clock.now()).date().isoformat(),
    )
    assert personnummer_free(records)
    groups = _rows(await call(stack.monitor, "GET", "/api/v1/reports/skr", ops, params={"month": month}))
    [total] = [g for g in groups if g["unit_hsa_id"] == OSKARSTROM and g["profession"] == "all"]
    unit_records = [r for r in records if r["unit_hsa_id"] == OSKARSTROM]
    assert len(unit_records) == await _assessed_clocks(stack, OSKARSTROM, month), "one record per assessed clock"
    if len(unit_records) < 20:  # a unit's total is a group too: published without its counts
        assert (total["hidden"], total["assessments"], total["within_3_days"]) == ("true", "", "")
    else:
        assert (total["hidden"], int(total["assessments"])) == ("false", len(unit_records))
    small = [g for g in groups if g["unit_hsa_id"] == OSKARSTROM and g["hidden"] == "true"]
    assert small and all(g["assessments"] == "" for g in small), "a group under 20 is published without its counts"
    await steps.shot(page, "e2e-assessed")


async def _alerted(stack: Stack, contact_id: str, units, key: str) -> bool:
    found = await call(stack.monitor, "GET", f"/api/v1/clocks/{contact_id}", staff("ops", units))
    return found.status_code == 200 and key in [alert["key"] for alert in found.json()["alerts"]]


async def _alert_events(stack: Stack, contact_id: str) -> list[tuple[str, str]]:
    connection = await asyncpg.connect(stack.monitor_database)
    try:
        rows = await connection.fetch(
            "SELECT convert_from(value, 'UTF8')::jsonb AS event FROM outbox WHERE topic = 'nara.guarantee-alerts.v1' "
            "ORDER BY id"
        )
    finally:
        await connection.close()
    events = [json.loads(row["event"]) if isinstance(row["event"], str) else row["event"] for row in rows]
    return [(e["type"], e["data"]["measure"]) for e in events if e["data"]["contact_id"] == contact_id]


async def _assessed_clocks(stack: Stack, unit: str, month: str) -> int:
    connection = await asyncpg.connect(stack.monitor_database)
    try:
        return await connection.fetchval(
            """SELECT count(*) FROM clocks WHERE unit = $1 AND status = 'assessed'
                   AND to_char(assessed_at AT TIME ZONE 'Europe/Stockholm', 'YYYY-MM') = $2""",
            unit,
            month,
        )
    finally:
        await connection.close()


def _rows(response: httpx.Response) -> list[dict]:
    assert response.status_code == 200, response.text
    return list(csv.DictReader(io.StringIO(response.text)))


def personnummer_free(rows: list[dict]) -> bool:
    return all(redact_personnummer(value or "") == (value or "") for row in rows for value in row.values())
