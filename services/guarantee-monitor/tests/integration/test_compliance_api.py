"""Compliance as SKR reports it, over the API and as CSV, and the access rules of the monitor's API."""

import csv
import io
import uuid
from datetime import datetime, timedelta

from monitor_support import Contact, publish, staff_headers, wait_for

from nara.shared.clock import STOCKHOLM
from nara.shared.identity import issue_dev_token

MARCH = datetime(2027, 3, 2, 9, 0, tzinfo=STOCKHOLM)


async def assessed_in_march(monitor, unit, expected):
    rows = await monitor.fetch(
        "SELECT count(*) AS n FROM clocks WHERE status = 'assessed' AND assessed_at >= $1 "
        "AND assessed_at < $2 AND unit = $3",
        MARCH.replace(day=1),
        MARCH.replace(month=4, day=1),
        unit,
    )
    return rows[0]["n"] if rows[0]["n"] >= expected else None


async def test_compliance_shares_hide_small_groups_and_add_up_to_the_clocks(monitor, kafka_bootstrap):
    monitor.clock.set(datetime(2027, 4, 10, tzinfo=STOCKHOLM))
    unit = f"SE2321000115-E{uuid.uuid4().hex[:11]}"  # a unit of this run's own: the topics keep earlier runs
    on_time = [Contact(MARCH + timedelta(hours=n), unit=unit) for n in range(25)]
    late = [Contact(MARCH + timedelta(hours=n), unit=unit) for n in range(3)]
    few = [Contact(MARCH + timedelta(hours=n), unit=unit) for n in range(5)]
    for contact in on_time:
        await publish(
            kafka_bootstrap, contact, contact.registered(), contact.assessed(contact.sought_at + timedelta(days=1))
        )
    for contact in late:
        await publish(
            kafka_bootstrap, contact, contact.registered(), contact.assessed(contact.sought_at + timedelta(days=6))
        )
    for contact in few:
        await publish(
            kafka_bootstrap,
            contact,
            contact.registered(),
            contact.assessed(contact.sought_at + timedelta(hours=2), profession="doctor", contact_form="clinic"),
        )
    total = await wait_for(lambda: assessed_in_march(monitor, unit, 33))
    window = {"from": "2027-03-01T00:00:00+01:00", "to": "2027-04-01T00:00:00+02:00"}

    report = (await monitor.client.get("/api/v1/compliance", params=window, headers=staff_headers([unit]))).json()
    as_csv = await monitor.client.get("/api/v1/compliance.csv", params=window, headers=staff_headers([unit]))

    rows = {(r["profession"], r["contact_form"]): r for r in report["rows"]}
    nurses, doctors = rows[("nurse", "distance")], rows[("doctor", "clinic")]
    assert (nurses["assessments"], nurses["within_guarantee"], nurses["share"]) == (28, 25, round(25 / 28, 4))
    assert doctors["hidden"] is True and doctors["assessments"] is None and doctors["share"] is None
    assert report["totals"]["assessments"] == total == 33 and report["totals"]["hidden_assessments"] == 5
    lines = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert as_csv.headers["content-type"].startswith("text/csv")
    assert {(line["profession"], line["contact_form"], line["assessments"], line["hidden"]) for line in lines} == {
        ("nurse", "distance", "28", "no"),
        ("doctor", "clinic", "", "yes"),
    }


async def test_the_monitor_api_is_for_staff_of_the_unit_and_says_what_is_wrong(monitor):
    citizen = {"Authorization": f"Bearer {issue_dev_token('citizen', '19121212-1212')}"}
    other_unit = staff_headers(units=("SE2321000115-E00000000013",))

    as_citizen = await monitor.client.get("/api/v1/clocks", headers=citizen)
    unknown_status = await monitor.client.get("/api/v1/clocks", params={"status": "late"}, headers=staff_headers())
    without_token = await monitor.client.get("/api/v1/alerts")
    elsewhere = await monitor.client.get("/api/v1/clocks", headers=other_unit)

    assert as_citizen.status_code == 403 and without_token.status_code == 401
    assert unknown_status.status_code == 422 and unknown_status.json()["errors"][0]["field"] == "status"
    assert "at_risk" in unknown_status.json()["errors"][0]["message"]
    assert all(c["unit"] == "SE2321000115-E00000000013" for c in elsewhere.json())
