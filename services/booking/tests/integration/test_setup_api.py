"""Setting up a unit through the API (issue 15): care units by an admin, practitioners and time types by the unit's
scheduler, and who may do what."""

import pytest
from booking_support import UNIT_FALKENBERG, UNIT_FYLLINGE, UNIT_OSKARSTROM, citizen, personnummer, staff

NEW_UNIT = "SE2321000115-E00000000099"
ADMIN = staff([UNIT_FALKENBERG, NEW_UNIT], role="admin", hsa_id="SE2321000115-P000000801")
SCHEDULER_FALKENBERG = staff([UNIT_FALKENBERG], role="scheduler", hsa_id="SE2321000115-P000000802")
SCHEDULER_FYLLINGE = staff([UNIT_FYLLINGE], role="scheduler", hsa_id="SE2321000115-P000000803")
RECEPTION_FALKENBERG = staff([UNIT_FALKENBERG], role="reception")
WEEKDAYS_8_TO_17 = [{"weekday": day, "opens": "08:00", "closes": "17:00"} for day in range(1, 6)]


def a_unit(hsa_id: str = NEW_UNIT, **changes) -> dict:
    return {
        "hsa_id": hsa_id,
        "name": "Vårdcentralen Getinge",
        "address": "Gamla vägen 1, 305 72 Getinge",
        "phone": "035-123 45",
        "opening_hours": WEEKDAYS_8_TO_17,
        **changes,
    }


def a_time_type(code: str, **changes) -> dict:
    return {
        "code": code,
        "name": "Såromläggning",
        "profession": "district_nurse",
        "length_minutes": 30,
        "contact_form": "clinic",
        "booking_channel": "web",
        "web_cancel_allowed": True,
        "cancel_notice_hours": 24,
        "web_rebook_allowed": False,
        "rebook_notice_hours": 0,
        "medical_assessment": False,
        "reason_required": False,
        "capacity": 1,
        **changes,
    }


async def test_an_admin_adds_a_unit_once_and_citizens_see_it_in_the_list(booking):
    added = await booking.client.post("/api/v1/care-units", headers=ADMIN, json=a_unit())
    again = await booking.client.post("/api/v1/care-units", headers=ADMIN, json=a_unit(name="Något annat"))
    by_scheduler = await booking.client.post(
        "/api/v1/care-units", headers=SCHEDULER_FALKENBERG, json=a_unit("SE2321000115-E00000000098")
    )
    shown = await booking.client.get(f"/api/v1/care-units/{NEW_UNIT}", headers=ADMIN)
    citizens_list = await booking.client.get("/api/v1/units", headers=citizen(personnummer(9100)))

    assert added.status_code == 201, added.text
    assert added.json()["phone"] == "035-123 45"
    assert again.status_code == 409
    assert again.json()["code"] == "already_exists" and NEW_UNIT in again.json()["detail"]
    assert by_scheduler.status_code == 403
    assert shown.json()["opening_hours"][0] == {"weekday": 1, "opens": "08:00", "closes": "17:00"}
    [listed] = [unit for unit in citizens_list.json() if unit["hsa_id"] == NEW_UNIT]
    assert listed["name"] == "Vårdcentralen Getinge"
    assert listed["opening_hours"][0] == {"weekday": 1, "opens": "08:00", "closes": "17:00"}


async def test_a_scheduler_changes_only_their_own_units_details(booking):
    change = {k: v for k, v in a_unit().items() if k != "hsa_id"} | {
        "name": "Vårdcentralen Falkenberg",
        "phone": "0346-555 00",
        "opening_hours": [{"weekday": 1, "opens": "07:30", "closes": "18:00"}],  # open Mondays only
    }

    changed = await booking.client.put(
        f"/api/v1/care-units/{UNIT_FALKENBERG}", headers=SCHEDULER_FALKENBERG, json=change
    )
    at_other_unit = await booking.client.put(
        f"/api/v1/care-units/{UNIT_FALKENBERG}", headers=SCHEDULER_FYLLINGE, json=change
    )
    by_reception = await booking.client.put(
        f"/api/v1/care-units/{UNIT_FALKENBERG}", headers=RECEPTION_FALKENBERG, json=change
    )
    read_by_reception = await booking.client.get(f"/api/v1/care-units/{UNIT_FALKENBERG}", headers=RECEPTION_FALKENBERG)
    read_at_other_unit = await booking.client.get(f"/api/v1/care-units/{UNIT_FALKENBERG}", headers=SCHEDULER_FYLLINGE)
    mine = await booking.client.get("/api/v1/care-units", headers=SCHEDULER_FALKENBERG)

    assert changed.status_code == 200, changed.text
    assert at_other_unit.status_code == 403 and at_other_unit.json()["detail"].startswith("Du kan bara")
    assert by_reception.status_code == 403
    assert read_by_reception.json()["phone"] == "0346-555 00"
    assert read_by_reception.json()["opening_hours"] == [{"weekday": 1, "opens": "07:30", "closes": "18:00"}]
    assert read_at_other_unit.status_code == 403
    assert [unit["hsa_id"] for unit in mine.json()] == [UNIT_FALKENBERG]


@pytest.mark.parametrize(
    "wrong",
    [
        {"opening_hours": [{"weekday": 1, "opens": "17:00", "closes": "08:00"}]},
        {"opening_hours": [{"weekday": 1, "opens": "08:00", "closes": "12:00"}] * 2},
        {"opening_hours": [{"weekday": 8, "opens": "08:00", "closes": "12:00"}]},
        {"opening_hours": [{"weekday": 1, "opens": "8", "closes": "24:00"}]},
        {"phone": "ring oss"},
        {"name": ""},
        {"hsa_id": "E00000000011"},
    ],
)
async def test_a_unit_with_wrong_details_is_refused_with_the_field_named(booking, wrong):
    refused = await booking.client.post(
        "/api/v1/care-units", headers=ADMIN, json=a_unit("SE2321000115-E00000000097") | wrong
    )

    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"].split(".")[0] in wrong


async def test_a_scheduler_adds_lists_and_changes_practitioners_at_their_unit(booking):
    nurse = {
        "hsa_id": "SE2321000115-P000000701",
        "name": "Ny Sköterska",
        "profession": "nurse",
        "active_from": "2027-01-01",
    }
    url = f"/api/v1/care-units/{UNIT_FALKENBERG}/practitioners"

    added = await booking.client.post(url, headers=SCHEDULER_FALKENBERG, json=nurse)
    twice = await booking.client.post(url, headers=SCHEDULER_FALKENBERG, json=nurse)
    at_other_unit = await booking.client.post(
        f"/api/v1/care-units/{UNIT_FYLLINGE}/practitioners", headers=SCHEDULER_FYLLINGE, json=nurse
    )
    changed = await booking.client.put(
        f"{url}/{nurse['hsa_id']}",
        headers=SCHEDULER_FALKENBERG,
        json={
            "name": "Ny Sköterska",
            "profession": "district_nurse",
            "active_from": "2027-01-01",
            "active_to": "2027-06-30",
        },
    )
    listed = await booking.client.get(url, headers=RECEPTION_FALKENBERG)

    assert added.status_code == 201, added.text
    assert twice.status_code == 409 and "här" in twice.json()["detail"]
    assert at_other_unit.status_code == 409 and "annan enhet" in at_other_unit.json()["detail"]
    assert changed.status_code == 200, changed.text
    [shown] = [p for p in listed.json() if p["hsa_id"] == nurse["hsa_id"]]
    assert shown == {**nurse, "profession": "district_nurse", "unit": UNIT_FALKENBERG, "active_to": "2027-06-30"}


async def test_practitioners_are_the_units_own_to_change(booking):
    url = f"/api/v1/care-units/{UNIT_FALKENBERG}/practitioners"
    someone = {"hsa_id": "SE2321000115-P000000702", "name": "Annan Person", "profession": "doctor"}

    by_other_scheduler = await booking.client.post(url, headers=SCHEDULER_FYLLINGE, json=someone)
    by_reception = await booking.client.post(url, headers=RECEPTION_FALKENBERG, json=someone)
    by_citizen = await booking.client.get(url, headers=citizen(personnummer(9101)))
    read_by_other = await booking.client.get(url, headers=SCHEDULER_FYLLINGE)
    unknown = await booking.client.put(
        f"{url}/SE2321000115-P000000799", headers=SCHEDULER_FALKENBERG, json={"name": "X", "profession": "doctor"}
    )
    of_unknown_unit = await booking.client.get(
        "/api/v1/care-units/SE2321000115-E00000000096/practitioners",
        headers=staff(["SE2321000115-E00000000096"], role="scheduler"),
    )

    assert by_other_scheduler.status_code == 403
    assert by_reception.status_code == 403 and "schemaläggare" in by_reception.json()["detail"]
    assert by_citizen.status_code == 403
    assert read_by_other.status_code == 403
    assert unknown.status_code == 404
    assert of_unknown_unit.status_code == 404


@pytest.mark.parametrize(
    "wrong",
    [
        {"active_from": "2027-02-01", "active_to": "2027-01-31"},
        {"profession": "surgeon"},
        {"hsa_id": "SE2321000115-"},
        {"name": "Anna 19121212-1212"},
    ],
)
async def test_a_practitioner_with_wrong_details_is_refused(booking, wrong):
    practitioner = {"hsa_id": "SE2321000115-P000000703", "name": "Anna", "profession": "doctor"} | wrong

    refused = await booking.client.post(
        f"/api/v1/care-units/{UNIT_FALKENBERG}/practitioners", headers=SCHEDULER_FALKENBERG, json=practitioner
    )

    assert refused.status_code == 422, refused.text


async def test_a_unit_has_its_own_time_types_beside_the_regions(booking):
    own = a_time_type("FBG_SAR", capacity=4, medical_assessment=True, booking_channel="staff")

    added = await booking.client.post(
        f"/api/v1/care-units/{UNIT_FALKENBERG}/time-types", headers=SCHEDULER_FALKENBERG, json=own
    )
    code_taken = await booking.client.post(
        f"/api/v1/care-units/{UNIT_FYLLINGE}/time-types", headers=SCHEDULER_FYLLINGE, json=a_time_type("FBG_SAR")
    )
    region_code_taken = await booking.client.post(
        f"/api/v1/care-units/{UNIT_FALKENBERG}/time-types", headers=SCHEDULER_FALKENBERG, json=a_time_type("LAK_BESOK")
    )
    falkenbergs = await booking.client.get(
        f"/api/v1/care-units/{UNIT_FALKENBERG}/time-types", headers=RECEPTION_FALKENBERG
    )
    fyllinges = await booking.client.get(f"/api/v1/care-units/{UNIT_FYLLINGE}/time-types", headers=SCHEDULER_FYLLINGE)

    assert added.status_code == 201, added.text
    assert added.json() == {**own, "unit": UNIT_FALKENBERG, "reminder_hours": [24, 2]}  # the default reminders
    assert code_taken.status_code == 409 and region_code_taken.status_code == 409
    codes = {t["code"]: t["unit"] for t in falkenbergs.json()}
    assert codes["FBG_SAR"] == UNIT_FALKENBERG and codes["LAK_BESOK"] is None
    assert "FBG_SAR" not in {t["code"] for t in fyllinges.json()} and "LAK_BESOK" in {
        t["code"] for t in fyllinges.json()
    }


async def test_a_units_time_type_is_changed_by_its_scheduler_and_the_regions_by_an_admin(booking):
    await booking.client.post(
        f"/api/v1/care-units/{UNIT_FALKENBERG}/time-types", headers=SCHEDULER_FALKENBERG, json=a_time_type("FBG_TEL")
    )
    change = {k: v for k, v in a_time_type("FBG_TEL", length_minutes=15, contact_form="phone").items() if k != "code"}
    region = {k: v for k, v in a_time_type("LAK_BESOK", profession="doctor").items() if k != "code"}

    changed = await booking.client.put(
        f"/api/v1/care-units/{UNIT_FALKENBERG}/time-types/FBG_TEL", headers=SCHEDULER_FALKENBERG, json=change
    )
    by_other_unit = await booking.client.put(
        f"/api/v1/care-units/{UNIT_FYLLINGE}/time-types/FBG_TEL", headers=SCHEDULER_FYLLINGE, json=change
    )
    region_by_scheduler = await booking.client.put(
        f"/api/v1/care-units/{UNIT_FALKENBERG}/time-types/LAK_BESOK", headers=SCHEDULER_FALKENBERG, json=region
    )
    region_path_by_scheduler = await booking.client.put(
        "/api/v1/time-types/LAK_BESOK", headers=SCHEDULER_FALKENBERG, json=region
    )
    region_by_admin = await booking.client.put("/api/v1/time-types/LAK_BESOK", headers=ADMIN, json=region)
    new_region_type = await booking.client.post("/api/v1/time-types", headers=ADMIN, json=a_time_type("REG_NY"))
    new_region_by_scheduler = await booking.client.post(
        "/api/v1/time-types", headers=SCHEDULER_FALKENBERG, json=a_time_type("REG_NY2")
    )

    assert changed.status_code == 200 and changed.json()["length_minutes"] == 15
    assert by_other_unit.status_code == 404  # not Fyllinge's
    assert region_by_scheduler.status_code == 403 and "administratör" in region_by_scheduler.json()["detail"]
    assert region_path_by_scheduler.status_code == 403
    assert region_by_admin.status_code == 200 and region_by_admin.json()["unit"] is None
    assert new_region_type.status_code == 201 and new_region_type.json()["unit"] is None
    assert new_region_by_scheduler.status_code == 403
    [stored] = await booking.fetch("SELECT length_minutes, contact_form FROM time_types WHERE code = 'FBG_TEL'")
    assert dict(stored) == {"length_minutes": 15, "contact_form": "phone"}


@pytest.mark.parametrize(
    "wrong",
    [
        {"code": "fbg_lower"},
        {"code": "F"},
        {"length_minutes": 7},
        {"length_minutes": 485},
        {"length_minutes": 0},
        {"capacity": 51},
        {"capacity": 0},
        {"booking_channel": "everyone"},
        {"contact_form": "telepathy"},
        {"cancel_notice_hours": -1},
    ],
)
async def test_a_time_type_outside_the_rules_is_refused(booking, wrong):
    refused = await booking.client.post(
        f"/api/v1/care-units/{UNIT_OSKARSTROM}/time-types",
        headers=staff([UNIT_OSKARSTROM], role="scheduler"),
        json=a_time_type("OSK_FEL") | wrong,
    )

    assert refused.status_code == 422, refused.text
    assert refused.json()["errors"][0]["field"] in wrong
