"""Setting up a unit on the staff's pages (/personal/schema): the same rules as the API, Swedish errors beside the
fields, and reception reads without changing."""

import pytest
from booking_support import UNIT_FALKENBERG, UNIT_FYLLINGE, hidden_field, in_process_booking, log_in_to_schedule

REGION_OFFICE = "SE2321000115-E00000000001"
HOME = "/personal/schema"


@pytest.fixture(scope="module")
async def booking(infrastructure):
    async with in_process_booking(infrastructure, prefix="setuppages") as booking:
        yield booking


@pytest.fixture
async def client(booking):
    booking.client.cookies.clear()
    yield booking.client
    booking.client.cookies.clear()


async def send(client, path: str, unit: str, fields: dict):
    """Open the form's page and send it with its CSRF token."""
    form = await client.get(path, params={"enhet": unit})
    assert form.status_code == 200, form.text
    return await client.post(path, params={"enhet": unit}, data={"csrf": hidden_field(form.text, "csrf"), **fields})


async def test_a_scheduler_adds_and_changes_a_practitioner(client):
    await log_in_to_schedule(client, "scheduler", [UNIT_FALKENBERG])

    added = await send(
        client,
        f"{HOME}/behandlare/ny",
        UNIT_FALKENBERG,
        {"hsa_id": "SE2321000115-P000000501", "name": "Sidan Sköterska", "profession": "nurse", "active_from": ""},
    )
    changed = await send(
        client,
        f"{HOME}/behandlare/SE2321000115-P000000501",
        UNIT_FALKENBERG,
        {"name": "Sidan Sköterska", "profession": "midwife", "active_from": "2027-01-01", "active_to": ""},
    )
    listed = await client.get(changed.headers["location"])

    assert added.status_code == 303 and changed.status_code == 303
    assert "Behandlarens uppgifter är sparade" in listed.text
    assert "Sidan Sköterska" in listed.text and "Barnmorska" in listed.text and "2027-01-01" in listed.text


async def test_a_wrong_practitioner_is_shown_with_swedish_errors_by_the_fields(client):
    await log_in_to_schedule(client, "scheduler", [UNIT_FALKENBERG])

    refused = await send(
        client,
        f"{HOME}/behandlare/ny",
        UNIT_FALKENBERG,
        {"hsa_id": "P501", "name": "", "profession": "", "active_from": "2027-02-01", "active_to": "2027-01-01"},
    )

    assert refused.status_code == 422
    assert "Det finns ett problem" in refused.text
    for field in ("hsa_id", "name", "profession"):
        assert f'href="#{field}"' in refused.text and f'id="{field}-fel"' in refused.text
    assert "Skriv behandlarens HSA-id" in refused.text and "Välj behandlarens yrke" in refused.text


async def test_an_hsa_id_at_another_unit_is_refused_beside_the_field(client, booking):
    [other] = await booking.fetch("SELECT hsa_id FROM practitioners WHERE unit = $1 LIMIT 1", UNIT_FYLLINGE)
    await log_in_to_schedule(client, "scheduler", [UNIT_FALKENBERG])

    refused = await send(
        client,
        f"{HOME}/behandlare/ny",
        UNIT_FALKENBERG,
        {"hsa_id": other["hsa_id"], "name": "Någon", "profession": "doctor"},
    )

    assert refused.status_code == 422 and "finns redan på en annan enhet" in refused.text
    assert 'id="hsa_id-fel"' in refused.text


async def test_a_pasted_file_is_read_in_or_every_bad_line_is_shown(client):
    await log_in_to_schedule(client, "scheduler", [UNIT_FALKENBERG])
    good = (
        "hsa_id;namn;yrke;aktiv_fran\n"
        "SE2321000115-P000000511;Fil Ett;Läkare;\n"
        "SE2321000115-P000000512;Fil Två;Kurator;\n"
    )

    read = await send(client, f"{HOME}/behandlare/import", UNIT_FALKENBERG, {"fil": good})
    listed = await client.get(read.headers["location"])
    bad = await send(
        client, f"{HOME}/behandlare/import", UNIT_FALKENBERG, {"fil": good + "SE2321000115-P000000513;;Läkare;\n"}
    )

    assert read.status_code == 303
    assert "Filen är inläst: 2 nya behandlare och 0 uppdaterade" in listed.text and "Fil Två" in listed.text
    assert bad.status_code == 422 and "Rad 4: Namn saknas." in bad.text


async def test_a_scheduler_adds_a_units_own_time_type_and_changes_it(client, booking):
    await log_in_to_schedule(client, "scheduler", [UNIT_FALKENBERG])
    fields = {
        "code": "FBG_SIDA",
        "name": "Sårvård på sidan",
        "profession": "district_nurse",
        "length_minutes": "30",
        "contact_form": "clinic",
        "booking_channel": "triaged",
        "capacity": "3",
        "regler": ["web_cancel_allowed", "medical_assessment"],
        "cancel_notice_hours": "12",
        "rebook_notice_hours": "0",
    }

    added = await send(client, f"{HOME}/tidtyper/ny", UNIT_FALKENBERG, fields)
    # Reminders are set through the setup API only: a change on the page keeps the type's own.
    await booking.fetch("UPDATE time_types SET reminder_hours = '{48}' WHERE code = 'FBG_SIDA'")
    changed = await send(
        client, f"{HOME}/tidtyper/FBG_SIDA", UNIT_FALKENBERG, fields | {"length_minutes": "45", "regler": []}
    )
    listed = await client.get(changed.headers["location"])

    assert added.status_code == 303 and changed.status_code == 303
    [row] = await booking.fetch("SELECT * FROM time_types WHERE code = 'FBG_SIDA'")
    assert (row["unit"], row["length_minutes"], row["capacity"], row["booking_channel"]) == (
        UNIT_FALKENBERG,
        45,
        3,
        "triaged",
    )
    assert not row["medical_assessment"] and not row["web_cancel_allowed"]
    assert list(row["reminder_hours"]) == [48]
    assert "Sårvård på sidan" in listed.text and "Drop-in, 3 platser" in listed.text


async def test_a_time_type_outside_the_rules_is_shown_with_its_errors(client):
    await log_in_to_schedule(client, "scheduler", [UNIT_FALKENBERG])

    refused = await send(
        client,
        f"{HOME}/tidtyper/ny",
        UNIT_FALKENBERG,
        {"code": "fel", "name": "X", "profession": "nurse", "length_minutes": "7", "capacity": "60"},
    )
    taken = await send(
        client,
        f"{HOME}/tidtyper/ny",
        UNIT_FALKENBERG,
        {
            "code": "LAK_BESOK",
            "name": "X",
            "profession": "doctor",
            "length_minutes": "20",
            "contact_form": "clinic",
            "booking_channel": "web",
            "capacity": "1",
            "cancel_notice_hours": "0",
            "rebook_notice_hours": "0",
        },
    )

    assert refused.status_code == 422
    for field in ("code", "length_minutes", "capacity", "contact_form", "booking_channel"):
        assert f'id="{field}-fel"' in refused.text
    assert taken.status_code == 422 and "används redan i regionen" in taken.text


async def test_a_scheduler_cannot_open_the_regions_time_type(client):
    await log_in_to_schedule(client, "scheduler", [UNIT_FALKENBERG])

    page = await client.get(f"{HOME}/tidtyper/LAK_BESOK", params={"enhet": UNIT_FALKENBERG})

    assert page.status_code == 403 and "regionens administratör" in page.text


async def test_reception_reads_the_set_up_and_is_told_who_changes_it(client):
    await log_in_to_schedule(client, "reception", [UNIT_FALKENBERG])

    practitioners = await client.get(f"{HOME}/behandlare", params={"enhet": UNIT_FALKENBERG})
    time_types = await client.get(f"{HOME}/tidtyper", params={"enhet": UNIT_FALKENBERG})
    unit = await client.get(f"{HOME}/enhet", params={"enhet": UNIT_FALKENBERG})
    new_form = await client.get(f"{HOME}/behandlare/ny", params={"enhet": UNIT_FALKENBERG})

    assert practitioners.status_code == 200 and "Anna Lindqvist" in practitioners.text
    assert "Lägg till behandlare" not in practitioners.text
    assert (
        time_types.status_code == 200 and "Läkarbesök" in time_types.text and "Lägg till tidtyp" not in time_types.text
    )
    assert unit.status_code == 200 and "Storgatan 40" in unit.text and 'name="csrf"' not in unit.text.split("<main")[1]
    assert new_form.status_code == 403 and "Bara enhetens schemaläggare" in new_form.text


async def test_a_scheduler_changes_the_units_phone_and_opening_hours(client, booking):
    await log_in_to_schedule(client, "scheduler", [UNIT_FALKENBERG])
    hours = {f"opens-{day}": "8:00" for day in range(1, 6)} | {f"closes-{day}": "17.00" for day in range(1, 6)}

    wrong = await send(
        client,
        f"{HOME}/enhet",
        UNIT_FALKENBERG,
        {"name": "Vårdcentralen Falkenberg", "address": "Storgatan 40", "phone": "ring", "opens-6": "10:00"},
    )
    saved = await send(
        client,
        f"{HOME}/enhet",
        UNIT_FALKENBERG,
        {"name": "Vårdcentralen Falkenberg", "address": "Storgatan 40, 311 31 Falkenberg", "phone": "0346-555 10"}
        | hours,
    )

    assert wrong.status_code == 422 and 'id="closes-6-fel"' in wrong.text and 'id="phone-fel"' in wrong.text
    assert saved.status_code == 303
    [row] = await booking.fetch("SELECT phone, opening_hours FROM care_units WHERE hsa_id = $1", UNIT_FALKENBERG)
    assert row["phone"] == "0346-555 10"
    assert '"opens": "08:00"' in row["opening_hours"] and '"weekday": 6' not in row["opening_hours"]


async def test_an_administrator_adds_a_unit_from_the_regions_office(client):
    await log_in_to_schedule(client, "admin", [REGION_OFFICE])
    unit = {
        "hsa_id": "SE2321000115-E00000000077",
        "name": "Vårdcentralen Sidan",
        "address": "Sidvägen 1, 300 00 Halmstad",
        "phone": "035-10 20 30",
        "opens-1": "08:00",
        "closes-1": "16:00",
    }

    office = await client.get(f"{HOME}/enhet", params={"enhet": REGION_OFFICE})
    added = await send(client, f"{HOME}/enhet/ny", REGION_OFFICE, unit)
    again = await send(client, f"{HOME}/enhet/ny", REGION_OFFICE, unit)
    login = await client.get(f"{HOME}/logga-in")

    assert office.status_code == 200 and "Ny enhet" in office.text
    assert added.status_code == 303
    assert again.status_code == 422 and 'id="hsa_id-fel"' in again.text
    assert "Vårdcentralen Sidan" in login.text  # and can be logged in to at once


async def test_a_scheduler_cannot_add_a_unit(client):
    await log_in_to_schedule(client, "scheduler", [UNIT_FALKENBERG])

    page = await client.get(f"{HOME}/enhet/ny", params={"enhet": UNIT_FALKENBERG})

    assert page.status_code == 403 and "regionens administratör" in page.text
