"""Object-level access (issue 13, OWASP API1): every operation of the triage API, walked with a token for another
unit and for another citizen, on a contact, a listing and a custody that belong to unit A and citizen A.

The operations come from the service's own OpenAPI document, so a new path fails here until it says how it is
called and what a stranger gets; the answer is always 403 or 404 and never the other patient's data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from booking_support import STREP_THROAT_ANSWERS as STREP
from booking_support import personnummer, pseudonym

from nara.shared.identity import issue_dev_token

UNIT_A = "SE2321000115-E00000000011"
UNIT_B = "SE2321000115-E00000000012"
YEAR = 1964  # this module's patients
CHILD_A = "20150101-0019"  # a child of citizen A, under 18 on the test clock's day


def token(kind: str, subject: str, units=()) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_dev_token(kind, subject, units=list(units))}"}


@dataclass(frozen=True)
class A:
    """What belongs to unit A and citizen A."""

    citizen: str
    contact_id: str


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    json: object = None
    params: dict | None = None
    content: bytes | None = None
    content_type: str | None = None


# How each operation is called on A's things. None: the operation holds no patient's or unit's data (the
# guidelines are the same text for everyone, and evaluate keeps no record), so there is nothing to walk.
OPERATIONS: dict[tuple[str, str], Callable[[A], Call] | None] = {
    ("GET", "/api/v1/guidelines"): None,
    ("GET", "/api/v1/guidelines/reasons/{code}"): None,
    ("POST", "/api/v1/triage/evaluate"): None,
    ("POST", "/api/v1/guidelines/reload"): lambda a: Call("POST", "/api/v1/guidelines/reload"),
    ("POST", "/api/v1/guardianships"): lambda a: Call(
        "POST", "/api/v1/guardianships", json={"guardian": a.citizen, "child": CHILD_A, "child_name": "Barnet"}
    ),
    ("POST", "/api/v1/guardianships/end"): lambda a: Call(
        "POST", "/api/v1/guardianships/end", json={"guardian": a.citizen, "child": CHILD_A}
    ),
    ("GET", "/api/v1/guardianships/mine"): lambda a: Call("GET", "/api/v1/guardianships/mine"),
    ("POST", "/api/v1/contacts"): lambda a: Call(
        "POST",
        "/api/v1/contacts",
        json={"patient": a.citizen, "unit": UNIT_A, "channel": "web", "reason_code": "sore_throat"},
    ),
    ("GET", "/api/v1/contacts"): lambda a: Call("GET", "/api/v1/contacts", params={"unit": UNIT_A}),
    ("GET", "/api/v1/contacts/{contact_id}"): lambda a: Call("GET", f"/api/v1/contacts/{a.contact_id}"),
    ("POST", "/api/v1/contacts/{contact_id}/triage"): lambda a: Call(
        "POST", f"/api/v1/contacts/{a.contact_id}/triage", json={"answers": STREP}
    ),
    ("POST", "/api/v1/contacts/{contact_id}/assessment"): lambda a: Call(
        "POST",
        f"/api/v1/contacts/{a.contact_id}/assessment",
        json={"assessed_at": "2026-11-23T10:00:00+01:00", "profession": "nurse", "contact_form": "phone"},
    ),
    ("POST", "/api/v1/contacts/{contact_id}/close"): lambda a: Call(
        "POST", f"/api/v1/contacts/{a.contact_id}/close", json={"reason": "withdrawn"}
    ),
    ("GET", "/api/v1/listings"): lambda a: Call("GET", "/api/v1/listings", params={"patient": a.citizen}),
    ("PUT", "/api/v1/listings"): lambda a: Call("PUT", "/api/v1/listings", json={"patient": a.citizen, "unit": UNIT_B}),
    ("POST", "/api/v1/listings/import"): lambda a: Call(
        "POST",
        "/api/v1/listings/import",
        content=f"personnummer;enhet;listad från\n{a.citizen};{UNIT_B};2024-01-01\n".encode(),
        content_type="text/csv",
    ),
    ("POST", "/api/v1/patients/identities"): lambda a: Call(
        "POST", "/api/v1/patients/identities", json={"pseudonyms": [pseudonym(a.citizen)]}
    ),
}
# A citizen's own children: answered (200) for any citizen, with only their own; the identities of patients:
# answered for care staff with only their own units' patients.
OWN_DATA_ONLY = {("GET", "/api/v1/guardianships/mine"), ("POST", "/api/v1/patients/identities")}


def strangers() -> dict[str, dict[str, str]]:
    """Staff of every role at unit B, and citizen B."""
    staff = {
        role: token(role, f"SE2321000115-P0000006{n}", [UNIT_B])
        for n, role in enumerate(("reception", "clinician", "ops"), start=10)
    }
    return {
        **{f"{role} at unit B": headers for role, headers in staff.items()},
        "citizen B": token("citizen", personnummer(2, YEAR)),
    }


async def things_of_a(triage) -> A:
    citizen = personnummer(1, YEAR)
    staff_a = token("reception", "SE2321000115-P000000601", [UNIT_A])
    admin = token("admin", "SE2321000115-P000000602", [UNIT_A])
    contact = await triage.post(
        "/api/v1/contacts",
        headers=staff_a,
        json={
            "patient": citizen,
            "unit": UNIT_A,
            "channel": "phone_unit",
            "reason_code": "sore_throat",
            "listed_unit": UNIT_A,
        },
    )
    assert contact.status_code == 201, contact.text
    triaged = await triage.post(
        f"/api/v1/contacts/{contact.json()['id']}/triage", headers=staff_a, json={"answers": STREP}
    )
    custody = await triage.post(
        "/api/v1/guardianships", headers=admin, json={"guardian": citizen, "child": CHILD_A, "child_name": "Barnet"}
    )
    assert triaged.status_code == 200 and custody.status_code == 201, (triaged.text, custody.text)
    return A(citizen, contact.json()["id"])


async def test_no_stranger_reaches_unit_as_or_citizen_as_data_on_any_operation(triage):
    """Issue 13, object-level access: every operation of the OpenAPI document, walked by staff of another unit
    (each role) and by another citizen, answers 403 or 404 and never A's data; nothing of A's changes."""
    document = (await triage.get("/openapi.json")).json()
    operations = {
        (method.upper(), path)
        for path, item in document["paths"].items()
        if path.startswith("/api/")
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }
    assert operations == set(OPERATIONS), (
        f"say how a new operation is walked, or why it holds nobody's data: {sorted(operations ^ set(OPERATIONS))}"
    )
    a = await things_of_a(triage)
    secrets = (a.citizen, a.citizen.replace("-", ""), pseudonym(a.citizen), CHILD_A.replace("-", ""), "Barnet")
    walked = 0

    for (method, path), build in sorted(OPERATIONS.items()):
        if build is None:
            continue
        call = build(a)
        for who, headers in strangers().items():
            if call.content_type:
                headers = {**headers, "Content-Type": call.content_type}
            response = await triage.request(
                call.method, call.path, headers=headers, json=call.json, params=call.params, content=call.content
            )
            walked += 1
            where = f"{who}: {method} {path}"
            if (method, path) in OWN_DATA_ONLY and response.status_code == 200:
                assert not any(secret in response.text for secret in secrets), where
                continue
            assert response.status_code in (403, 404), f"{where} answered {response.status_code}: {response.text}"
            assert response.headers["content-type"] == "application/problem+json", where
            assert not any(secret in response.text for secret in secrets), f"{where}: {response.text}"

    staff_a = token("reception", "SE2321000115-P000000601", [UNIT_A])
    contact = (await triage.get(f"/api/v1/contacts/{a.contact_id}", headers=staff_a)).json()
    listing = (await triage.get("/api/v1/listings", params={"patient": a.citizen}, headers=staff_a)).json()
    children = (await triage.get("/api/v1/guardianships/mine", headers=token("citizen", a.citizen))).json()
    assert contact["status"] == "triaged" and len(contact["triage_history"]) == 1
    assert listing["unit"] == UNIT_A and [c["name"] for c in children["children"]] == ["Barnet"]
    assert walked == 14 * len(strangers())
