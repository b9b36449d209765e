"""Idempotency-Key on registration, triage, assessment and close (issue 12, finding 7): a retry gets the first answer
again and makes no second contact and no second event; the same key for another request is a 422 problem."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import asyncpg
from booking_support import STREP_THROAT_ANSWERS as STREP
from booking_support import personnummer, pseudonym

from nara.shared.identity import issue_dev_token

UNIT = "SE2321000115-E00000000011"
YEAR = 1976  # this module's patients


def as_staff(role="reception", hsa="SE2321000115-P000000874"):
    return {"Authorization": f"Bearer {issue_dev_token(role, hsa, units=[UNIT])}"}


def keyed(key: str, role="reception", hsa="SE2321000115-P000000874"):
    return {**as_staff(role, hsa), "Idempotency-Key": key}


async def stored(triage, query: str, *args):
    connection = await asyncpg.connect(triage.database_url)
    try:
        return await connection.fetchval(query, *args)
    finally:
        await connection.close()


async def events_of(triage, patient_pnr: str, event_type: str) -> int:
    return await stored(
        triage,
        "SELECT count(*) FROM outbox WHERE message_key = $1 AND convert_from(value, 'UTF8') LIKE '%' || $2 || '%'",
        pseudonym(patient_pnr),
        event_type,
    )


async def test_a_retried_registration_makes_one_contact_and_one_event(triage):
    pnr = personnummer(301, YEAR)
    body = {"patient": pnr, "unit": UNIT, "channel": "phone_unit", "reason_code": "sore_throat"}

    first = await triage.post("/api/v1/contacts", headers=keyed("reg-301"), json=body)
    retry = await triage.post("/api/v1/contacts", headers=keyed("reg-301"), json=body)

    assert first.status_code == retry.status_code == 201
    assert retry.json() == first.json()
    assert await stored(triage, "SELECT count(*) FROM contacts WHERE patient = $1", pseudonym(pnr)) == 1
    assert await events_of(triage, pnr, "se.nara.contact.registered.v1") == 1


async def test_concurrent_twins_with_one_key_make_one_contact(triage):
    pnr = personnummer(302, YEAR)
    body = {"patient": pnr, "unit": UNIT, "channel": "walk_in", "reason_code": "sore_throat"}

    answers = await asyncio.gather(
        *(triage.post("/api/v1/contacts", headers=keyed("reg-302"), json=body) for _ in range(5))
    )

    assert {a.status_code for a in answers} == {201} and len({a.json()["id"] for a in answers}) == 1
    assert await stored(triage, "SELECT count(*) FROM contacts WHERE patient = $1", pseudonym(pnr)) == 1


async def test_the_same_key_for_another_request_is_a_problem_and_keys_are_per_caller(triage):
    body = {"patient": personnummer(303, YEAR), "unit": UNIT, "channel": "phone_unit", "reason_code": "sore_throat"}

    first = await triage.post("/api/v1/contacts", headers=keyed("reg-303"), json=body)
    changed = await triage.post(
        "/api/v1/contacts", headers=keyed("reg-303"), json={**body, "patient": personnummer(304, YEAR)}
    )
    colleague = await triage.post(
        "/api/v1/contacts",
        headers=keyed("reg-303", hsa="SE2321000115-P000000875"),
        json={**body, "patient": personnummer(304, YEAR)},
    )
    too_long = await triage.post("/api/v1/contacts", headers=keyed("k" * 201), json=body)

    assert first.status_code == 201
    assert changed.status_code == 422 and changed.headers["content-type"] == "application/problem+json"
    assert changed.json()["code"] == "idempotency_key_reused" and "Idempotency-Key" in changed.json()["detail"]
    assert colleague.status_code == 201 and colleague.json()["id"] != first.json()["id"]
    assert too_long.status_code == 422


async def test_triage_assessment_and_close_answer_a_retry_with_the_first_answer(triage):
    pnr = personnummer(305, YEAR)
    contact = (
        await triage.post(
            "/api/v1/contacts",
            headers=as_staff(),
            json={"patient": pnr, "unit": UNIT, "channel": "phone_unit", "reason_code": "sore_throat"},
        )
    ).json()
    path = f"/api/v1/contacts/{contact['id']}"
    assessment = {"assessed_at": triage.clock.now().isoformat(), "profession": "nurse", "contact_form": "phone"}
    clinician = "SE2321000115-P000000876"

    triaged = [await triage.post(f"{path}/triage", headers=keyed("t-305"), json={"answers": STREP}) for _ in range(2)]
    assessed = [
        await triage.post(f"{path}/assessment", headers=keyed("a-305", "clinician", clinician), json=assessment)
        for _ in range(2)
    ]
    closed = [
        await triage.post(f"{path}/close", headers=keyed("c-305"), json={"reason": "withdrawn"}) for _ in range(2)
    ]
    close_unkeyed = await triage.post(f"{path}/close", headers=as_staff(), json={"reason": "withdrawn"})

    assert triaged[0].status_code == triaged[1].status_code == 200 and triaged[1].json() == triaged[0].json()
    assert assessed[0].status_code == 200 and assessed[1].json() == assessed[0].json()
    assert closed[0].status_code == 200 and closed[1].json() == closed[0].json()
    assert close_unkeyed.status_code == 409  # without a key a second close is a second request, refused as such
    assert await stored(triage, "SELECT count(*) FROM triage_decisions WHERE contact_id = $1", contact["id"]) == 1
    for kind in ("triaged", "assessed", "closed"):
        assert await events_of(triage, pnr, f"se.nara.contact.{kind}.v1") == 1


async def test_a_refusal_is_the_first_answer_too(triage):
    body = {"patient": "19121212-1213", "unit": UNIT, "channel": "phone_unit"}

    first = await triage.post("/api/v1/contacts", headers=keyed("bad-number"), json=body)
    retry = await triage.post("/api/v1/contacts", headers=keyed("bad-number"), json=body)

    assert first.status_code == retry.status_code == 422 and retry.json() == first.json()
    assert first.headers["content-type"] == retry.headers["content-type"] == "application/problem+json"
    assert first.json()["title"] and "Personnumret" in first.json()["detail"]


async def test_keys_older_than_a_week_are_forgotten_and_newer_ones_still_answer(triage):
    from nara.shared.retention import forget_rows

    body = {"patient": personnummer(306, YEAR), "unit": UNIT, "channel": "phone_unit", "reason_code": "sore_throat"}
    fresh = await triage.post("/api/v1/contacts", headers=keyed("fresh-306"), json=body)
    connection = await asyncpg.connect(triage.database_url)
    try:
        await connection.execute(
            "INSERT INTO idempotent_requests (caller, key, request_hash, status_code, response, created_at) "
            "VALUES ('staff:SE2321000115-P000000874', 'old-306', 'x', 201, '{}', $1)",
            triage.clock.now() - timedelta(days=8),
        )
        # What the service's background task does with TRIAGE_IDEMPOTENCY_RETENTION_HOURS (168 by default).
        forgotten = await forget_rows(
            connection, "idempotent_requests", "created_at", before=triage.clock.now() - timedelta(hours=168)
        )
        keys = {row["key"] for row in await connection.fetch("SELECT key FROM idempotent_requests")}
    finally:
        await connection.close()
    retry = await triage.post("/api/v1/contacts", headers=keyed("fresh-306"), json=body)

    assert forgotten == 1 and "old-306" not in keys and "fresh-306" in keys
    assert retry.json()["id"] == fresh.json()["id"]
