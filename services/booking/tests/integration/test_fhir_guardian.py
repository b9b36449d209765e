"""A parent books for their child through FHIR, naming the child as the Patient participant by personnummer; custody
is asked of the triage service (a stand-in here) as the REST API asks it, and a stranger is refused."""

import asyncio
import base64
import json
from datetime import timedelta

import pytest
from booking_support import UNIT_OSKARSTROM, citizen, in_process_booking, personnummer, pseudonym, read_events_until
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.operationoutcome import OperationOutcome

from nara.shared.personnummer import normalise

FHIR = "/fhir/R4"
PERSONNUMMER = "http://electronichealth.se/identifier/personnummer"
PARENT, STRANGER, CHILD = personnummer(4101, 1984), personnummer(4102, 1984), personnummer(4103, 2019)


@pytest.fixture(scope="module")
async def triage_with_a_child():
    """The triage service's guardianships as a stand-in: PARENT has CHILD, nobody else has children."""
    import uvicorn
    from fastapi import FastAPI, Request

    from nara.devstack.processes import free_port

    stub = FastAPI()

    @stub.get("/api/v1/guardianships/mine")
    async def children(request: Request) -> dict:
        token = request.headers["authorization"].partition(" ")[2]
        claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
        mine = claims["sub"] == normalise(PARENT) or claims["sub"] == PARENT
        return {"children": [{"personnummer": normalise(CHILD), "name": "Vidar", "age": 7}] if mine else []}

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(stub, host="127.0.0.1", port=port, log_config=None, lifespan="off"))
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers only this flag to wait on
        await asyncio.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task


@pytest.fixture(scope="module")
async def booking(infrastructure, triage_with_a_child):
    async with in_process_booking(infrastructure, prefix="fhirguard", triage_url=triage_with_a_child) as booking:
        yield booking


def for_child(slot_reference: str) -> dict:
    child = {"actor": {"type": "Patient", "identifier": {"system": PERSONNUMMER, "value": CHILD}}, "status": "accepted"}
    appointment = {"resourceType": "Appointment", "status": "proposed", "slot": [{"reference": slot_reference}]}
    appointment["participant"] = [child]
    return {"resourceType": "Parameters", "parameter": [{"name": "appointment", "resource": appointment}]}


async def test_a_parent_holds_and_books_for_their_child_and_a_stranger_cannot(booking, kafka_bootstrap):
    client = booking.client
    start = (booking.clock.now() + timedelta(days=2)).isoformat()
    slots = await client.get(
        f"{FHIR}/Slot",
        params={"schedule": UNIT_OSKARSTROM, "start": f"ge{start}", "_count": "2"},
        headers=citizen(PARENT),
    )
    first, second = [e.resource.id for e in Bundle.model_validate(slots.json()).entry]

    held = await client.post(f"{FHIR}/Appointment/$hold", json=for_child(f"Slot/{first}"), headers=citizen(PARENT))
    booked = await client.post(f"{FHIR}/Appointment/$book", json=for_child(f"Slot/{first}"), headers=citizen(PARENT))
    by_stranger = await client.post(
        f"{FHIR}/Appointment/$book", json=for_child(f"Slot/{second}"), headers=citizen(STRANGER)
    )
    child_search = {"patient:identifier": f"{PERSONNUMMER}|{CHILD}"}
    parents_search = await client.get(f"{FHIR}/Appointment", params=child_search, headers=citizen(PARENT))
    strangers_search = await client.get(f"{FHIR}/Appointment", params=child_search, headers=citizen(STRANGER))
    parents_own = await client.get(f"{FHIR}/Appointment", headers=citizen(PARENT))

    assert held.status_code == 200, held.text
    assert booked.status_code == 200, booked.text
    appointment = Bundle.model_validate(booked.json()).entry[0].resource
    assert appointment.status == "booked"
    assert normalise(CHILD)[2:] not in booked.text and CHILD not in booked.text
    assert by_stranger.status_code == 403
    assert OperationOutcome.model_validate(by_stranger.json()).issue[0].code == "forbidden"
    assert [e.resource.id for e in Bundle.model_validate(parents_search.json()).entry] == [appointment.id]
    assert strangers_search.status_code == 403
    assert Bundle.model_validate(parents_own.json()).total == 0  # the child's time is not the parent's own
    events, _ = await read_events_until(
        kafka_bootstrap,
        "nara.appointments.v1",
        lambda seen: any(getattr(e.data, "appointment_id", None) == appointment.id for e in seen),
    )
    [announced] = [e for e in events if getattr(e.data, "appointment_id", None) == appointment.id]
    assert announced.subject == pseudonym(CHILD)
