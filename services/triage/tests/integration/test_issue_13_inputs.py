"""Issue 13 in triage: no input stops the pipeline, answers 500, or carries a personnummer onto Kafka.

Each test names its finding. The bad-input table is the issue's: every row is one request that used to be taken
(201/200), answer 500 or drop the connection, and now gets the documented refusal as problem details.
"""

from __future__ import annotations

import re

import asyncpg
import pytest
from booking_support import STREP_THROAT_ANSWERS as STREP
from booking_support import personnummer, pseudonym

from nara.shared.identity import issue_dev_token

UNIT = "SE2321000115-E00000000011"
YEAR = 1963  # this module's patients
BIG = "E" * 200_000  # under the 256 KiB body limit, so only the field's own limit can refuse it
PERSONNUMMER = "19121212-1212"
PROBLEM = "application/problem+json"


def as_staff(role="reception", units=(UNIT,)):
    return {"Authorization": f"Bearer {issue_dev_token(role, 'SE2321000115-P000000663', units=list(units))}"}


def as_citizen(pnr):
    return {"Authorization": f"Bearer {issue_dev_token('citizen', pnr)}"}


async def stored(triage, query: str, *args):
    connection = await asyncpg.connect(triage.database_url)
    try:
        return await connection.fetchval(query, *args)
    finally:
        await connection.close()


async def outbox_holds(triage, text: str) -> bool:
    return (
        await stored(triage, "SELECT count(*) FROM outbox WHERE strpos(convert_from(value, 'UTF8'), $1) > 0", text) > 0
    )


async def triaged_contact(triage, serial: int) -> dict:
    pnr = personnummer(serial, YEAR)
    registered = await triage.post(
        "/api/v1/contacts",
        headers=as_staff(),
        json={"patient": pnr, "unit": UNIT, "channel": "phone_unit", "reason_code": "sore_throat"},
    )
    assert registered.status_code == 201, registered.text
    triaged = await triage.post(
        f"/api/v1/contacts/{registered.json()['id']}/triage", headers=as_staff(), json={"answers": STREP}
    )
    assert triaged.status_code == 200, triaged.text
    return registered.json()


def assert_field_refused(response, field: str) -> dict:
    assert response.status_code == 422, response.text[:500]
    assert response.headers["content-type"] == PROBLEM
    problem = response.json()
    assert problem["status"] == 422 and isinstance(problem["detail"], str) and problem["title"]
    assert field in [error["field"] for error in problem["errors"]], problem
    return problem


@pytest.mark.parametrize("field", ["unit", "listed_unit", "reason_code"])
async def test_an_oversized_field_of_a_citizens_contact_is_refused_before_it_reaches_an_event(triage, field):
    """Finding 1: triage capped no field length; a citizen's 1.2 MB listed_unit got 201, and the oversized event
    blocked the outbox for every later event. Now each field has its own limit: 422, and nothing is stored."""
    pnr = personnummer(1 + ["unit", "listed_unit", "reason_code"].index(field), YEAR)
    body = {"unit": UNIT, "channel": "web", "reason_code": "sore_throat", field: BIG}

    response = await triage.post("/api/v1/contacts", headers=as_citizen(pnr), json=body)

    assert_field_refused(response, field)
    assert BIG not in response.text  # the refusal does not echo the value
    assert await stored(triage, "SELECT count(*) FROM contacts WHERE patient = $1", pseudonym(pnr)) == 0
    assert not await outbox_holds(triage, BIG[:1000])


async def test_a_body_over_the_limit_is_refused_whole(triage):
    """Finding 1: no request-size limit. A 1.2 MB listed_unit is refused as a whole with 413, before any route."""
    pnr = personnummer(4, YEAR)
    response = await triage.post(
        "/api/v1/contacts",
        headers=as_citizen(pnr),
        json={"unit": UNIT, "channel": "web", "listed_unit": "E" * 1_200_000},
    )

    assert response.status_code == 413 and response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == "request_too_large"


async def test_an_oversized_override_reason_is_refused(triage):
    """Finding 1: the override reason had no limit; it goes out in contact.triaged.v1."""
    contact = await triaged_contact(triage, 5)

    response = await triage.post(
        f"/api/v1/contacts/{contact['id']}/triage",
        headers=as_staff(),
        json={"answers": STREP, "override": {"reason": BIG, "care_level": "same_day"}},
    )

    assert_field_refused(response, "override.reason")
    assert not await outbox_holds(triage, BIG[:1000])


@pytest.mark.parametrize(
    "listed_unit",
    [f"SE2321000115-{PERSONNUMMER.replace('-', '')}", "SE2321000115-1212121212", "Ring mig: 19121212-1212"],
)
async def test_a_personnummer_typed_into_a_citizens_listed_unit_never_reaches_kafka(triage, listed_unit):
    """Finding 3: a personnummer typed into a citizen's listed_unit went out in contact.registered.v1. Now 422 with
    the Swedish message beside the field, and nothing in the outbox."""
    pnr = personnummer(6 + len(listed_unit) % 7, YEAR)

    response = await triage.post(
        "/api/v1/contacts",
        headers=as_citizen(pnr),
        json={"unit": UNIT, "channel": "web", "reason_code": "sore_throat", "listed_unit": listed_unit},
    )

    problem = assert_field_refused(response, "listed_unit")
    assert "1212" not in response.text
    assert any("personnummer" in e["message"] or "HSA-id" in e["message"] for e in problem["errors"])
    assert not await outbox_holds(triage, "1212121212")


async def test_a_personnummer_in_a_staff_override_reason_never_reaches_kafka(triage):
    """Finding 3: a staff override reason went out in contact.triaged.v1 with the personnummer typed into it."""
    contact = await triaged_contact(triage, 14)

    for reason in (f"Ringde om {PERSONNUMMER}", "patienten 191212121212 mår sämre", "Mamma 121212-1212 ringde"):
        response = await triage.post(
            f"/api/v1/contacts/{contact['id']}/triage",
            headers=as_staff(),
            json={"answers": STREP, "override": {"reason": reason, "care_level": "same_day"}},
        )
        problem = assert_field_refused(response, "override.reason")
        assert "Skriv inte personnummer" in next(
            e["message"] for e in problem["errors"] if e["field"] == "override.reason"
        )
    assert not await outbox_holds(triage, "1212121212")
    assert not await outbox_holds(triage, "121212-1212")


async def test_a_personnummer_in_a_listings_unit_is_refused(triage):
    """Finding 3: a unit with a personnummer for its own part went out in contact.listing_resolved.v1."""
    response = await triage.put(
        "/api/v1/listings",
        headers=as_staff("admin"),
        json={"patient": personnummer(15, YEAR), "unit": "SE2321000115-191212121212"},
    )

    assert_field_refused(response, "unit")


def _bad_inputs(contact_id: str) -> list[tuple[str, str, str, dict]]:
    """(name, method, path, request keywords): the hand probes of finding 2, and each field's limit."""
    register = {"patient": personnummer(20, YEAR), "unit": UNIT, "channel": "phone_unit", "reason_code": "sore_throat"}
    return [
        (
            "sought_at year 1 +14:00",
            "POST",
            "/api/v1/contacts",
            {"json": {**register, "sought_at": "0001-01-01T00:00:00+14:00"}},
        ),
        (
            "sought_at year 9999",
            "POST",
            "/api/v1/contacts",
            {"json": {**register, "sought_at": "9999-12-31T23:59:59-14:00"}},
        ),
        (
            "sought_at without zone",
            "POST",
            "/api/v1/contacts",
            {"json": {**register, "sought_at": "2026-11-23T09:00:00"}},
        ),
        ("patient of 10 000 characters", "POST", "/api/v1/contacts", {"json": {**register, "patient": "1" * 10_000}}),
        ("channel of 200 KB", "POST", "/api/v1/contacts", {"json": {**register, "channel": BIG}}),
        ("unit with a line break", "POST", "/api/v1/contacts", {"json": {**register, "unit": UNIT + "\n"}}),
        ("queue of a unit of 200 KB", "GET", "/api/v1/contacts", {"params": {"unit": BIG[:20_000]}}),
        ("queue with an unknown status", "GET", "/api/v1/contacts", {"params": {"unit": UNIT, "status": "x" * 500}}),
        (
            "assessed_at year 1",
            "POST",
            f"/api/v1/contacts/{contact_id}/assessment",
            {"json": {"assessed_at": "0001-01-01T00:00:00+14:00", "profession": "nurse", "contact_form": "phone"}},
        ),
        (
            "assessed_at year 9999",
            "POST",
            f"/api/v1/contacts/{contact_id}/assessment",
            {"json": {"assessed_at": "9999-12-31T23:59:59-14:00", "profession": "nurse", "contact_form": "phone"}},
        ),
        ("close reason of 200 KB", "POST", f"/api/v1/contacts/{contact_id}/close", {"json": {"reason": BIG}}),
        (
            "answers with 10 000 questions",
            "POST",
            f"/api/v1/contacts/{contact_id}/triage",
            {"json": {"answers": {f"q{i}": None for i in range(10_000)}}},
        ),
        ("an answer of 200 KB", "POST", f"/api/v1/contacts/{contact_id}/triage", {"json": {"answers": {"days": BIG}}}),
        (
            "an answer's question id with a personnummer",
            "POST",
            f"/api/v1/contacts/{contact_id}/triage",
            {"json": {"answers": {PERSONNUMMER: None}}},
        ),
        (
            "an answer of 1e400",
            "POST",
            "/api/v1/triage/evaluate",
            {
                "content": b'{"reason_code": "sore_throat", "age": 30, "answers": {"days": 1e400}}',
                "headers": {"Content-Type": "application/json"},
            },
        ),
        (
            "override value of 200 KB",
            "POST",
            f"/api/v1/contacts/{contact_id}/triage",
            {"json": {"answers": STREP, "override": {"reason": "Svårt att svälja", "care_level": BIG}}},
        ),
        (
            "age_months 10^20",
            "GET",
            "/api/v1/guidelines/reasons/sore_throat",
            {"params": {"age": 30, "age_months": "99999999999999999999"}},
        ),
        ("search text of 20 000 characters", "GET", "/api/v1/guidelines", {"params": {"q": BIG[:20_000]}}),
        ("reason code of 20 000 characters", "GET", f"/api/v1/guidelines/reasons/{'a' * 20_000}", {}),
        (
            "evaluate channel of 200 KB",
            "POST",
            "/api/v1/triage/evaluate",
            {"json": {"reason_code": "sore_throat", "age": 30, "channel": BIG}},
        ),
        ("listing of a patient of 20 000 characters", "GET", "/api/v1/listings", {"params": {"patient": BIG[:20_000]}}),
        (
            "listed_from year 1",
            "PUT",
            "/api/v1/listings",
            {"json": {"patient": personnummer(21, YEAR), "unit": UNIT, "listed_from": "0001-01-01"}},
        ),
        (
            "child's name with a personnummer",
            "POST",
            "/api/v1/guardianships",
            {"json": {"guardian": personnummer(22, YEAR), "child": "20150101-0019", "child_name": PERSONNUMMER}},
        ),
    ]


BAD_INPUT_NAMES = [name for name, *_ in _bad_inputs("x")]


@pytest.mark.parametrize("name", BAD_INPUT_NAMES)
async def test_the_bad_input_table(triage, name):
    """Finding 2: NUL bytes, NaN, calendar-edge dates and huge numbers answered 500 (or were taken). Every probe is
    now a 422 problem naming the field, and nothing reaches the database."""
    contact = await triaged_contact(triage, 30 + BAD_INPUT_NAMES.index(name))
    _, method, path, keywords = next(probe for probe in _bad_inputs(contact["id"]) if probe[0] == name)
    headers = {
        **as_staff("clinician" if "assessed_at" in name else "admin" if "child" in name else "reception"),
        **keywords.pop("headers", {}),
    }

    response = await triage.request(method, path, headers=headers, **keywords)

    assert response.status_code == 422, f"{name}: {response.status_code} {response.text[:300]}"
    assert response.headers["content-type"] == PROBLEM and response.json()["errors"]
    assert BIG[:1000] not in response.text


@pytest.mark.parametrize(
    ("name", "request_keywords", "status"),
    [
        ("NUL in the query", {"method": "GET", "url": "/api/v1/contacts", "params": {"unit": f"{UNIT}\x00"}}, 400),
        (
            "NUL in a JSON body",
            {
                "method": "POST",
                "url": "/api/v1/contacts",
                "json": {"patient": "19121212-1212", "unit": UNIT, "channel": "phone\x00unit"},
            },
            400,
        ),
        (
            "NaN in a JSON body",
            {
                "method": "POST",
                "url": "/api/v1/triage/evaluate",
                "content": b'{"reason_code": "sore_throat", "age": NaN}',
                "headers": {"Content-Type": "application/json"},
            },
            422,
        ),
        ("a contact id that is no UUID", {"method": "GET", "url": "/api/v1/contacts/not-a-uuid"}, 422),
    ],
)
async def test_bytes_no_database_takes_are_refused_at_the_door(triage, name, request_keywords, status):
    """Finding 2: a NUL byte in any string that reaches PostgreSQL, and NaN in JSON, answered 500."""
    keywords = dict(request_keywords)
    headers = {**as_staff(), **keywords.pop("headers", {})}

    response = await triage.request(headers=headers, **keywords)

    assert response.status_code == status, f"{name}: {response.status_code} {response.text[:300]}"
    assert response.headers["content-type"] == PROBLEM


@pytest.mark.parametrize("key", ["k" * 201, "nyckel med mellanslag", "nyckel-\u00e5\u00e4\u00f6", "nyckel\x7f"])
async def test_an_idempotency_key_is_short_and_printable(triage, key):
    """Issue 13 (limits everywhere): the Idempotency-Key is stored and compared; a long or unprintable one is a 422
    problem, not a row in idempotent_requests."""
    pnr = personnummer(60 + len(key) % 17, YEAR)
    headers = {**as_staff(), "Idempotency-Key": key.encode("latin-1")}

    response = await triage.post(
        "/api/v1/contacts",
        headers=headers,
        json={"patient": pnr, "unit": UNIT, "channel": "phone_unit", "reason_code": "sore_throat"},
    )

    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["code"] in ("invalid_idempotency_key", "invalid_request")
    assert await stored(triage, "SELECT count(*) FROM contacts WHERE patient = $1", pseudonym(pnr)) == 0


# --- The listing import: a file, with a larger body limit, whose bad bytes are row errors -----------------------


def as_admin():
    return {**as_staff("admin"), "Content-Type": "text/csv; charset=utf-8"}


def listing_file(rows: int, first_serial: int = 0, year: int = 1962) -> bytes:
    lines = ["personnummer;enhetens HSA-id;listad från"]
    lines += [f"{personnummer(first_serial + n, year)};{UNIT};2024-03-01" for n in range(rows)]
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize(
    ("name", "content", "row"),
    [
        (
            "NUL in a personnummer",
            b"personnummer;enhet;listad_fran\n19121212-12\x0012;" + UNIT.encode() + b";2024-03-01\n",
            2,
        ),
        (
            "NUL in the header",
            b"person\x00nummer;enhet;listad_fran\n19121212-1212;" + UNIT.encode() + b";2024-03-01\n",
            1,
        ),
        ("a field of 200 KB", b"personnummer;enhet;listad_fran\n19121212-1212;" + b"E" * 200_000 + b";2024-03-01\n", 2),
        ("a quoted field that never ends", b'personnummer;enhet;listad_fran\n"19121212-1212;' + b"E" * 150_000, 2),
        ("a header of 200 KB", b"personnummer;enhet;" + b"x" * 200_000 + b"\n", 1),
    ],
)
async def test_bad_bytes_in_a_listing_file_are_row_errors_not_500(triage, name, content, row):
    """Issue 13, finding 2 (the listing import takes a file): NUL bytes and huge rows made the CSV reader raise,
    a 500. Each is now a row error of the file's 422 problem, short and without the bad bytes."""
    response = await triage.post("/api/v1/listings/import", headers=as_admin(), content=content)

    assert response.status_code == 422, f"{name}: {response.status_code} {response.text[:300]}"
    problem = response.json()
    assert problem["code"] == "invalid_listing_file" and problem["errors"], problem
    assert row in [error["row"] for error in problem["errors"]], problem
    assert len(response.content) < 20_000 and "\\u0000" not in response.text and "EEEEEEEEEE" not in response.text


async def test_a_listing_file_larger_than_an_ordinary_request_is_imported(triage):
    """Issue 13 (request-size limits): the import has its own body limit, larger than other requests' 256 KiB."""
    content = listing_file(6_000)
    assert 256 * 1024 < len(content) < 8 * 1024 * 1024

    response = await triage.post("/api/v1/listings/import", headers=as_admin(), content=content)

    assert response.status_code == 200, response.text[:500]
    assert response.json()["rows"] == 6_000


async def test_a_listing_file_over_its_limit_is_refused_whole(triage):
    """Issue 13 (request-size limits): a file over the import's own limit is a 413 problem."""
    content = b"personnummer;enhet;listad_fran\n" + b"x" * (8 * 1024 * 1024)

    response = await triage.post("/api/v1/listings/import", headers=as_admin(), content=content)

    assert response.status_code == 413 and response.headers["content-type"] == PROBLEM


# --- The console: the same rules, with the message beside the field ----------------------------------------------


async def console_form(triage, path: str, staff: str) -> tuple[dict, str]:
    """The console's cookie for a staff token, and the form's CSRF token read from the page at `path`."""
    cookie = {"Cookie": f"nara_console={staff}"}
    page = await triage.get(path, headers=cookie)
    assert page.status_code == 200, page.text[:500]
    return cookie, re.search(r'name="csrf" value="([^"]+)"', page.text)[1]


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        (f"Mamman ringde, hennes nummer {PERSONNUMMER}", "Skriv inte personnummer"),
        ("Lång motivering. " * 200, "högst 2000 tecken"),
    ],
)
async def test_the_consoles_override_reason_keeps_the_same_rules_beside_the_field(triage, reason, message):
    """Finding 3: a personnummer typed into a staff override reason went out in contact.triaged.v1. The console
    says why beside the field (422), and nothing is saved."""
    contact = await triaged_contact(triage, 70 + len(reason) % 13)
    path = f"/console/kontakter/{contact['id']}/avvikelse"
    cookie, csrf = await console_form(triage, path, issue_dev_token("reception", "SE2321000115-P000000663", [UNIT]))

    response = await triage.post(
        path, headers=cookie, data={"csrf": csrf, "vardniva": "same_day", "motivering": reason}
    )

    assert response.status_code == 422, response.text[:500]
    beside = re.search(r'<p id="motivering-fel" class="error-message">(.*?)</p>', response.text, re.S)
    assert beside and message in beside[1], response.text[:3000]
    opened = await triage.get(f"/api/v1/contacts/{contact['id']}", headers=as_staff())
    assert [entry["override_reason"] for entry in opened.json()["triage_history"]] == [None]


# --- One error shape, documented ----------------------------------------------------------------------------------

# Every status each operation can answer besides its success: 400 (unreadable: a NUL, bad JSON) and 413 (too
# large) are the app's for every path; 401 without a valid token; the rest as the use cases refuse.
DOCUMENTED = {
    ("GET", "/api/v1/guidelines"): {401, 422},
    ("GET", "/api/v1/guidelines/reasons/{code}"): {401, 404, 422},
    ("POST", "/api/v1/triage/evaluate"): {401, 422},
    ("POST", "/api/v1/guidelines/reload"): {401, 403, 422},
    ("POST", "/api/v1/guardianships"): {401, 403, 422},
    ("POST", "/api/v1/guardianships/end"): {401, 403, 404, 422},
    ("GET", "/api/v1/guardianships/mine"): {401, 403, 422},
    ("POST", "/api/v1/contacts"): {401, 403, 422},
    ("GET", "/api/v1/contacts"): {401, 403, 422},
    ("GET", "/api/v1/contacts/{contact_id}"): {401, 404, 422},
    ("POST", "/api/v1/contacts/{contact_id}/triage"): {401, 403, 404, 409, 422},
    ("POST", "/api/v1/contacts/{contact_id}/assessment"): {401, 403, 404, 409, 422},
    ("POST", "/api/v1/contacts/{contact_id}/close"): {401, 403, 404, 409, 422},
    ("GET", "/api/v1/listings"): {401, 404, 422},
    ("PUT", "/api/v1/listings"): {401, 403, 422},
    ("POST", "/api/v1/listings/import"): {401, 403, 413, 415, 422},
    ("POST", "/api/v1/patients/identities"): {401, 403, 422},
}


async def test_every_status_of_every_path_is_documented_as_problem_details(triage):
    """Finding 6: refusals did not match the OpenAPI; 401, 403, 404 and 409 were undocumented. Every operation now
    documents each status it answers, each with the problem details schema of nara.shared.web.problems."""
    document = (await triage.get("/openapi.json")).json()
    operations = {
        (method.upper(), path): item
        for path, methods in document["paths"].items()
        if path.startswith("/api/")
        for method, item in methods.items()
    }
    assert set(operations) == set(DOCUMENTED)

    for key, operation in operations.items():
        errors = {int(status) for status in operation["responses"] if int(status) >= 400}
        assert errors == DOCUMENTED[key] | {400, 413, 422}, key
        for status in errors:
            schema = operation["responses"][str(status)]["content"]["application/problem+json"]["schema"]
            assert {"type", "title", "status", "detail"} <= set(schema["required"]), (key, status)
