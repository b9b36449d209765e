"""Issue 13, finding 4 and OWASP API1: nobody reaches another unit's or another citizen's data by naming it.

The walk takes every operation of the OpenAPI document (a new path is walked without anyone adding it here),
fills it with unit A's and citizen A's resources, and calls it as staff of unit B in each staff role and as
citizen B. Each answer is 403 or 404; only a list may answer 200, and then without A's data. Afterwards A's
appointment, slot and fixed care contact are as they were.
"""

from __future__ import annotations

import json
import uuid

import pytest
from booking_support import UNIT_FALKENBERG, UNIT_OSKARSTROM, citizen, personnummer, pseudonym, staff

CITIZEN_A, CITIZEN_B = personnummer(1320), personnummer(1321)
STAFF_A = staff([UNIT_FALKENBERG], hsa_id="SE2321000115-P000000931")
OTHERS = {
    **{
        f"{role} at unit B": staff([UNIT_OSKARSTROM], role=role, hsa_id=f"SE2321000115-P00000094{n}")
        for n, role in enumerate(("reception", "clinician", "admin"))
    },
    "citizen B": citizen(CITIZEN_B),
}
# Lists: they answer 200 with the caller's own (or nobody's) data. Care units are public.
LISTS = {
    ("GET", "/api/v1/units"),
    ("GET", "/api/v1/appointments"),
    ("POST", "/api/v1/fixed-care-contacts/list"),
    ("GET", "/api/v1/care-units"),
    ("GET", "/api/v1/holidays"),  # the region's public holidays, computed: nobody's data
}
# The region's own, no unit's: an administrator adds care units and the region's time types (who may: test_setup_api).
REGION_WIDE = {("POST", "/api/v1/care-units"), ("POST", "/api/v1/time-types"), ("PUT", "/api/v1/time-types/{code}")}


@pytest.fixture(scope="module")
async def unit_a(guarded_booking):
    """Citizen A's contact, appointment and fixed care contact at unit A (Falkenberg), and two free slots there."""
    booking = guarded_booking
    contact_id = str(uuid.uuid4())
    await booking.fetch(
        """INSERT INTO contacts (contact_id, patient, unit, listed_unit, sought_at, guarantee_deadline, urgency,
               care_level, professions, guarantee_applies, triaged_at)
           VALUES ($1, $2, $3, $3, $4::timestamptz, $4::timestamptz + interval '3 days', 'green', 'within_3_days',
                   '{nurse}', true, $4::timestamptz)""",
        contact_id,
        pseudonym(CITIZEN_A),
        UNIT_FALKENBERG,
        booking.clock.now(),
    )
    booked_slot, *free = await booking.free_slots(CITIZEN_A, UNIT_FALKENBERG, profession="nurse", count=3)
    booked = await booking.client.post(
        "/api/v1/appointments",
        headers=STAFF_A,
        json={"slot_id": booked_slot["id"], "patient": CITIZEN_A, "contact_id": contact_id},
    )
    practitioner = booked_slot["practitioner"]["hsa_id"]
    fixed = await booking.client.put(
        "/api/v1/fixed-care-contacts", headers=STAFF_A, json={"patient": CITIZEN_A, "practitioner": practitioner}
    )
    assert booked.status_code == 201 and fixed.status_code == 200, (booked.text, fixed.text)
    # citizen A waits for an earlier time and has an offer of one open (waitlist_api.py's accept and decline)
    entry_id, offer_id = uuid.uuid4(), uuid.uuid4()
    await booking.fetch(
        """INSERT INTO waitlist_entries (id, contact_id, patient, units, weekdays, day_parts, contact_forms,
               joined_by, joined_by_id, joined_at, updated_at)
           VALUES ($1, $2, $3, ARRAY[$4], '{0,1,2,3,4}', '{morning}', '{clinic}', 'patient', $3, $5, $5)""",
        entry_id,
        contact_id,
        pseudonym(CITIZEN_A),
        UNIT_FALKENBERG,
        booking.clock.now(),
    )
    await booking.fetch(
        """INSERT INTO waitlist_offers (id, token_sha256, slot_id, entry_id, contact_id, patient, unit, hold_id,
               offered_at, hold_until)
           VALUES ($1, decode(md5(random()::text) || md5(random()::text), 'hex'), $2::uuid, $3, $4, $5, $6,
                   gen_random_uuid(), $7::timestamptz, $7::timestamptz + interval '1 day')""",
        offer_id,
        free[1]["id"],
        entry_id,
        contact_id,
        pseudonym(CITIZEN_A),
        UNIT_FALKENBERG,
        booking.clock.now(),
    )
    return {
        "contact_id": contact_id,
        "appointment_id": booked.json()["id"],
        "slot_id": booked_slot["id"],
        "free_slot_id": free[0]["id"],
        "practitioner": practitioner,
        "start": booked_slot["start"],
        "offer_id": str(offer_id),
    }


def _values(a: dict) -> dict:
    """What each parameter or body field is called with: always unit A's, citizen A's."""
    return {
        "appointment_id": a["appointment_id"],
        "slot_id": a["free_slot_id"],
        "contact_id": a["contact_id"],
        "patient": CITIZEN_A,
        "unit": UNIT_FALKENBERG,
        "practitioner": a["practitioner"],
        "reason": "Genomgång",
        "medical_assessment": True,
        "fixed_doctor": False,
        "hsa_id": a["practitioner"],  # a practitioner at unit A
        "code": "LAK_BESOK",  # a time type unit A uses
        "name": "Genomgång",
        "address": "Storgatan 1, 311 31 Falkenberg",
        "phone": "0346-123 45",
        "profession": "nurse",
        "length_minutes": 20,
        "contact_form": "clinic",
        "booking_channel": "web",
        # a unit's hours (hours_api.py): A's first weekly template, and a closure or absence at A
        "template_id": 1,
        "closure_id": str(uuid.uuid4()),
        "weekday": 1,
        "start": "08:00",
        "end": "09:00",
        "time_type": "SSK_BESOK",
        "first_day": "2027-01-04",
        # Min vård (patient_contract_api.py): the fixed contacts and plan staff of unit A write
        "practitioners": [a["practitioner"]],
        "items": [{"what": "Blodprov", "when": {"kind": "when_suits"}}],
        "care_does": "Genomgång",
        # the waitlist (waitlist_api.py): the units whose times suit citizen A
        "units": [UNIT_FALKENBERG],
        "offer_id": a["offer_id"],  # citizen A's open offer of an earlier time
        # reminders (reminder_api.py): citizen A's choice, by ?patient=
        "by": "none",
    }


def _operations(document: dict) -> list[tuple[str, str, dict]]:
    return [
        (method.upper(), path, operation)
        for path, operations in document["paths"].items()
        if path.startswith("/api/")
        for method, operation in operations.items()
        if (method.upper(), path) not in REGION_WIDE
    ]


def _body_fields(document: dict, operation: dict) -> dict:
    schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    if schema is None:
        return {}
    name = schema["$ref"].rsplit("/", 1)[1]
    return document["components"]["schemas"][name]


def _request(document: dict, method: str, path: str, operation: dict, a: dict) -> dict:
    """The call, with every path and query parameter and every body field set to A's resource."""
    values, query, body = _values(a), {}, None
    for parameter in operation.get("parameters", []):
        name, where = parameter["name"], parameter["in"]
        if where == "path":
            assert name in values, f"{method} {path}: give the walk a value for the path parameter {name!r}"
            path = path.replace("{" + name + "}", str(values[name]))
        elif where == "query" and name in values:
            query[name] = values[name]
        elif where == "query":
            assert not parameter.get("required"), f"{method} {path}: give the walk a value for {name!r}"
    schema = _body_fields(document, operation)
    if schema:
        missing = [f for f in schema.get("required", []) if f not in values]
        assert not missing, f"{method} {path}: give the walk values for the body fields {missing}"
        body = {field: values[field] for field in schema["properties"] if field in values}
    return {"method": method, "url": path, "params": query, "json": body}


def _without_instance(answer) -> str:
    """The answer's text, but for a problem's `instance`: the caller's own path echoed (a practitioner's HSA-id in
    /care-units/{unit}/practitioners/{hsa_id} is no leak)."""
    if answer.headers.get("content-type", "").startswith("application/problem+json"):
        return json.dumps({k: v for k, v in answer.json().items() if k != "instance"}, ensure_ascii=False)
    return answer.text


async def test_every_endpoint_refuses_another_units_staff_and_another_citizen(guarded_booking, unit_a):
    """OWASP API1 across the whole API: 403 or 404, or a list without A's data; and nothing of A's changes."""
    booking = guarded_booking
    document = (await booking.client.get("/openapi.json")).json()
    operations = _operations(document)
    secrets = [unit_a["appointment_id"], unit_a["contact_id"], pseudonym(CITIZEN_A), CITIZEN_A, unit_a["practitioner"]]
    leaks, walked = [], 0
    for method, path, operation in operations:
        call = _request(document, method, path, operation, unit_a)
        for caller, headers in OTHERS.items():
            answer = await booking.client.request(**call, headers={**headers, "Idempotency-Key": str(uuid.uuid4())})
            walked += 1
            text = _without_instance(answer)
            listed = (method, path) in LISTS and answer.status_code == 200
            if not (answer.status_code in (403, 404) or listed) or any(secret in text for secret in secrets):
                leaks.append(
                    f"{caller}: {method} {path} {json.dumps(call['params'] or call['json'])} -> "
                    f"{answer.status_code} {text[:160]}"
                )

    appointment = await booking.client.get(f"/api/v1/appointments/{unit_a['appointment_id']}", headers=STAFF_A)
    fixed = await booking.client.post("/api/v1/fixed-care-contacts/list", headers=STAFF_A, json={"patient": CITIZEN_A})
    slots = await booking.fetch("SELECT blocked, reserved FROM slots WHERE id = $1::uuid", unit_a["free_slot_id"])
    offer = await booking.fetch("SELECT state FROM waitlist_offers WHERE id = $1::uuid", unit_a["offer_id"])
    assert leaks == [], "\n".join(leaks)
    assert walked == len(operations) * len(OTHERS) and len(operations) >= 14
    assert (appointment.json()["status"], appointment.json()["start"]) == ("booked", unit_a["start"])
    assert [c["practitioner"] for c in fixed.json()] == [unit_a["practitioner"]]
    assert [(r["blocked"], r["reserved"]) for r in slots] == [(False, 0)]
    assert [r["state"] for r in offer] == ["open"]  # nobody else accepted or declined A's offer


async def test_staff_at_another_unit_do_not_see_a_patients_fixed_care_contacts(guarded_booking, unit_a):
    """Finding 4: staff at unit B read a patient's fixed care contacts at unit A (POST /fixed-care-contacts/list)."""
    booking = guarded_booking
    at_b = staff([UNIT_OSKARSTROM], hsa_id="SE2321000115-P000000950")
    at_both = staff([UNIT_FALKENBERG, UNIT_OSKARSTROM], hsa_id="SE2321000115-P000000951")

    by_b = await booking.client.post("/api/v1/fixed-care-contacts/list", headers=at_b, json={"patient": CITIZEN_A})
    by_both = await booking.client.post(
        "/api/v1/fixed-care-contacts/list", headers=at_both, json={"patient": CITIZEN_A}
    )

    assert by_b.status_code == 200 and by_b.json() == []
    assert [c["practitioner"] for c in by_both.json()] == [unit_a["practitioner"]]


async def test_staff_at_another_unit_cannot_search_or_book_with_unit_as_contact(guarded_booking, unit_a):
    """OWASP API1: a contact id of unit A told staff at B its care level and bookable times, and could be booked."""
    booking = guarded_booking
    at_b = staff([UNIT_OSKARSTROM], hsa_id="SE2321000115-P000000952")
    [slot_b] = (
        await booking.client.get(
            "/api/v1/slots", headers=at_b, params={"unit": UNIT_OSKARSTROM, "profession": "nurse", "page_size": 1}
        )
    ).json()["slots"]

    searched = await booking.client.get(
        "/api/v1/slots", headers=at_b, params={"unit": UNIT_OSKARSTROM, "contact_id": unit_a["contact_id"]}
    )
    booked = await booking.client.post(
        "/api/v1/appointments",
        headers=at_b,
        json={"slot_id": slot_b["id"], "patient": CITIZEN_A, "contact_id": unit_a["contact_id"]},
    )
    held = await booking.client.post("/api/v1/holds", headers=at_b, json={"slot_id": unit_a["free_slot_id"]})

    assert searched.status_code == 404 and searched.json()["code"] == "not_found"
    assert booked.status_code == 404
    assert held.status_code == 404


async def test_a_contact_is_booked_only_for_its_own_patient(guarded_booking, unit_a):
    """OWASP API1: staff booked another patient's time on unit A's contact, stopping the wrong patient's clock."""
    booking = guarded_booking
    [slot] = await booking.free_slots(CITIZEN_A, UNIT_FALKENBERG, profession="nurse", days_ahead=6, count=1)

    wrong = await booking.client.post(
        "/api/v1/appointments",
        headers=STAFF_A,
        json={"slot_id": slot["id"], "patient": personnummer(1322), "contact_id": unit_a["contact_id"]},
    )

    assert wrong.status_code == 404
