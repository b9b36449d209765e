"""'Påminnelser' (/paminnelser) as plain forms: a guardian chooses SMS reminders for their child (`?barn=1`), the
choice is stored under the child's pseudonym and read back by the API; a wrong number is shown beside its field and
nothing is saved; a citizen without that child is refused; a form without the session's CSRF token saves nothing."""

import asyncio
import base64
import json
import uuid

import pytest
import uvicorn
from booking_support import citizen, hidden_field, in_process_booking, personnummer, pseudonym
from fastapi import FastAPI, Request

from nara.devstack.processes import free_port
from nara.shared.identity import issue_dev_token

RUN = uuid.uuid4().int % 5000 * 10
GUARDIAN, CHILD, STRANGER = personnummer(RUN + 1, 1980), personnummer(RUN + 2, 2019), personnummer(RUN + 3, 1990)


@pytest.fixture(scope="module")
async def custody_triage():
    """A stand-in for the triage service's guardianships: GUARDIAN has CHILD (Alva), nobody else has children."""
    stub = FastAPI()

    @stub.get("/api/v1/guardianships/mine")
    async def children(request: Request) -> dict:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        payload = token.split(".")[1]
        subject = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sub"]
        mine = subject.replace("-", "") == GUARDIAN.replace("-", "")
        return {"children": [{"personnummer": CHILD.replace("-", ""), "name": "Alva", "age": 7}] if mine else []}

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(stub, host="127.0.0.1", port=port, log_config=None, lifespan="off"))
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers only this flag to wait on
        await asyncio.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task


@pytest.fixture(scope="module")
async def booking(infrastructure, custody_triage):
    async with in_process_booking(infrastructure, prefix="reminderpages", triage_url=custody_triage) as booking:
        yield booking


def session(pnr: str) -> dict[str, str]:
    return {"Cookie": f"nara_session={issue_dev_token('citizen', pnr)}"}


async def test_a_guardian_chooses_sms_reminders_for_their_child(booking):
    mine = await booking.client.get("/paminnelser", headers=session(GUARDIAN))
    form = await booking.client.get("/paminnelser?barn=1", headers=session(GUARDIAN))
    csrf = hidden_field(form.text, "csrf")
    wrong = await booking.client.post(
        "/paminnelser?barn=1", headers=session(GUARDIAN), data={"csrf": csrf, "satt": "sms", "mobil": "08-123"}
    )
    saved = await booking.client.post(
        "/paminnelser?barn=1", headers=session(GUARDIAN), data={"csrf": csrf, "satt": "sms", "mobil": "0701234567"}
    )
    shown = await booking.client.get(saved.headers["location"], headers=session(GUARDIAN))
    by_api = await booking.client.get(
        "/api/v1/reminder-preferences", params={"patient": CHILD}, headers=citizen(GUARDIAN)
    )
    own = await booking.client.get("/api/v1/reminder-preferences", headers=citizen(GUARDIAN))

    assert mine.status_code == 200 and "Påminnelser för Alva" in mine.text
    assert "inga påminnelser, eftersom inget val är gjort" in mine.text
    assert form.status_code == 200 and "<h1" in form.text and "Påminnelser för Alva</h1>" in form.text
    assert wrong.status_code == 400 and "Skriv ett mobilnummer" in wrong.text
    assert saved.status_code == 303 and saved.headers["location"] == "/paminnelser?barn=1&klart=ja"
    assert "Ditt val är sparat" in shown.text and "sms till +46701234567" in shown.text
    assert by_api.json()["by"] == "sms" and by_api.json()["address"] == "+46701234567"
    assert own.json()["chosen"] is False  # the guardian's own choice is their own
    rows = await booking.fetch("SELECT patient, reach_by, reach_at, updated_by FROM reminder_preferences")
    assert [tuple(row) for row in rows] == [(pseudonym(CHILD), "sms", "+46701234567", pseudonym(GUARDIAN))]


async def test_nobody_chooses_for_a_child_not_theirs_and_a_form_without_its_token_saves_nothing(booking):
    stranger = await booking.client.get("/paminnelser?barn=1", headers=session(STRANGER))
    by_api = await booking.client.put(
        "/api/v1/reminder-preferences",
        params={"patient": CHILD},
        json={"by": "email", "address": "fel@example.se"},
        headers=citizen(STRANGER),
    )
    forged = await booking.client.post(
        "/paminnelser", headers=session(STRANGER), data={"csrf": "forged", "satt": "email", "epost": "x@example.se"}
    )
    anonymous = await booking.client.get("/paminnelser", headers={"Cookie": ""})

    assert stranger.status_code == 404
    assert by_api.status_code == 403
    assert forged.status_code != 303
    assert anonymous.status_code in (303, 401)
    assert not await booking.fetch("SELECT 1 FROM reminder_preferences WHERE patient = $1", pseudonym(STRANGER))
