"""The staff's schedule pages (issue 15): the login lists the units from the database (and the region's office for
an administrator adding the first unit), each role lands on its unit, and another unit's pages are refused."""

import pytest
from booking_support import UNIT_FALKENBERG, UNIT_OSKARSTROM, in_process_booking, log_in_to_schedule

REGION_OFFICE = "SE2321000115-E00000000001"


@pytest.fixture(scope="module")
async def booking(infrastructure):
    async with in_process_booking(infrastructure, prefix="staffpages") as booking:
        yield booking


@pytest.fixture
async def client(booking):
    booking.client.cookies.clear()
    yield booking.client
    booking.client.cookies.clear()


async def test_the_login_lists_the_care_units_from_the_database_and_the_region_office(client, booking):
    await booking.fetch(
        "INSERT INTO care_units (hsa_id, name, address) VALUES ('SE2321000115-E00000000099', 'Vårdcentralen Ny', 'X')"
    )

    page = await client.get("/personal/schema/logga-in")

    assert page.status_code == 200
    assert "Vårdcentralen Falkenberg" in page.text and "Vårdcentralen Ny" in page.text
    assert REGION_OFFICE in page.text and "Schemaläggare" in page.text


async def test_a_scheduler_logs_in_to_the_start_page_of_their_unit(client):
    login = await log_in_to_schedule(client, "scheduler", [UNIT_FALKENBERG])
    assert login.status_code == 303 and login.headers["location"] == "/personal/schema"

    start = await client.get("/personal/schema")

    assert start.status_code == 200
    assert "Schema för Vårdcentralen Falkenberg" in start.text
    assert f'href="/personal/schema/dagbok?enhet={UNIT_FALKENBERG}"' in start.text
    assert "Ändringar i schemat gör enhetens schemaläggare" not in start.text


async def test_reception_is_told_that_the_scheduler_changes_the_schedule(client):
    await log_in_to_schedule(client, "reception", [UNIT_FALKENBERG])

    start = await client.get("/personal/schema")

    assert "Ändringar i schemat gör enhetens schemaläggare" in start.text


async def test_someone_working_at_two_units_switches_between_them(client):
    await log_in_to_schedule(client, "scheduler", [UNIT_FALKENBERG, UNIT_OSKARSTROM])

    start = await client.get("/personal/schema", params={"enhet": UNIT_OSKARSTROM})

    assert "Schema för Vårdcentralen Oskarström" in start.text
    assert 'name="enhet"' in start.text  # the switch


async def test_another_units_schedule_is_a_swedish_refusal_not_an_error(client):
    await log_in_to_schedule(client, "scheduler", [UNIT_FALKENBERG])

    other = await client.get("/personal/schema", params={"enhet": UNIT_OSKARSTROM})

    assert other.status_code == 404
    assert "Du arbetar inte på den enheten" in other.text


async def test_without_a_login_the_schedule_sends_one_to_log_in_and_back(client):
    page = await client.get("/personal/schema", params={"enhet": UNIT_FALKENBERG})

    assert page.status_code == 303
    assert page.headers["location"].startswith("/personal/schema/logga-in?nasta=")


async def test_operations_cannot_log_in_to_the_schedule(client):
    login = await log_in_to_schedule(client, "ops", [UNIT_FALKENBERG])

    assert login.status_code == 422
    assert "Välj din roll" in login.text
    assert (await client.get("/personal/schema")).status_code == 303  # still not logged in
