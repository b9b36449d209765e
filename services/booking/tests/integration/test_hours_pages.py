"""The hours pages over HTTP (issue 15): a scheduler adds, changes and removes weekly hours and closures with plain
forms (no JavaScript, CSRF checked), sees errors in the summary and beside the field, moves a displaced booking;
reception reads but cannot change. Clock: Monday 23 November 2026."""

from datetime import date, datetime, time

import pytest
from booking_support import (
    UNIT_FALKENBERG,
    hidden_field,
    in_process_booking,
    log_in_to_schedule,
    personnummer,
    pseudonym,
)

from nara.shared.clock import STOCKHOLM

NURSE = "SE2321000115-P000000103"
PHYSIO = "SE2321000115-P000000105"  # Johan Berg: FYS_BESOK weekdays 08:00-16:00
BASE = "/personal/schema"
Q = {"enhet": UNIT_FALKENBERG}


@pytest.fixture(scope="module")
async def booking(infrastructure):
    async with in_process_booking(infrastructure, prefix="hourspages") as booking:
        yield booking


@pytest.fixture
async def scheduler(booking):
    booking.client.cookies.clear()
    await log_in_to_schedule(booking.client, "scheduler", [UNIT_FALKENBERG], hsa_id="SE2321000115-P000000950")
    yield booking.client
    booking.client.cookies.clear()


@pytest.fixture
async def reception(booking):
    booking.client.cookies.clear()
    await log_in_to_schedule(booking.client, "reception", [UNIT_FALKENBERG])
    yield booking.client
    booking.client.cookies.clear()


async def csrf(client, path: str = "/mallar") -> str:
    page = await client.get(BASE + path, params=Q)
    assert page.status_code == 200, page.text
    return hidden_field(page.text, "csrf")


async def test_the_week_page_shows_a_practitioners_hours_by_weekday(scheduler):
    page = await scheduler.get(f"{BASE}/mallar", params=Q | {"behandlare": NURSE})

    assert page.status_code == 200
    assert "Veckoschema för Maria Svensson" in page.text
    assert "08:00–12:00" in page.text and "Sjuksköterskebesök" in page.text
    assert "Lägg till pass" in page.text and 'name="csrf"' in page.text


async def test_a_scheduler_adds_hours_with_the_form_and_the_slots_exist_at_once(scheduler, booking):
    token = await csrf(scheduler)
    form = {"csrf": token, "behandlare": NURSE, "veckodag": "6", "start": "09:00", "slut": "10:00"}

    added = await scheduler.post(f"{BASE}/mallar", params=Q, data=form | {"tidtyp": "SSK_BESOK"})

    assert added.status_code == 303, added.text
    shown = await scheduler.get(added.headers["location"])
    assert "Passet är sparat" in shown.text and "09:00–10:00" in shown.text
    saturday = datetime.combine(date(2026, 11, 28), time(9), STOCKHOLM)
    assert await booking.fetch("SELECT 1 FROM slots WHERE practitioner = $1 AND start_at = $2", NURSE, saturday)


async def test_the_same_hours_on_several_weekdays_are_one_form_all_or_none(scheduler, booking):
    token = await csrf(scheduler)
    form = {"csrf": token, "behandlare": PHYSIO, "start": "17:00", "slut": "18:30", "tidtyp": "FYS_BESOK"}

    added = await scheduler.post(f"{BASE}/mallar", params=Q, data=form | {"veckodag": ["2", "4"]})
    overlapping = await scheduler.post(f"{BASE}/mallar", params=Q, data=form | {"veckodag": ["3", "4"]})
    none_chosen = await scheduler.post(f"{BASE}/mallar", params=Q, data=form)

    assert added.status_code == 303, added.text
    rows = await booking.fetch(
        "SELECT weekday FROM weekly_templates WHERE practitioner = $1 AND starts = '17:00' ORDER BY weekday", PHYSIO
    )
    assert [row["weekday"] for row in rows] == [2, 4]  # Wednesday's was refused with Thursday's overlap
    assert overlapping.status_code == 409 and "överlappar" in overlapping.text
    assert none_chosen.status_code == 422 and "Välj minst en veckodag." in none_chosen.text
    assert none_chosen.text.count("Välj veckodag.") == 0


async def test_a_bad_form_shows_each_error_in_the_summary_and_beside_its_field(scheduler):
    token = await csrf(scheduler)
    form = {"csrf": token, "behandlare": NURSE, "veckodag": "1", "start": "8", "slut": "10:00", "tidtyp": ""}

    refused = await scheduler.post(f"{BASE}/mallar", params=Q, data=form)

    assert refused.status_code == 422
    assert "Det finns ett problem" in refused.text
    assert 'href="#start"' in refused.text and 'id="start-fel"' in refused.text
    assert 'href="#tidtyp"' in refused.text
    overlap = await scheduler.post(
        f"{BASE}/mallar", params=Q, data=form | {"start": "09:00", "slut": "10:00", "tidtyp": "SSK_BESOK"}
    )
    assert overlap.status_code == 409
    assert "överlappar" in overlap.text


async def test_a_form_without_its_csrf_token_changes_nothing(scheduler, booking):
    before = await booking.fetch("SELECT count(*) AS n FROM weekly_templates")
    form = {"behandlare": NURSE, "veckodag": "7", "start": "09:00", "slut": "10:00", "tidtyp": "SSK_BESOK"}

    refused = await scheduler.post(f"{BASE}/mallar", params=Q, data=form | {"csrf": "fel"})

    assert refused.status_code == 400
    assert await booking.fetch("SELECT count(*) AS n FROM weekly_templates") == before


async def test_a_closure_with_a_booking_lists_it_to_move_and_staff_move_it(scheduler, booking):
    pnr = personnummer(7301)
    [slot] = await booking.fetch(
        "SELECT id FROM slots WHERE practitioner = $1 AND start_at = $2 AND withdrawn_at IS NULL",
        NURSE,
        datetime(2026, 12, 9, 9, 0, tzinfo=STOCKHOLM),
    )
    booked = await booking.book(pnr, str(slot["id"]))
    assert booked.status_code == 201, booked.text
    token = await csrf(scheduler, "/stangt")

    closed = await scheduler.post(
        f"{BASE}/stangt",
        params=Q,
        data={"csrf": token, "vem": "behandlare", "behandlare": NURSE, "forsta_dag": "2026-12-09", "anledning": "Kurs"},
    )

    assert closed.status_code == 303, closed.text
    listed = await scheduler.get(f"{BASE}/att-flytta", params=Q)
    assert "Behandlaren är borta" in listed.text and "Maria Svensson" in listed.text
    assert pnr not in listed.text
    move = await scheduler.get(f"{BASE}/att-flytta/{booked.json()['id']}", params=Q)
    assert move.status_code == 200 and "Välj en ny tid" in move.text
    logged = await booking.fetch("SELECT action FROM access_log WHERE patient = $1 ORDER BY read_at", pseudonym(pnr))
    assert {"list bookings to move", "open booking to move"} <= {row["action"] for row in logged}
    first_time = move.text.split('name="tid" type="radio" value="')[1].split('"')[0]

    moved = await scheduler.post(
        f"{BASE}/att-flytta/{booked.json()['id']}",
        params=Q,
        data={"csrf": hidden_field(move.text, "csrf"), "tid": first_time},
    )

    assert moved.status_code == 303, moved.text
    after = await scheduler.get(moved.headers["location"])
    assert "Bokningen är flyttad" in after.text
    assert booked.json()["id"] not in after.text


async def test_the_closures_page_shows_the_computed_holidays(scheduler):
    page = await scheduler.get(f"{BASE}/stangt", params=Q)

    assert page.status_code == 200
    assert "Julafton" in page.text and "2026-12-24" in page.text
    assert "Påskafton" in page.text  # an eve the region keeps open
    assert "Öppet" in page.text and "Stängt" in page.text


async def test_reception_reads_the_hours_but_is_refused_a_change_in_swedish(reception):
    week = await reception.get(f"{BASE}/mallar", params=Q)
    closures = await reception.get(f"{BASE}/stangt", params=Q)

    assert week.status_code == 200 and "Ändringar gör enhetens schemaläggare" in week.text
    assert "Lägg till pass" not in week.text
    assert closures.status_code == 200 and "Lägg till" not in closures.text
    token = hidden_field(week.text, "csrf")  # the logout form's
    refused = await reception.post(
        f"{BASE}/mallar",
        params=Q,
        data={
            "csrf": token,
            "behandlare": NURSE,
            "veckodag": "7",
            "start": "09:00",
            "slut": "10:00",
            "tidtyp": "SSK_BESOK",
        },
    )
    assert refused.status_code == 403
    assert "schemaläggare" in refused.text


async def test_a_pasted_file_with_bad_lines_lists_each_line_once_and_imports_nothing(scheduler, booking):
    token = await csrf(scheduler)
    text = (
        "behandlare,veckodag,start,slut,tidtyp,giltig_fran,giltig_till\n"
        f"{NURSE},lördag,13:00,14:00,SSK_BESOK,,\n"  # good, but the file goes in whole or not at all
        f"{NURSE},funday,08:00,10:00,SSK_BESOK,,\n"  # line 3: no such day
    )
    before = await booking.fetch("SELECT count(*) AS n FROM weekly_templates")

    refused = await scheduler.post(f"{BASE}/mallar/importera", params=Q, data={"csrf": token, "fil": text})

    assert refused.status_code == 422
    assert "Filen har 1 fel och inget har lästs in" in refused.text
    assert refused.text.count("Rad 3: ") == 1  # the line named once, as the practitioners' import names it
    assert await booking.fetch("SELECT count(*) AS n FROM weekly_templates") == before
