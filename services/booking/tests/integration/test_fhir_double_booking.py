"""No double booking through FHIR: 200 clients at once on 10 slots, each $find → $book over real HTTP to a real
booking process, book exactly 10; every answer is a valid Bundle or OperationOutcome."""

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

import httpx
from booking_support import UNIT_OSKARSTROM, citizen, personnummer
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.operationoutcome import OperationOutcome

FHIR = "/fhir/R4"


async def ten_free_slots(client: httpx.AsyncClient) -> list[dict]:
    start = (datetime.now(UTC) + timedelta(days=4)).isoformat()
    parameters = [
        {"name": "location", "valueString": UNIT_OSKARSTROM},
        {"name": "start", "valueDateTime": start},
        {"name": "service-type", "valueString": "SSK_BESOK"},
        {"name": "_count", "valueInteger": 10},
    ]
    found = await client.post(
        f"{FHIR}/Appointment/$find",
        json={"resourceType": "Parameters", "parameter": parameters},
        headers=citizen(personnummer(3000, 1977)),
    )
    assert found.status_code == 200, found.text
    return [e.resource.model_dump(mode="json") for e in Bundle.model_validate(found.json()).entry]


def book_body(proposed: dict) -> dict:
    appointment = {"resourceType": "Appointment", "status": "proposed", "slot": proposed["slot"]}
    return {"resourceType": "Parameters", "parameter": [{"name": "appointment", "resource": appointment}]}


async def test_200_concurrent_fhir_bookings_on_10_slots_give_exactly_10(booking_service):
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(base_url=booking_service, limits=limits, timeout=120) as client:
        proposed = await ten_free_slots(client)
        assert len(proposed) == 10
        answers = await asyncio.gather(
            *(
                client.post(
                    f"{FHIR}/Appointment/$book",
                    json=book_body(proposed[n % 10]),
                    headers=citizen(personnummer(3001 + n, 1977)),
                )
                for n in range(200)
            )
        )

    assert Counter(a.status_code for a in answers) == {200: 10, 409: 190}
    booked = [Bundle.model_validate(a.json()).entry[0].resource for a in answers if a.status_code == 200]
    assert all(b.status == "booked" for b in booked)
    assert sorted(b.slot[0].reference for b in booked) == sorted(p["slot"][0]["reference"] for p in proposed)
    outcomes = [OperationOutcome.model_validate(a.json()) for a in answers if a.status_code == 409]
    assert {o.issue[0].code for o in outcomes} == {"conflict"}
    assert all("Välj en annan tid" in (o.issue[0].diagnostics or "") for o in outcomes)
