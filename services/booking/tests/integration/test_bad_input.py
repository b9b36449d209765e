"""Issue 13, findings 2 and 6: no input answers 500, and every refusal is a documented RFC 9457 problem."""

from __future__ import annotations

import json
import uuid

import pytest
from booking_support import UNIT_FALKENBERG, citizen, personnummer, staff

from nara.shared.web.problems import MEDIA_TYPE, PROBLEM_SCHEMA

PNR = personnummer(1301)
SLOTS = "/api/v1/slots?unit=" + UNIT_FALKENBERG
# (what, method, path, JSON body or raw text, expected status). "{appointment}" and "{slot}" are filled in.
BAD_INPUTS = [
    ("NUL in a query string", "GET", SLOTS + "&contact_id=a%00b", None, 400),
    ("NUL in a JSON string", "POST", "/api/v1/holds", {"slot_id": "{slot}", "contact_id": "a\x00b"}, 400),
    ("the last hour of 9999: the default end overflows", "GET", SLOTS + "&from=9999-12-31T23:00:00Z", None, 422),
    ("year 1 at +14:00: before the first instant", "GET", SLOTS + "&from=0001-01-01T00:00:00%2B14:00", None, 422),
    ("year 1 as the end", "GET", SLOTS + "&to=0001-01-01T00:00:00%2B14:00", None, 422),
    ("a page number past 64 bits", "GET", SLOTS + "&page=99999999999999999999", None, 422),
    ("a page size past 64 bits", "GET", SLOTS + "&page_size=99999999999999999999", None, 422),
    ("NaN for a UUID", "POST", "/api/v1/holds", '{"slot_id": NaN}', 422),
    ("NaN for a boolean", "POST", "/api/v1/appointments/{appointment}/complete", '{"medical_assessment": NaN}', 422),
    ("a unit that is no HSA-id", "GET", "/api/v1/slots?unit=" + "x" * 5000, None, 422),
    ("a profession that is no code", "GET", SLOTS + "&profession=" + "x" * 5000, None, 422),
    ("a contact id of 5000 characters", "POST", "/api/v1/holds", {"slot_id": "{slot}", "contact_id": "c" * 5000}, 422),
    (
        "a patient of 100 000 digits",
        "POST",
        "/api/v1/appointments",
        {"slot_id": "{slot}", "patient": "1" * 100_000},
        422,
    ),
    (
        "a practitioner that is no HSA-id",
        "PUT",
        "/api/v1/fixed-care-contacts",
        {"patient": PNR, "practitioner": "x" * 5000},
        422,
    ),
    ("an Idempotency-Key of 300 characters", "POST", "/api/v1/holds", {"slot_id": "{slot}"}, 422),
    ("a bell in a cancel reason", "POST", "/api/v1/appointments/{appointment}/cancel", {"reason": "a\x07b"}, 422),
    (
        "a cancel reason of 501 characters",
        "POST",
        "/api/v1/appointments/{appointment}/cancel",
        {"reason": "a" * 501},
        422,
    ),
    ("an appointment id that is no UUID", "GET", "/api/v1/appointments/not-a-uuid", None, 422),
]


@pytest.fixture(scope="module")
async def targets(booking):
    """A free slot and a booked appointment at Falkenberg, for the inputs to aim at."""
    free, taken = (await booking.free_slots(PNR, UNIT_FALKENBERG, profession="nurse", count=2))[:2]
    booked = await booking.client.post(
        "/api/v1/appointments", headers=staff([UNIT_FALKENBERG]), json={"slot_id": taken["id"], "patient": PNR}
    )
    assert booked.status_code == 201, booked.text
    return {"slot": free["id"], "appointment": booked.json()["id"]}


@pytest.mark.parametrize(("what", "method", "path", "body", "expected"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
async def test_bad_input_is_a_4xx_problem_never_a_500(booking, targets, what, method, path, body, expected):
    """Finding 2 (NUL bytes, calendar edges, huge page numbers, NaN) and every field's limits: a 4xx problem."""
    path = path.format(**targets)
    headers = {**staff([UNIT_FALKENBERG]), "Content-Type": "application/json"}
    if "Idempotency-Key" in what:
        headers["Idempotency-Key"] = "k" * 300
    content = None
    if body is not None:
        content = body if isinstance(body, str) else json.dumps(body).replace('"{slot}"', f'"{targets["slot"]}"')
    answer = await booking.client.request(method, path, headers=headers, content=content)

    assert answer.status_code == expected, answer.text
    assert answer.headers["content-type"].startswith(MEDIA_TYPE)
    problem = answer.json()
    assert problem["status"] == expected and isinstance(problem["detail"], str) and problem["title"]
    if expected == 422 and problem.get("errors"):
        assert all(error["message"] for error in problem["errors"])


async def test_a_default_end_near_the_calendar_limit_is_refused_with_the_field_named(booking):
    """Finding 2: `from` at 9999-12-31T23:00Z made `from + 14 days` overflow (500); now 422 naming `from`."""
    answer = await booking.client.get(SLOTS + "&from=9999-12-31T23:00:00Z", headers=citizen(PNR))

    assert answer.status_code == 422
    assert [error["field"] for error in answer.json()["errors"]] == ["from"]
    assert "mellan år 2000 och 2100" in answer.json()["errors"][0]["message"]


async def test_a_business_refusal_is_a_problem_with_its_code_kept(booking):
    """Finding 6: refusals answered {code, detail} off the spec; now problem details, `code` kept for clients."""
    first, second = personnummer(1302), personnummer(1303)
    [slot] = await booking.free_slots(first, UNIT_FALKENBERG, profession="nurse", days_ahead=3, count=1)
    booked = await booking.book(first, slot["id"])
    refused = await booking.book(second, slot["id"])

    assert booked.status_code == 201
    assert refused.status_code == 409 and refused.headers["content-type"].startswith(MEDIA_TYPE)
    problem = refused.json()
    assert {k: problem[k] for k in ("type", "status", "code")} == {
        "type": "urn:nara:problem:slot_taken",
        "status": 409,
        "code": "slot_taken",
    }
    assert "Välj en annan tid" in problem["detail"] and problem["title"]
    _conforms(problem)


async def test_an_answer_stored_in_the_old_shape_is_repeated_as_a_problem(booking):
    """Finding 6: a refusal stored under an Idempotency-Key before the change is answered in today's shape."""
    pnr, key = personnummer(1304), f"old-shape-{uuid.uuid4()}"
    [slot] = await booking.free_slots(pnr, UNIT_FALKENBERG, profession="nurse", count=1)
    first = await booking.client.post(
        "/api/v1/holds", json={"slot_id": slot["id"]}, headers={**citizen(pnr), "Idempotency-Key": key}
    )
    await booking.fetch(
        "UPDATE idempotent_requests SET status_code = 409, response = $2::jsonb WHERE key = $1",
        key,
        json.dumps({"code": "slot_taken", "detail": "Tiden hann bli bokad."}),
    )
    again = await booking.client.post(
        "/api/v1/holds", json={"slot_id": slot["id"]}, headers={**citizen(pnr), "Idempotency-Key": key}
    )

    assert first.status_code == 201
    assert again.status_code == 409 and again.headers["content-type"].startswith(MEDIA_TYPE)
    assert again.json()["code"] == "slot_taken" and again.json()["type"] == "urn:nara:problem:slot_taken"
    _conforms(again.json())


async def test_every_api_path_documents_its_refusals_as_problems(booking):
    """Finding 6: 401, 403, 404 and 409 were undocumented; every API operation now lists its problem statuses."""
    answer = await booking.client.get("/openapi.json")
    document = answer.json()
    undocumented = []
    for path, operations in document["paths"].items():
        if not path.startswith("/api/"):
            continue
        for method, operation in operations.items():
            responses = operation["responses"]
            for status in ("400", "401", "413", "422"):
                content = responses.get(status, {}).get("content", {})
                if MEDIA_TYPE not in content:
                    undocumented.append(f"{method.upper()} {path} {status}")
            if any(s in responses for s in ("403", "404", "409")) is False and path != "/api/v1/units":
                undocumented.append(f"{method.upper()} {path}: no 403, 404 or 409")
    assert undocumented == []


def _conforms(body: dict) -> None:
    """The members PROBLEM_SCHEMA requires, and each member of the type it documents."""
    types = {"string": str, "integer": int, "array": list}
    assert set(PROBLEM_SCHEMA["required"]) <= set(body)
    assert all(isinstance(value, types[PROBLEM_SCHEMA["properties"][name]["type"]]) for name, value in body.items())
