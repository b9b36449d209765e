"""The console's waitlist page over the real booking service (issue 18), against real PostgreSQL and Kafka: an
in-process triage whose console calls a booking process on the receptionist's token. Putting a patient on the
waitlist and taking them off change booking's entry, and booking access-logs each staff read and write; booking's
refusal comes back as its Swedish sentence beside the field (never a 500); a form without its CSRF token changes
nothing; staff of another unit do not see the page."""

from __future__ import annotations

import asyncio
import re
import uuid
from datetime import datetime

import asyncpg
import httpx
import pytest
from booking_support import STREP_THROAT_ANSWERS as STREP
from booking_support import personnummer

from nara.devstack.testing import scratch_schema, service_process
from nara.shared.clock import SettableClock
from nara.shared.identity import issue_dev_token
from nara.triage.app import create_app
from nara.triage.settings import TriageSettings

FALKENBERG, FYLLINGE = "SE2321000115-E00000000011", "SE2321000115-E00000000013"
STAFF_ID = f"SE2321000115-P{uuid.uuid4().int % 10**9:09d}"  # this run's receptionist, to find their log rows
NOT_A_UNIT = "SE2321000115-E99999999999"


class Booking:
    def __init__(self, url: str, database_url: str) -> None:
        self.url, self.database_url = url, database_url

    async def logged(self, action: str) -> int:
        connection = await asyncpg.connect(self.database_url)
        try:
            return await connection.fetchval(
                "SELECT count(*) FROM access_log WHERE staff_id = $1 AND action = $2", STAFF_ID, action
            )
        finally:
            await connection.close()


@pytest.fixture(scope="module")
async def booking(infrastructure, tmp_path_factory):
    """A booking process with the demo data and a schema of its own, whose access log the test reads."""
    async with scratch_schema(infrastructure.database_urls["booking"], prefix="waitlist") as url:
        env = {"BOOKING_LOAD_DEMO_DATA": "true", "BOOKING_CONTACTS_CONSUMER_GROUP": f"wl-{uuid.uuid4().hex[:8]}"}
        with service_process("booking", infrastructure, url, env, tmp_path_factory.mktemp("booking-logs")) as base:
            yield Booking(base, url)


@pytest.fixture(scope="module")
async def console(infrastructure, booking):
    """An in-process triage whose console calls the booking process."""
    clock = SettableClock(datetime.now().astimezone())  # booking runs on the system clock
    async with scratch_schema(infrastructure.database_urls["triage"], prefix="waitlist") as url:
        settings = TriageSettings(
            database_url=url, kafka_bootstrap_servers=infrastructure.kafka_bootstrap_servers, booking_url=booking.url
        )
        app = create_app(settings, clock=clock)
        async with (
            app.router.lifespan_context(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://triage") as client,
        ):
            yield client


def token(units=(FALKENBERG,)) -> str:
    return issue_dev_token("reception", STAFF_ID, list(units))


def bearer(units=(FALKENBERG,)) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(units)}"}


async def triaged_contact(console, booking, serial: int) -> str:
    """A triaged phone contact at Falkenberg, once booking has heard of it (its slots answer for it)."""
    body = {"patient": personnummer(serial, 1971), "unit": FALKENBERG, "channel": "phone_unit"}
    registered = await console.post("/api/v1/contacts", headers=bearer(), json={**body, "reason_code": "sore_throat"})
    assert registered.status_code == 201, registered.text
    contact_id = registered.json()["id"]
    triaged = await console.post(f"/api/v1/contacts/{contact_id}/triage", headers=bearer(), json={"answers": STREP})
    assert triaged.status_code == 200, triaged.text
    async with httpx.AsyncClient(base_url=booking.url, timeout=10) as client, asyncio.timeout(90):
        for _ in range(300):  # booking hears of the decision from Kafka: poll its slots for the contact
            params = {"unit": FALKENBERG, "contact_id": contact_id}
            if (await client.get("/api/v1/slots", params=params, headers=bearer())).status_code == 200:
                return contact_id
            await asyncio.sleep(0.3)
    raise AssertionError("booking never heard of the triaged contact")


async def page(console, contact_id: str, units=(FALKENBERG,)) -> tuple[httpx.Response, dict[str, str]]:
    cookie = {"Cookie": f"nara_console={token(units)}"}
    return await console.get(f"/console/kontakter/{contact_id}/vantelista", headers=cookie), cookie


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html[:500]
    return found[1]


async def booking_entry(booking, contact_id: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=booking.url, timeout=10) as client:
        return await client.get(f"/api/v1/waitlist/{contact_id}", headers=bearer())


JOIN = {
    "atgard": "satt-i-ko",
    "enheter": [FALKENBERG],
    "dagar": ["0", "1", "2"],
    "tider": ["morning"],
    "kontaktformer": ["clinic", "phone"],
    "nas": "sms",
    "adress": "070-765 43 21",
}


async def test_the_console_joins_and_leaves_in_booking_which_logs_each_staff_read_and_write(console, booking):
    contact_id = await triaged_contact(console, booking, 11)
    shown, cookie = await page(console, contact_id)
    assert shown.status_code == 200 and "data-no-entry" in shown.text
    path = f"/console/kontakter/{contact_id}/vantelista"

    joined = await console.post(path, headers=cookie, data={**JOIN, "csrf": csrf_of(shown.text), "nyckel": "k1"})

    assert joined.status_code == 303 and joined.headers["location"].endswith("?klart=satt")
    entry = (await booking_entry(booking, contact_id)).json()
    assert entry["waiting"] and entry["weekdays"] == [0, 1, 2] and entry["day_parts"] == ["morning"]
    assert entry["reach"] == {"by": "sms", "address": "+46707654321"} and entry["contact_forms"] == ["clinic", "phone"]
    after = await console.get(path, headers=cookie)
    assert "SMS till nummer som slutar på 21" in after.text and "765 43 21" not in after.text
    assert "7654321" not in after.text

    left = await console.post(path, headers=cookie, data={"atgard": "ta-bort", "csrf": csrf_of(after.text)})

    assert left.status_code == 303 and left.headers["location"].endswith("?klart=borttagen")
    assert (await booking_entry(booking, contact_id)).json()["end_reason"] == "left"
    assert await booking.logged("join waitlist") >= 1
    assert await booking.logged("leave waitlist") >= 1
    assert await booking.logged("read waitlist entry") >= 3  # each page the console showed


async def test_bookings_refusal_is_its_swedish_sentence_beside_the_field_and_nothing_is_saved(console, booking):
    contact_id = await triaged_contact(console, booking, 12)
    shown, cookie = await page(console, contact_id)
    path = f"/console/kontakter/{contact_id}/vantelista"

    unknown_unit = await console.post(
        path, headers=cookie, data={**JOIN, "enheter": [NOT_A_UNIT], "csrf": csrf_of(shown.text)}
    )
    bad_number = await console.post(path, headers=cookie, data={**JOIN, "adress": "12", "csrf": csrf_of(shown.text)})
    missing = await console.post(
        path, headers=cookie, data={"atgard": "satt-i-ko", "nas": "email", "csrf": csrf_of(shown.text)}
    )

    assert unknown_unit.status_code == 422
    beside = re.search(r'<p id="enheter-fel" class="error-message">(.*?)</p>', unknown_unit.text, re.S)
    assert beside and "Vi hittar inte en av vårdcentralerna" in beside[1]
    assert bad_number.status_code == 422 and 'id="adress-fel"' in bad_number.text
    assert "Skriv ett mobilnummer, till exempel 070-123 45 67." in bad_number.text
    assert 'value="12"' in bad_number.text  # what was typed is kept
    assert missing.status_code == 422
    for message in ("Välj minst en vårdcentral.", "Välj minst en dag.", "Skriv en e-postadress, eller välj Inget."):
        assert message in missing.text
    assert (await booking_entry(booking, contact_id)).status_code == 404


async def test_no_csrf_token_changes_nothing_and_another_units_staff_see_no_page(console, booking):
    contact_id = await triaged_contact(console, booking, 13)
    _, cookie = await page(console, contact_id)
    path = f"/console/kontakter/{contact_id}/vantelista"

    forged = await console.post(path, headers=cookie, data={**JOIN, "csrf": "forged"})
    elsewhere, _ = await page(console, contact_id, units=(FYLLINGE,))

    assert forged.status_code == 400 and "Formuläret har gått ut" in forged.text
    assert (await booking_entry(booking, contact_id)).status_code == 404
    assert elsewhere.status_code in (403, 404) and "data-join" not in elsewhere.text
