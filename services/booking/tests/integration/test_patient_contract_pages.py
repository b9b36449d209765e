"""Min vård's pages without a browser: staff write the agreement, fixed contacts and plan on
/personal/schema/min-vard with plain forms (CSRF checked, the personnummer only in form bodies), and the citizen
reads them on /min-vard; a wrong plan row is shown beside its field and nothing is saved."""

from __future__ import annotations

import uuid

import httpx
import pytest
from booking_support import (
    UNIT_FALKENBERG,
    hidden_field,
    in_process_booking,
    log_in_to_schedule,
    personnummer,
)

from nara.shared.identity import issue_dev_token

DOCTOR = "SE2321000115-P000000102"  # Erik Johansson (demo.py)
NURSE = "SE2321000115-P000000103"  # Maria Svensson
PAGE = "/personal/schema/min-vard"
RUN = uuid.uuid4().int % 5000 * 10


@pytest.fixture(scope="module")
async def booking(infrastructure):
    async with in_process_booking(infrastructure, prefix="contractpages") as booking:
        yield booking


async def staff_client(booking) -> httpx.AsyncClient:
    client = httpx.AsyncClient(transport=booking.client._transport, base_url="http://booking")
    answer = await log_in_to_schedule(client, "reception", [UNIT_FALKENBERG])
    assert answer.status_code == 303, answer.text
    return client


async def post(client: httpx.AsyncClient, data: dict) -> httpx.Response:
    form = await client.get(PAGE)
    return await client.post(PAGE, data={"csrf": hidden_field(form.text, "csrf"), **data})


async def test_staff_write_the_contract_in_forms_and_the_citizen_reads_it(booking):
    pnr = personnummer(RUN + 1, 1960)
    [slot] = await booking.free_slots(pnr, UNIT_FALKENBERG, profession="nurse", days_ahead=3, count=1)
    assert (await booking.book(pnr, slot["id"])).status_code == 201
    staff = await staff_client(booking)
    try:
        shown = await post(staff, {"patient": pnr})
        agreement = await post(
            staff,
            {"patient": pnr, "del": "overenskommelse", "vard_gor": "Vi ringer dig.", "patient_gor": "Väg dig."},
        )
        contacts = await post(staff, {"patient": pnr, "del": "kontakter", "kontakter": NURSE, "lakare": DOCTOR})
        wrong_plan = await post(
            staff, {"patient": pnr, "del": "plan", "vad-1": "Blodprov", "nar-1": "date", "dag-1": "i morgon"}
        )
        plan = await post(
            staff, {"patient": pnr, "del": "plan", "vad-1": "Blodprov", "nar-1": "week", "dag-1": "2026-12-02"}
        )
    finally:
        await staff.aclose()
    mine = await booking.client.get("/min-vard", headers={"Cookie": f"nara_session={issue_dev_token('citizen', pnr)}"})

    assert shown.status_code == 200 and "Överenskommelse" in shown.text, shown.text
    assert pnr not in str(shown.url), "the personnummer never lands in an address"
    assert agreement.status_code == 200 and "Överenskommelsen är sparad" in agreement.text
    assert contacts.status_code == 200 and "vårdkontakterna är sparade" in contacts.text
    assert wrong_plan.status_code == 422 and "Rad 1: skriv dagen som ÅÅÅÅ-MM-DD" in wrong_plan.text
    assert plan.status_code == 200 and "Planen är sparad" in plan.text
    assert mine.status_code == 200, mine.text
    for seen in ("Vi ringer dig.", "Väg dig.", "Erik Johansson", "Fast läkarkontakt", "Maria Svensson", "Blodprov"):
        assert seen in mine.text, seen
    assert "Vecka 49 (30 november–6 december)" in mine.text
    assert "Din nästa tid är" in mine.text, "the coming agreed time is the one next step"


async def test_a_patient_without_contact_with_the_unit_is_refused_on_the_page(booking):
    staff = await staff_client(booking)
    try:
        refused = await post(staff, {"patient": personnummer(RUN + 2, 1960)})
        bad_number = await post(staff, {"patient": "1912"})
    finally:
        await staff.aclose()
    assert refused.status_code == 404 and "ingen kontakt med dina enheter" in refused.text
    assert bad_number.status_code == 422 and "12 siffror" in bad_number.text


async def test_min_vard_without_a_login_asks_for_one_and_another_persons_page_is_refused(booking):
    anonymous = await booking.client.get("/min-vard", headers={"Cookie": ""})
    pnr = personnummer(RUN + 3, 1960)
    other = await booking.client.get(
        "/min-vard",
        params={"vem": "p-someone-else"},
        headers={"Cookie": f"nara_session={issue_dev_token('citizen', pnr)}"},
    )
    assert anonymous.status_code in (303, 307) and "logga-in" in anonymous.headers["location"]
    assert other.status_code == 403
