"""Min vård against real PostgreSQL and Kafka: staff write the agreement, fixed contacts and plan; each change is
announced once as se.nara.patient-contract.updated.v1 with no personnummer; the citizen reads it with their agreed
times and one next step; a guardian reads their child's; nobody reads another's; every staff read is logged."""

from __future__ import annotations

import asyncio
import base64
import json
import uuid

import asyncpg
import pytest
import uvicorn
from booking_support import (
    UNIT_FALKENBERG,
    UNIT_OSKARSTROM,
    citizen,
    in_process_booking,
    personnummer,
    pseudonym,
    read_events_until,
    staff,
)
from fastapi import FastAPI, Request

from nara.devstack.processes import free_port
from nara.shared.identity import reads_of_patient

UPDATED = "se.nara.patient-contract.updated.v1"
NURSE = "SE2321000115-P000000103"  # Maria Svensson at Falkenberg (demo.py)
DOCTOR = "SE2321000115-P000000102"  # Erik Johansson, a doctor at Falkenberg
RECEPTION_HSA = "SE2321000115-P000000901"
RECEPTION = staff((UNIT_FALKENBERG,))
RUN = uuid.uuid4().int % 5000 * 10  # Kafka keeps earlier runs' events: this run's patients are its own
GUARDIAN, CHILD = personnummer(RUN + 1, 1980), personnummer(RUN + 2, 2019)


@pytest.fixture(scope="module")
async def custody_triage():
    """A stand-in for the triage service's guardianships: GUARDIAN has CHILD, nobody else has children."""
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
    async with in_process_booking(infrastructure, prefix="contract", triage_url=custody_triage) as booking:
        yield booking


async def book_at_falkenberg(booking, pnr: str, days_ahead: int = 3) -> dict:
    [slot] = await booking.free_slots(pnr, UNIT_FALKENBERG, profession="nurse", days_ahead=days_ahead, count=1)
    booked = await booking.book(pnr, slot["id"])
    assert booked.status_code == 201, booked.text
    return booked.json()


async def put(booking, part: str, body: dict, headers=RECEPTION, key: str | None = None):
    headers = {**headers, "Idempotency-Key": key} if key else headers
    return await booking.client.put(f"/api/v1/patient-contract/{part}", json=body, headers=headers)


async def updates_in_outbox(booking, patient_pnr: str) -> list[dict]:
    rows = await booking.fetch(
        """SELECT convert_from(value, 'UTF8') AS event FROM outbox
           WHERE convert_from(value, 'UTF8')::jsonb ->> 'type' = $1
             AND convert_from(value, 'UTF8')::jsonb ->> 'subject' = $2""",
        UPDATED,
        pseudonym(patient_pnr),
    )
    return [json.loads(row["event"]) for row in rows]


async def test_staff_write_the_contract_and_the_citizen_reads_it_with_one_next_step(booking, kafka_bootstrap):
    pnr = personnummer(RUN + 3, 1970)
    booked = await book_at_falkenberg(booking, pnr)
    agreement = {"patient": pnr, "care_does": "Vi följer upp ditt blodtryck.", "patient_does": "Mät hemma."}
    plan = {
        "patient": pnr,
        "items": [
            {"what": "Promenera 30 minuter", "who": "Du", "when": {"kind": "when_suits"}},
            {"what": "Ta blodprov", "who": "Sjuksköterska", "when": {"kind": "week", "day": "2026-12-09"}},
        ],
    }

    wrote_agreement = await put(booking, "agreement", agreement, key="a-1")
    repeated = await put(booking, "agreement", agreement, key="a-1")
    same_again = await put(booking, "agreement", agreement)
    wrote_contacts = await put(booking, "fixed-contacts", {"patient": pnr, "practitioners": [NURSE], "doctor": DOCTOR})
    wrote_plan = await put(booking, "plan", plan)
    seen = await booking.client.get("/api/v1/patient-contract", headers=citizen(pnr))

    assert wrote_agreement.status_code == 200, wrote_agreement.text
    assert wrote_agreement.json()["changed"] is True and repeated.json() == wrote_agreement.json()
    assert same_again.json()["changed"] is False, "the same text again is no change"
    assert wrote_contacts.status_code == 200 and wrote_plan.status_code == 200, wrote_plan.text
    contract = seen.json()
    assert seen.status_code == 200, seen.text
    assert contract["agreement"]["care_does"] == "Vi följer upp ditt blodtryck."
    assert contract["agreement"]["written_by"] == RECEPTION_HSA
    assert [(c["hsa_id"], c["fixed_doctor"]) for c in contract["fixed_care_contacts"]] == [
        (DOCTOR, True),
        (NURSE, False),
    ]
    assert [t["id"] for t in contract["agreed_times"]] == [booked["id"]]
    assert [i["when"] for i in contract["plan"]["items"]] == [
        {"kind": "when_suits", "day": None},
        {"kind": "week", "day": "2026-12-07"},
    ]
    assert contract["next_step"]["kind"] == "agreed_time"
    assert contract["next_step"]["appointment"]["id"] == booked["id"]
    assert contract["care_unit"]["hsa_id"] == UNIT_FALKENBERG

    written = await updates_in_outbox(booking, pnr)
    # One event per change: none for the repeated key, none for the same text again.
    assert sorted(part for e in written for part in e["data"]["parts"]) == ["agreement", "fixed_contacts", "plan"]
    for event in written:
        assert pnr not in json.dumps(event) and pnr.replace("-", "") not in json.dumps(event)
        assert event["data"]["patient"] == pseudonym(pnr) and event["data"]["unit"] == UNIT_FALKENBERG
    on_kafka, _ = await read_events_until(
        kafka_bootstrap,
        "nara.appointments.v1",
        lambda events: len([e for e in events if e.type == UPDATED and e.subject == pseudonym(pnr)]) >= 3,
    )
    assert len([e for e in on_kafka if e.type == UPDATED and e.subject == pseudonym(pnr)]) == 3


async def test_without_a_coming_time_the_next_step_is_the_plan_and_then_the_unit(booking):
    pnr = personnummer(RUN + 4, 1970)
    booked = await book_at_falkenberg(booking, pnr)
    cancel = await booking.client.post(
        f"/api/v1/appointments/{booked['id']}/cancel", json={"reason": "Mår bättre"}, headers=citizen(pnr)
    )
    assert cancel.status_code == 200, cancel.text
    empty = await booking.client.get("/api/v1/patient-contract", headers=citizen(pnr))
    await put(
        booking,
        "plan",
        {"patient": pnr, "items": [{"what": "Ring om svaret", "when": {"kind": "date", "day": "2026-11-30"}}]},
    )
    planned = await booking.client.get("/api/v1/patient-contract", headers=citizen(pnr))

    assert (
        empty.json()["next_step"]
        == {
            "kind": "contact_unit",
            "unit": empty.json()["care_unit"],
        }
        and empty.json()["care_unit"]["name"]
    )
    assert planned.json()["next_step"]["kind"] == "planned_activity"
    assert planned.json()["next_step"]["activity"]["what"] == "Ring om svaret"


async def test_a_citizen_cannot_read_anothers_contract_and_a_guardian_reads_their_childs(booking):
    stranger = personnummer(RUN + 5, 1970)
    await book_at_falkenberg(booking, CHILD, days_ahead=4)
    await put(booking, "agreement", {"patient": CHILD, "care_does": "Vi ses på BVC.", "patient_does": ""})

    by_guardian = await booking.client.get(
        "/api/v1/patient-contract", params={"patient": CHILD}, headers=citizen(GUARDIAN)
    )
    by_stranger = await booking.client.get(
        "/api/v1/patient-contract", params={"patient": CHILD}, headers=citizen(stranger)
    )
    strangers_own = await booking.client.get("/api/v1/patient-contract", headers=citizen(stranger))

    assert by_guardian.status_code == 200, by_guardian.text
    assert by_guardian.json()["agreement"]["care_does"] == "Vi ses på BVC."
    assert by_stranger.status_code == 403
    assert by_stranger.headers["content-type"].startswith("application/problem+json")
    assert strangers_own.status_code == 200 and strangers_own.json()["agreement"] is None


async def test_staff_read_only_their_units_patients_and_every_read_and_write_is_logged(booking):
    pnr = personnummer(RUN + 6, 1970)
    await book_at_falkenberg(booking, pnr)

    read = await booking.client.get("/api/v1/patient-contract", params={"patient": pnr}, headers=RECEPTION)
    elsewhere = staff((UNIT_OSKARSTROM,), hsa_id="SE2321000115-P000000902")
    not_theirs = await booking.client.get("/api/v1/patient-contract", params={"patient": pnr}, headers=elsewhere)
    write_elsewhere = await put(booking, "agreement", {"patient": pnr, "care_does": "x"}, headers=elsewhere)
    by_citizen = await put(booking, "agreement", {"patient": pnr, "care_does": "x"}, headers=citizen(pnr))
    await put(booking, "agreement", {"patient": pnr, "care_does": "Vi ringer dig."})

    assert read.status_code == 200, read.text
    assert not_theirs.status_code == 404 and write_elsewhere.status_code == 404
    assert by_citizen.status_code == 403
    connection = await asyncpg.connect(booking.database_url)
    try:
        logged = await reads_of_patient(connection, pseudonym(pnr))
    finally:
        await connection.close()
    actions = [(r.staff_id, r.action) for r in logged if r.resource.startswith("patient-contract/")]
    assert (RECEPTION_HSA, "read patient contract") in actions
    assert (RECEPTION_HSA, "write agreement") in actions
    assert all(r.patient == pseudonym(pnr) for r in logged)


async def test_bad_input_is_a_clear_problem_and_nothing_is_half_written(booking):
    pnr = personnummer(RUN + 7, 1970)
    await book_at_falkenberg(booking, pnr)
    ten = [f"SE2321000115-P0000001{n:02d}" for n in range(1, 10)] + ["SE2321000115-P000000201"]
    two_units = staff((UNIT_FALKENBERG, UNIT_OSKARSTROM))
    too_many = await put(booking, "fixed-contacts", {"patient": pnr, "practitioners": ten}, headers=two_units)
    nurse_as_doctor = await put(booking, "fixed-contacts", {"patient": pnr, "practitioners": [], "doctor": NURSE})
    plan_without_when = await put(
        booking, "plan", {"patient": pnr, "items": [{"what": "Blodprov", "when": {"kind": "date"}}]}
    )
    personnummer_in_text = await put(
        booking, "agreement", {"patient": pnr, "care_does": f"Ring {personnummer(RUN + 8, 1970)}"}
    )
    after = await booking.client.get("/api/v1/patient-contract", headers=citizen(pnr))

    assert nurse_as_doctor.status_code == 422 and "läkare" in nurse_as_doctor.json()["detail"]
    assert plan_without_when.status_code == 422 and "Aktivitet 1" in plan_without_when.json()["detail"]
    assert personnummer_in_text.status_code == 422 and "personnummer" in personnummer_in_text.json()["detail"]
    assert too_many.status_code == 422 and "högst 9" in too_many.json()["detail"], too_many.text
    assert after.json()["agreement"] is None and after.json()["plan"]["items"] == []
    assert after.json()["fixed_care_contacts"] == []
    assert await updates_in_outbox(booking, pnr) == []
