"""A unit's weekly templates, closures and holidays through the API (issue 15): the rules a template keeps, who
may change what, the CSV import, and a new practitioner bookable at once. Clock: Monday 23 November 2026."""

from datetime import date, datetime, time, timedelta

import asyncpg
import pytest
from booking_support import (
    UNIT_FALKENBERG,
    UNIT_FYLLINGE,
    UNIT_OSKARSTROM,
    citizen,
    in_process_booking,
    personnummer,
    staff,
)

from nara.shared.clock import STOCKHOLM

SCHEDULER = staff([UNIT_FALKENBERG], role="scheduler", hsa_id="SE2321000115-P000000950")
ADMIN = staff([UNIT_FALKENBERG], role="admin", hsa_id="SE2321000115-P000000951")
RECEPTION = staff([UNIT_FALKENBERG])
NURSE = "SE2321000115-P000000103"
OSKARSTROM_NURSE = "SE2321000115-P000000203"


@pytest.fixture(scope="module")
async def booking(infrastructure):
    async with in_process_booking(infrastructure, prefix="hours") as booking:
        yield booking


async def new_practitioner(booking, hsa_id: str, profession: str, unit: str = UNIT_FALKENBERG) -> None:
    await booking.fetch(
        "INSERT INTO practitioners (hsa_id, name, profession, unit) VALUES ($1, 'Ny Behandlare', $2, $3)",
        hsa_id,
        profession,
        unit,
    )


def templates(unit: str = UNIT_FALKENBERG) -> str:
    return f"/api/v1/care-units/{unit}/templates"


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), STOCKHOLM)


async def test_a_new_practitioners_template_is_bookable_at_once_without_a_restart(booking):
    nurse = "SE2321000115-P000000961"
    await new_practitioner(booking, nurse, "nurse")

    added = await booking.client.post(
        templates(),
        json={"practitioner": nurse, "weekday": 3, "start": "16:00", "end": "17:00", "time_type": "SSK_BESOK"},
        headers=SCHEDULER,
    )

    assert added.status_code == 201, added.text
    assert added.json() | {"id": 0} == {
        "id": 0,
        "practitioner": nurse,
        "weekday": 3,
        "weekday_name": "onsdag",
        "start": "16:00",
        "end": "17:00",
        "time_type": "SSK_BESOK",
        "valid_from": None,
        "valid_to": None,
    }
    found = await booking.free_slots(personnummer(7101), UNIT_FALKENBERG, profession="nurse", days_ahead=0, count=100)
    mine = [s for s in found if s["practitioner"]["hsa_id"] == nurse]
    assert mine, "the new nurse's Wednesday times are searchable at once"
    booked = await booking.book(personnummer(7101), mine[0]["id"])
    assert booked.status_code == 201, booked.text


async def test_a_template_gives_no_slot_on_a_public_holiday_or_a_closed_eve(booking):
    nurse = "SE2321000115-P000000962"
    await new_practitioner(booking, nurse, "nurse")

    added = await booking.client.post(
        templates(),
        json={"practitioner": nurse, "weekday": 4, "start": "08:00", "end": "09:00", "time_type": "SSK_BESOK"},
        headers=SCHEDULER,
    )

    assert added.status_code == 201, added.text
    rows = await booking.fetch("SELECT DISTINCT start_at FROM slots WHERE practitioner = $1", nurse)
    days = {row["start_at"].astimezone(STOCKHOLM).date() for row in rows}
    assert date(2026, 12, 17) in days
    assert date(2026, 12, 24) not in days  # julafton, closed in the region
    assert date(2026, 12, 31) not in days  # nyårsafton
    assert date(2027, 1, 7) in days


async def test_a_template_keeps_to_its_valid_days(booking):
    nurse = "SE2321000115-P000000963"
    await new_practitioner(booking, nurse, "nurse")

    added = await booking.client.post(
        templates(),
        json={
            "practitioner": nurse,
            "weekday": 2,
            "start": "13:00",
            "end": "14:00",
            "time_type": "SSK_TELEFON",
            "valid_from": "2026-12-08",
            "valid_to": "2026-12-15",
        },
        headers=SCHEDULER,
    )

    assert added.status_code == 201, added.text
    rows = await booking.fetch("SELECT DISTINCT start_at FROM slots WHERE practitioner = $1", nurse)
    assert {row["start_at"].astimezone(STOCKHOLM).date() for row in rows} == {date(2026, 12, 8), date(2026, 12, 15)}


@pytest.mark.parametrize(
    ("change", "status", "words"),
    [
        ({"start": "08:30", "end": "09:30"}, 409, "överlappar"),  # Maria works 08:00-12:00 on Mondays
        ({"time_type": "FYS_BESOK"}, 422, "annan yrkesgrupp"),
        ({"start": "17:00", "end": "17:10"}, 422, "för kort"),
        ({"start": "17:00", "end": "16:00"}, 422, "Sluttiden"),
        ({"time_type": "FINNS_INTE"}, 422, "Tidtypen finns inte"),
        ({"practitioner": OSKARSTROM_NURSE}, 404, "behandlare"),
        ({"start": "8 på morgonen"}, 422, ""),
        ({"weekday": 8}, 422, ""),
        ({"valid_from": "2027-02-01", "valid_to": "2027-01-01", "start": "17:00", "end": "18:00"}, 422, "Giltig till"),
    ],
)
async def test_a_template_that_breaks_a_rule_is_refused_in_swedish(booking, change, status, words):
    body = {"practitioner": NURSE, "weekday": 1, "start": "13:00", "end": "14:00", "time_type": "SSK_BESOK"} | change

    refused = await booking.client.post(templates(), json=body, headers=SCHEDULER)

    assert refused.status_code == status, refused.text
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert words in refused.json()["detail"]


async def test_an_overlap_in_other_valid_days_is_allowed(booking):
    body = {
        "practitioner": NURSE,
        "weekday": 6,
        "start": "09:00",
        "end": "10:00",
        "time_type": "SSK_BESOK",
        "valid_to": "2026-12-31",
    }
    first = await booking.client.post(templates(), json=body, headers=SCHEDULER)
    clash = await booking.client.post(templates(), json=body | {"valid_to": None}, headers=SCHEDULER)
    later = await booking.client.post(
        templates(), json=body | {"valid_from": "2027-01-01", "valid_to": None}, headers=SCHEDULER
    )

    assert first.status_code == 201, first.text
    assert clash.status_code == 409, clash.text
    assert later.status_code == 201, later.text


async def test_a_time_type_of_another_unit_cannot_be_used(booking):
    connection = await asyncpg.connect(booking.database_url)
    try:
        await connection.execute(
            """INSERT INTO time_types (code, name, profession, contact_form, length_minutes, web_cancel_allowed,
                   web_rebook_allowed, unit)
               VALUES ('OSK_SSK', 'Oskarströms sjuksköterska', 'nurse', 'clinic', 20, true, true, $1)""",
            UNIT_OSKARSTROM,
        )
    finally:
        await connection.close()
    body = {"practitioner": NURSE, "weekday": 7, "start": "10:00", "end": "11:00", "time_type": "OSK_SSK"}

    refused = await booking.client.post(templates(), json=body, headers=SCHEDULER)

    assert refused.status_code == 422, refused.text


async def test_who_may_change_and_read_a_units_hours(booking):
    body = {"practitioner": NURSE, "weekday": 7, "start": "12:00", "end": "13:00", "time_type": "SSK_BESOK"}
    oskarstrom_scheduler = staff([UNIT_OSKARSTROM], role="scheduler", hsa_id="SE2321000115-P000000952")

    assert (await booking.client.post(templates(), json=body, headers=RECEPTION)).status_code == 403
    assert (await booking.client.post(templates(), json=body, headers=oskarstrom_scheduler)).status_code == 403
    assert (await booking.client.post(templates(), json=body, headers=citizen(personnummer(7102)))).status_code == 403
    closure = {"first_day": "2026-12-20", "reason": "Stängt"}
    assert (
        await booking.client.post(f"/api/v1/care-units/{UNIT_FALKENBERG}/closures", json=closure, headers=RECEPTION)
    ).status_code == 403
    assert (
        await booking.client.post(
            f"/api/v1/care-units/{UNIT_FALKENBERG}/closures", json=closure, headers=oskarstrom_scheduler
        )
    ).status_code == 403
    # Reception reads its own unit's hours (to plan with patients), not another unit's.
    assert (await booking.client.get(templates(), headers=RECEPTION)).status_code == 200
    assert (await booking.client.get(templates(UNIT_FYLLINGE), headers=RECEPTION)).status_code == 403
    assert (await booking.client.get(templates(), headers=citizen(personnummer(7102)))).status_code == 403
    assert (
        await booking.client.get(f"/api/v1/care-units/{UNIT_FYLLINGE}/appointments-to-move", headers=SCHEDULER)
    ).status_code == 403
    # An admin plans at their own units.
    assert (await booking.client.post(templates(), json=body, headers=ADMIN)).status_code == 201
    [created] = [t for t in (await booking.client.get(templates(), headers=RECEPTION)).json() if t["weekday"] == 7]
    removed = await booking.client.delete(f"{templates()}/{created['id']}", headers=oskarstrom_scheduler)
    assert removed.status_code == 403
    assert (
        await booking.client.delete(f"{templates(UNIT_OSKARSTROM)}/{created['id']}", headers=oskarstrom_scheduler)
    ).status_code == 404


async def test_a_closure_is_checked(booking):
    url = f"/api/v1/care-units/{UNIT_FALKENBERG}/closures"
    past = await booking.client.post(url, json={"first_day": "2026-11-01", "reason": "Stängt"}, headers=SCHEDULER)
    backwards = await booking.client.post(
        url, json={"first_day": "2026-12-10", "last_day": "2026-12-01", "reason": "Stängt"}, headers=SCHEDULER
    )
    with_pnr = await booking.client.post(
        url, json={"first_day": "2026-12-10", "reason": "Patient 19121212-1212 flyttar"}, headers=SCHEDULER
    )
    elsewhere = await booking.client.post(
        url, json={"practitioner": OSKARSTROM_NURSE, "first_day": "2026-12-10", "reason": "Ledig"}, headers=SCHEDULER
    )
    empty = await booking.client.post(url, json={"first_day": "2026-12-10", "reason": " "}, headers=SCHEDULER)

    assert [r.status_code for r in (past, backwards, with_pnr, elsewhere, empty)] == [422, 422, 422, 404, 422]
    assert "passerat" in past.json()["detail"]


async def test_the_public_holidays_are_computed_with_the_regions_closed_eves(booking):
    answer = await booking.client.get("/api/v1/holidays", params={"year": 2027}, headers=RECEPTION)

    assert answer.status_code == 200, answer.text
    days = {day["date"]: day for day in answer.json()}
    assert days["2027-06-25"] == {"date": "2027-06-25", "name": "midsommarafton", "kind": "eve", "closed": True}
    assert days["2027-03-27"]["name"] == "påskafton" and days["2027-03-27"]["closed"] is False
    assert days["2027-05-06"] == {
        "date": "2027-05-06",
        "name": "kristi himmelsfärdsdag",
        "kind": "public_holiday",
        "closed": True,
    }
    coming = (await booking.client.get("/api/v1/holidays", headers=RECEPTION)).json()
    assert coming[0]["date"] == "2026-12-24" and coming[-1]["date"] <= "2027-11-23"
    assert (await booking.client.get("/api/v1/holidays", params={"year": 1800}, headers=RECEPTION)).status_code == 422


CSV = (
    "\ufeffbehandlare;veckodag;start;slut;tidtyp;giltig_fran;giltig_till\n"
    "SE2321000115-P000000971;1;08:00;10:00;SSK_BESOK;;\n"
    "SE2321000115-P000000971;onsdag;13:00;15:00;SSK_TELEFON;2026-12-01;\n"
    "SE2321000115-P000000971;Fredag;08:00;09:00;SSK_BESOK;;2027-06-30\n"
)


async def test_a_csv_import_is_all_or_nothing_and_the_same_file_twice_adds_nothing(booking):
    await new_practitioner(booking, "SE2321000115-P000000971", "nurse")
    url = f"{templates()}/import"
    headers = SCHEDULER | {"Content-Type": "text/csv"}

    first = await booking.client.post(url, content=CSV.encode(), headers=headers)
    again = await booking.client.post(url, content=CSV.encode(), headers=headers)

    assert first.status_code == 200, first.text
    assert first.json() == {"added": 3, "already_there": 0}
    assert again.json() == {"added": 0, "already_there": 3}
    mine = (
        await booking.client.get(templates(), params={"practitioner": "SE2321000115-P000000971"}, headers=SCHEDULER)
    ).json()
    assert [(t["weekday"], t["start"], t["time_type"]) for t in mine] == [
        (1, "08:00", "SSK_BESOK"),
        (3, "13:00", "SSK_TELEFON"),
        (5, "08:00", "SSK_BESOK"),
    ]
    assert await booking.fetch("SELECT 1 FROM slots WHERE practitioner = 'SE2321000115-P000000971'")


async def test_a_csv_with_bad_lines_lists_every_one_and_imports_none(booking):
    await new_practitioner(booking, "SE2321000115-P000000972", "nurse")
    bad = (
        "behandlare,veckodag,start,slut,tidtyp,giltig_fran,giltig_till\n"
        "SE2321000115-P000000972,tisdag,08:00,10:00,SSK_BESOK,,\n"  # good
        "SE2321000115-P000000972,funday,08:00,10:00,SSK_BESOK,,\n"  # line 3: no such day
        "SE2321000115-P000000972,2,09:00,11:00,SSK_BESOK,,\n"  # line 4: overlaps line 2
        "SE2321000115-P000000972,3,08:00,10:00,FYS_BESOK,,\n"  # line 5: another profession
        "SE2321000115-P000000972,4,25:00,10:00,SSK_BESOK,,\n"  # line 6: no such time
    )

    refused = await booking.client.post(
        f"{templates()}/import", content=bad.encode(), headers=SCHEDULER | {"Content-Type": "text/csv"}
    )

    assert refused.status_code == 422, refused.text
    errors = refused.json()["errors"]
    assert [e["field"] for e in errors] == ["rad 3", "rad 4", "rad 5", "rad 6"]  # as the practitioners import
    assert not any(e["message"].startswith("Rad") for e in errors)  # the line is the field, not said twice
    assert "inget har lästs in" in refused.json()["detail"]
    assert not await booking.fetch("SELECT 1 FROM weekly_templates WHERE practitioner = 'SE2321000115-P000000972'")
    latin1 = await booking.client.post(
        f"{templates()}/import", content="behandlare;veckodag\nå".encode("latin-1"), headers=SCHEDULER
    )
    assert latin1.status_code == 422
    reception = await booking.client.post(f"{templates()}/import", content=CSV.encode(), headers=RECEPTION)
    assert reception.status_code == 403


@pytest.fixture(scope="module")
async def autumn(infrastructure):
    """The clock a week before the autumn change (Sunday 31 October 2027), three weeks of horizon."""
    async with in_process_booking(
        infrastructure, prefix="hoursdst", now=datetime(2027, 10, 18, 9, 0, tzinfo=STOCKHOLM), slot_horizon_days=21
    ) as booking:
        yield booking


async def test_a_template_valid_across_the_autumn_change_keeps_the_wall_clock(autumn):
    nurse = "SE2321000115-P000000981"
    await new_practitioner(autumn, nurse, "nurse")

    added = await autumn.client.post(
        templates(),
        json={
            "practitioner": nurse,
            "weekday": 1,
            "start": "08:00",
            "end": "09:00",
            "time_type": "SSK_TELEFON",
            "valid_from": "2027-10-25",
            "valid_to": "2027-11-01",
        },
        headers=SCHEDULER,
    )

    assert added.status_code == 201, added.text
    rows = await autumn.fetch("SELECT start_at, end_at FROM slots WHERE practitioner = $1 ORDER BY start_at", nurse)
    firsts = sorted({row["start_at"] for row in rows if row["start_at"].astimezone(STOCKHOLM).time() == time(8)})
    assert firsts == [local(date(2027, 10, 25), 8), local(date(2027, 11, 1), 8)]
    assert [f.utcoffset() for f in (firsts[0].astimezone(STOCKHOLM), firsts[1].astimezone(STOCKHOLM))] == [
        timedelta(hours=2),
        timedelta(hours=1),
    ]
    assert all(row["end_at"] - row["start_at"] == timedelta(minutes=15) for row in rows)
    assert len(rows) == 8  # four 15-minute times on each of the two Mondays
