"""The national report for SKR's väntetidsdatabas, and the "0" of 0-3-90-90, against real Kafka and PostgreSQL:
the CSV's counts agree with the clocks, groups under 20 are hidden, and the totals add up."""

import csv
import io
import uuid
from collections import Counter
from datetime import datetime, timedelta

import pytest
from monitor_support import TEST_ID_PREFIX, Contact, publish, staff_headers, wait_for

from conftest import running_monitor
from nara.shared.clock import STOCKHOLM, SettableClock

MARCH = datetime(2027, 3, 2, 9, 0, tzinfo=STOCKHOLM)
COLUMNS = [
    "month",
    "region_code",
    "unit_hsa_id",
    "unit_name",
    "ownership",
    "profession",
    "contact_form",
    "sex",
    "age_group",
    "assessments",
    "within_0_days",
    "within_3_days",
    "within_7_days",
    "patient_chosen_wait",
    "hidden",
]
FORM_GROUP = {"clinic": "clinic", "home": "home", "phone": "distance", "video": "distance", "chat_letter": "distance"}


@pytest.fixture
async def reporting(infrastructure, monitor_schema, kafka_bootstrap):
    """A monitor that knows a unit of this run's own (the topics keep every earlier run's contacts), with the
    run's contacts published: 23 women assessed by nurses at a distance, 4 men by doctors at the clinic (a
    group under 20), and phone contacts registered the next day, which count only in the "0"."""
    unit = f"SE2321000115-E{uuid.uuid4().hex[:11].upper()}"
    units = f'{{"{unit}": {{"name": "Hälsocentralen Testby", "region_code": "13", "ownership": "privat"}}}}'
    clock = SettableClock(datetime(2027, 4, 10, tzinfo=STOCKHOLM))
    async with running_monitor(
        infrastructure, monitor_schema, clock, f"skr-{uuid.uuid4().hex[:8]}", units_json=units
    ) as monitor:
        women = [
            Contact(MARCH + timedelta(hours=n), unit=unit, sex="female", age_group="18-64", listing="here")
            for n in range(23)
        ]
        for index, contact in enumerate(women):
            days = 0 if index < 5 else 2 if index < 20 else 5 if index < 22 else 6
            events = [contact.registered(), contact.assessed(contact.sought_at + timedelta(days=days))]
            if index == 22:  # chose a later time than those offered inside the guarantee
                events.insert(
                    1,
                    contact.booked(
                        f"b-{contact.id}",
                        contact.sought_at + timedelta(days=6),
                        contact.sought_at + timedelta(minutes=5),
                        earlier=True,
                    ),
                )
            await publish(kafka_bootstrap, contact, *events)
        men = [Contact(MARCH + timedelta(days=1, hours=n), unit=unit, sex="male", age_group="65-79") for n in range(4)]
        for contact in men:
            await publish(
                kafka_bootstrap,
                contact,
                contact.registered(),
                contact.assessed(contact.sought_at + timedelta(days=1), "doctor", "clinic"),
            )
        next_day = [Contact(MARCH.replace(hour=23), unit=unit, channel="phone_1177") for _ in range(3)]
        for contact in next_day:
            await publish(kafka_bootstrap, contact, contact.registered(at=contact.sought_at + timedelta(hours=2)))
        web = Contact(MARCH, unit=unit, channel="web")
        await publish(kafka_bootstrap, web, web.registered())
        await wait_for(lambda: _clocks_at(monitor, unit, 31), within=60)
        await wait_for(lambda: _booking_applied(monitor, women[22]), within=60)
        yield monitor, unit


async def _clocks_at(monitor, unit, count):
    rows = await monitor.fetch(
        "SELECT count(*) FILTER (WHERE status = 'assessed') AS assessed, count(*) AS n "
        "FROM clocks WHERE unit = $1 AND status IS NOT NULL",
        unit,
    )
    return rows[0]["assessed"] == 27 and rows[0]["n"] == count


async def _booking_applied(monitor, contact):
    rows = await monitor.fetch("SELECT patient_chose_to_wait FROM clocks WHERE contact_id = $1", contact.id)
    return rows and rows[0]["patient_chose_to_wait"]


def read_csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


async def test_the_skr_report_agrees_with_the_clocks_hides_small_groups_and_adds_up(reporting):
    monitor, unit = reporting
    headers = staff_headers([unit])

    response = await monitor.client.get("/api/v1/reports/skr", params={"month": "2027-03"}, headers=headers)
    clocks = (
        await monitor.client.get(
            "/api/v1/clocks", params={"unit": unit, "status": "assessed", "limit": 1000}, headers=headers
        )
    ).json()

    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.text.splitlines()[0].split(",") == COLUMNS
    rows = read_csv(response.text)
    expected = Counter()  # from the clocks, as SKR would count them
    for clock in clocks:
        key = (clock["assessment_profession"], FORM_GROUP[clock["assessment_form"]], clock["sex"], clock["age_group"])
        waited = clock["wait_days"]
        expected.update(
            {
                (*key, "assessments"): 1,
                (*key, "within_0_days"): waited <= 0,
                (*key, "within_3_days"): waited <= 3,
                (*key, "within_7_days"): waited <= 7,
                (*key, "patient_chosen_wait"): clock["patient_chose_to_wait"] and waited > 3,
            }
        )
    groups = [r for r in rows if r["unit_hsa_id"] == unit and r["profession"] != "all"]
    published = [r for r in groups if r["hidden"] == "false"]
    hidden = [r for r in groups if r["hidden"] == "true"]
    assert len(clocks) == 27 and len(groups) == 2
    for row in published:
        key = (row["profession"], row["contact_form"], row["sex"], row["age_group"])
        assert {name: int(row[name]) for name in COLUMNS[9:14]} == {
            name: expected[(*key, name)] for name in COLUMNS[9:14]
        }
    women = published[0]
    assert (women["profession"], women["contact_form"], women["sex"], women["age_group"]) == (
        "nurse",
        "distance",
        "female",
        "18-64",
    )
    assert [women[name] for name in COLUMNS[9:14]] == ["23", "5", "20", "23", "1"]
    assert (women["month"], women["region_code"], women["unit_name"], women["ownership"]) == (
        "2027-03",
        "13",
        "Hälsocentralen Testby",
        "privat",
    )
    assert [(r["profession"], r["sex"]) for r in hidden] == [("doctor", "male")]
    assert all(hidden[0][name] == "" for name in COLUMNS[9:14]), "a group under 20 shows no counts"
    [total] = [r for r in rows if r["unit_hsa_id"] == unit and r["profession"] == "all"]
    assert total["hidden"] == "false" and int(total["assessments"]) == 27 == len(clocks)
    assert int(total["within_3_days"]) == sum(c["wait_days"] <= 3 for c in clocks) == 24
    assert int(total["assessments"]) - sum(int(r["assessments"]) for r in published) == 4, "the hidden men add up"


async def test_the_record_file_has_one_de_identified_row_per_assessed_contact(reporting):
    monitor, unit = reporting

    response = await monitor.client.get(
        "/api/v1/reports/skr/records", params={"month": "2027-03"}, headers=staff_headers([unit])
    )

    records = read_csv(response.text)
    assert list(records[0]) == [
        "month",
        "region_code",
        "unit_hsa_id",
        "pseudonym",
        "profession",
        "contact_form",
        "sex",
        "age_group",
        "sought_date",
        "assessment_date",
        "wait_days",
        "patient_chosen_wait",
    ]
    assert len(records) == 27 and all(r["unit_hsa_id"] == unit and r["pseudonym"].startswith("p_") for r in records)
    assert Counter(r["wait_days"] for r in records) == Counter({"0": 5, "2": 15, "5": 2, "6": 1, "1": 4})
    assert sum(r["patient_chosen_wait"] == "true" for r in records) == 1
    assert not any(TEST_ID_PREFIX in value for r in records for value in r.values()), "no contact id"


async def test_the_report_is_for_operations_and_says_what_is_wrong_with_a_month(reporting):
    monitor, unit = reporting

    bad = await monitor.client.get("/api/v1/reports/skr", params={"month": "2027-13"}, headers=staff_headers([unit]))
    missing = await monitor.client.get("/api/v1/reports/skr/records", headers=staff_headers([unit]))
    reception = await monitor.client.get(
        "/api/v1/reports/skr", params={"month": "2027-03"}, headers=staff_headers([unit], role="reception")
    )
    admin = await monitor.client.get(
        "/api/v1/reports/skr", params={"month": "2027-03"}, headers=staff_headers([unit], role="admin")
    )

    assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
    assert bad.json()["status"] == 422 and "ÅÅÅÅ-MM" in bad.json()["errors"][0]["message"]
    assert missing.status_code == 422 and missing.headers["content-type"] == "application/problem+json"
    assert reception.status_code == 403 and reception.json()["title"] == "Inte tillåtet"
    assert admin.status_code == 200


async def test_the_zero_is_the_share_of_phone_contacts_given_contact_the_same_day(reporting):
    monitor, unit = reporting

    report = (
        await monitor.client.get(
            "/api/v1/compliance", params={"unit": unit, "include_small_groups": "true"}, headers=staff_headers([unit])
        )
    ).json()
    published = (
        await monitor.client.get("/api/v1/compliance", params={"unit": unit}, headers=staff_headers([unit]))
    ).json()

    [march] = report["same_day_contact"]
    assert (march["month"], march["phone_contacts"], march["same_day"], march["share"]) == ("2027-03", 30, 27, 0.9)
    assert march["hidden"] is False and published["same_day_contact"] == [march]
    small = [r for r in report["rows"] if r["hidden"]]
    assert [(r["profession"], r["assessments"]) for r in small] == [("doctor", 4)]  # staff see their small groups
    assert [r["assessments"] for r in published["rows"] if r["hidden"]] == [None]  # as published: not shown
