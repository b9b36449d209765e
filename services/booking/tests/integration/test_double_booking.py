"""No double booking: many citizens at once, over real HTTP to a real booking process."""

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta

import httpx
from booking_support import UNIT_OSKARSTROM, citizen, personnummer, staff


async def free_slots(client: httpx.AsyncClient, time_type: str, count: int) -> list[dict]:
    start = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    response = await client.get(
        "/api/v1/slots",
        headers=citizen(personnummer(0, 1970)),
        params={"unit": UNIT_OSKARSTROM, "from": start, "page_size": 100},
    )
    return [s for s in response.json()["slots"] if s["time_type"]["code"] == time_type][:count]


async def attempt_all(client: httpx.AsyncClient, attempts: list[tuple[str, str]]) -> list[httpx.Response]:
    return await asyncio.gather(
        *(
            client.post("/api/v1/appointments", json={"slot_id": slot_id}, headers=citizen(pnr))
            for pnr, slot_id in attempts
        )
    )


async def test_200_concurrent_attempts_on_10_slots_give_exactly_10_bookings(booking_service):
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(base_url=booking_service, limits=limits, timeout=120) as client:
        slots = await free_slots(client, "SSK_BESOK", 10)
        attempts = [(personnummer(1000 + n, 1975), slots[n % 10]["id"]) for n in range(200)]

        answers = await attempt_all(client, attempts)
        listed = await client.get("/api/v1/appointments", headers=staff([UNIT_OSKARSTROM]))

    statuses = Counter(a.status_code for a in answers)
    assert statuses == {201: 10, 409: 190}
    assert {a.json()["code"] for a in answers if a.status_code == 409} == {"slot_taken"}
    assert all("Välj en annan tid" in a.json()["detail"] for a in answers if a.status_code == 409)
    booked_slots = Counter(
        a["start"] for a in listed.json() if a["status"] == "booked" and a["time_type"]["code"] == "SSK_BESOK"
    )
    assert sorted(booked_slots.values()) == [1] * 10


async def test_a_drop_in_slot_takes_exactly_its_capacity(booking_service):
    async with httpx.AsyncClient(base_url=booking_service, timeout=120) as client:
        [drop_in] = await free_slots(client, "DSK_DROPIN", 1)
        attempts = [(personnummer(2000 + n, 1976), drop_in["id"]) for n in range(40)]

        answers = await attempt_all(client, attempts)

    assert drop_in["free_seats"] == 4
    assert Counter(a.status_code for a in answers) == {201: 4, 409: 36}
