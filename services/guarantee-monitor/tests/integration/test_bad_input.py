"""No input makes the monitor answer 500, and every refusal is the one problem shape its OpenAPI documents
(issue 13, findings 2 and 6), against real PostgreSQL.

Each row is an input the attack or the fuzzing tried, or its kin: dates at the calendar's edges, a non-UUID
contact id, huge integers, NUL, months out of range, units the caller does not work at. The pages under /ops
answer a bad address with a Swedish page, never a 500.
"""

import json
import uuid
from urllib.parse import unquote, urlsplit

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from monitor_support import UNIT, Contact, open_stream, staff_headers, wait_for

from conftest import START
from nara.shared.events.envelope import encode_event
from nara.shared.identity import issue_dev_token
from nara.shared.web.problems import MEDIA_TYPE, TITLES

OTHER_UNIT = "SE2321000115-E00000000013"
EDGES = (
    "9999-12-31T23:00:00Z",
    "0001-01-01T00:00:00%2B14:00",
    "2026-11-01T00:00:00",
    "2150-01-01T00:00:00Z",
    "1999-12-31T23:59:59Z",
)

API = [
    # Dates at the calendar's edges, and a moment without its offset (finding 2).
    *[(f"/api/v1/compliance?{edge_of}={edge}", 422) for edge in EDGES for edge_of in ("from", "to")],
    *[(f"/api/v1/compliance.csv?{edge_of}={edge}", 422) for edge in EDGES for edge_of in ("from", "to")],
    ("/api/v1/compliance?from=2026-12-01T00:00:00%2B01:00&to=2026-11-01T00:00:00%2B01:00", 422),
    ("/api/v1/compliance?from=2026-11-01T00:00:00%2B01:00&to=2026-12-01T00:00:00%2B01:00", 200),
    # The national report's month: out of the calendar, or not a month at all.
    *[
        (f"/api/v1/reports/{path}?month={month}", 422)
        for path in ("skr", "skr/records")
        for month in ("9999-12", "0001-01", "1999-12", "2100-01", "99999-99", "2026-13", "2026-1", "nov", "")
    ],
    ("/api/v1/reports/skr", 422),
    ("/api/v1/reports/skr?month=2026-11", 200),
    # Ids are UUIDs (the fuzzing found /clocks/%C3%8B%C2%BA); a UUID nobody has is not found.
    ("/api/v1/clocks/%C3%8B%C2%BA", 422),
    ("/api/v1/clocks/c-123", 422),
    ("/api/v1/clocks/00000000-0000-0000-0000-000000000000", 404),
    # Huge integers, NUL, and codes out of their lists.
    ("/api/v1/clocks?limit=99999999999999999999", 422),
    ("/api/v1/alerts?limit=99999999999999999999", 422),
    ("/api/v1/clocks?limit=-1", 422),
    ("/api/v1/clocks?unit=x%00y", 400),
    ("/api/v1/compliance?profession=%00", 400),
    ("/api/v1/clocks?status=late", 422),
    ("/api/v1/clocks?listing=maybe", 422),
    ("/api/v1/compliance?contact_form=letter", 422),
    ("/api/v1/compliance?profession=Not%20A%20Code", 422),
    ("/api/v1/clocks?unit=" + "A" * 300, 422),
    ("/api/v1/clocks?unit=not-an-hsa-id", 422),
    ("/api/v1/alerts?unit=not-an-hsa-id", 422),
    # A unit the caller does not work at: refused, not an empty answer that looks like "nothing there".
    (f"/api/v1/clocks?unit={OTHER_UNIT}", 403),
    (f"/api/v1/alerts?unit={OTHER_UNIT}", 403),
    (f"/api/v1/compliance?unit={OTHER_UNIT}", 403),
    (f"/api/v1/compliance.csv?unit={OTHER_UNIT}", 403),
    (f"/api/v1/clocks?unit={UNIT}", 200),
    # The waitlist's offers per week (issue 18): days off the calendar, no day at all, an empty span, a NUL.
    *[
        (f"/api/v1/waitlist-offers/weekly?{edge_of}={day}", 422)
        for day in ("9999-12-31", "0001-01-01", "2101-01-01", "1999-12-31", "nonsense", "2026-13-01", "")
        for edge_of in ("from", "to")
    ],
    ("/api/v1/waitlist-offers/weekly?from=2026-12-01&to=2026-11-01", 422),
    ("/api/v1/waitlist-offers/weekly?unit=x%00y", 400),
    (f"/api/v1/waitlist-offers/weekly?unit={OTHER_UNIT}", 403),
    ("/api/v1/waitlist-offers/weekly?from=2026-11-01&to=2026-12-01", 200),
]

PAGES = [
    ("/ops?enhet=%00", 400),
    ("/ops?month=99999-99", 200),
    ("/ops?enhet=" + "x" * 5000, 200),
    ("/ops/lista?enhet=%00", 400),
    *[(f"/ops/uppfyllnad.csv?{edge_of}={edge}", 400) for edge in EDGES for edge_of in ("from", "to")],
    ("/ops/uppfyllnad.csv?from=nonsense", 400),
    (f"/ops/uppfyllnad.csv?unit={OTHER_UNIT}", 403),
    ("/ops/uppfyllnad.csv?contact_form=letter", 400),
    ("/ops/logga-in?nasta=%00", 400),
    ("/ops/vantelistan?enhet=%00", 400),
    ("/ops/vantelistan?enhet=" + "x" * 5000, 200),
    (f"/ops/vantelistan?enhet={OTHER_UNIT}", 200),  # not one's own: one's own units, as /ops does
]


def client(monitor, **kwargs) -> httpx.AsyncClient:
    """A client that gets a 500 as a 500, as a browser would, rather than the app's exception."""
    transport = httpx.ASGITransport(app=monitor.app, raise_app_exceptions=False)
    return httpx.AsyncClient(transport=transport, base_url="http://monitor", **kwargs)


def documented(monitor, path: str) -> set[int]:
    """The statuses the OpenAPI documents for this GET path (matching its template)."""
    wanted = unquote(urlsplit(path).path).split("/")
    for template, operations in monitor.app.openapi()["paths"].items():
        parts = template.split("/")
        if len(parts) == len(wanted) and all(p == w or p.startswith("{") for p, w in zip(parts, wanted, strict=True)):
            return {int(status) for status in operations["get"]["responses"]}
    raise AssertionError(f"{path} is not in the OpenAPI")


async def test_no_input_answers_500_and_every_refusal_is_a_documented_problem(monitor):
    """Issue 13, finding 2 (dates at the calendar's edges, huge integers, NUL, a non-UUID id answered 500) and
    finding 6 (refusals off the OpenAPI): every row answers its status, as problem details where it refuses,
    with a Swedish title, and the status is one the path documents."""
    wrong = []
    async with client(monitor, headers=staff_headers()) as api:
        for path, expected in API:
            response = await api.get(path)
            if response.status_code != expected:
                wrong.append(f"{path}: {response.status_code}, expected {expected}: {response.text[:200]}")
                continue
            if response.status_code not in documented(monitor, path):
                wrong.append(f"{path}: {response.status_code} is not documented")
            if response.status_code >= 400:
                body = response.json()
                if (
                    response.headers["content-type"] != MEDIA_TYPE
                    or body.get("status") != expected
                    or body.get("title") != TITLES[expected]
                    or not body.get("detail")
                    or body.get("instance") != unquote(urlsplit(path).path)
                ):
                    wrong.append(f"{path}: not the problem shape: {response.headers['content-type']} {body}")
    assert not wrong, "\n".join(wrong)


async def test_the_operations_pages_answer_a_bad_address_with_a_swedish_page(monitor):
    """Issue 13, finding 2 on /ops (not in the OpenAPI): a NUL, a date off the calendar or a unit not one's own
    answer a short Swedish page, never a 500."""
    cookie = {"nara_ops": issue_dev_token("ops", "SE2321000115-P000000701", units=[UNIT])}
    wrong = []
    async with client(monitor, cookies=cookie) as pages:
        for path, expected in PAGES:
            response = await pages.get(path)
            swedish = 'lang="sv"' in response.text
            if (response.status_code, swedish) != (expected, True) or not response.headers["content-type"].startswith(
                ("text/html", "text/csv")
            ):
                wrong.append(
                    f"{path}: {response.status_code} {response.headers['content-type']}, expected "
                    f"{expected} in Swedish: {response.text[:200]}"
                )
    assert not wrong, "\n".join(wrong)


async def test_the_errors_are_one_documented_shape_in_the_openapi(monitor):
    """Issue 13, finding 6: every /api path documents 401, 403 and 422 (and 404 where it looks one thing up)
    with the shared problem schema; the monitor has no error shape of its own."""
    paths = {path: ops["get"] for path, ops in monitor.app.openapi()["paths"].items() if path.startswith("/api/")}
    missing = []
    for path, operation in paths.items():
        needed = {400, 401, 403, 413, 422} | ({404} if "{" in path else set())
        for status in needed:
            answer = operation["responses"].get(str(status), {})
            schema = answer.get("content", {}).get(MEDIA_TYPE, {}).get("schema", {})
            if "code" not in schema.get("properties", {}) or answer.get("description") != TITLES[status]:
                missing.append(f"{path} {status}: {answer}")
    assert len(paths) == 9 and not missing, "\n".join(missing)  # the ninth: the waitlist's offers (issue 18)


@pytest.mark.parametrize("header", ["99999999999999999999", "-5", "abc", "1e9", "\u00e9", "1\x00", "0"])
async def test_the_alert_stream_takes_any_last_event_id_without_dying(monitor, header):
    """Issue 13, finding 2 on the stream the fuzzing skips: a Last-Event-ID too large for PostgreSQL's bigint
    ended the stream with an exception; any id a client sends now either resumes or starts afresh."""
    status, body = await open_stream(monitor.app, "/api/v1/alerts/stream", staff_headers(), {"last-event-id": header})
    assert status == 200 and body.startswith("retry: 3000")


@pytest.mark.parametrize(
    ("query", "expected"),
    [("unit=not-an-hsa-id", 422), ("unit=x%00y", 400), (f"unit={OTHER_UNIT}", 403), (f"unit={UNIT}", 200)],
)
async def test_the_alert_stream_refuses_a_bad_or_foreign_unit(monitor, query, expected):
    """Issue 13, findings 2 and 4 on the alert stream: a bad unit, a NUL or another unit answer 4xx."""
    status, body = await open_stream(monitor.app, "/api/v1/alerts/stream", staff_headers(), query=query)
    assert status == expected
    if expected >= 400:
        assert '"title"' in body and f'"status":{expected}' in body.replace(" ", "")


async def test_a_malformed_traceparent_from_a_producer_does_not_break_the_clocks(monitor, kafka_bootstrap):
    """Issue 13, finding 2 (no 500 for any input), the input being an event: a CloudEvent whose traceparent is
    not W3C's made every listing of its unit's clocks answer 500 (the trace link took the text's second part)."""
    unit = f"SE2321000115-E{uuid.uuid4().hex[:11].upper()}"
    contact = Contact(START, unit=unit)
    data, at = contact.registered()
    event = json.loads(encode_event(data, source="/nara/test", subject=contact.patient, time=at))
    event["traceparent"] = "garbage"
    producer = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(data.topic, json.dumps(event).encode(), key=contact.patient.encode())
    finally:
        await producer.stop()
    await wait_for(
        lambda: monitor.fetch("SELECT 1 FROM clocks WHERE contact_id = $1 AND status IS NOT NULL", contact.id)
    )

    async with client(monitor, headers=staff_headers([unit])) as api:
        listed, one = await api.get("/api/v1/clocks"), await api.get(f"/api/v1/clocks/{contact.id}")

    assert listed.status_code == 200 and listed.json()[0]["trace_url"] is None
    assert one.status_code == 200 and one.json()["trace_url"] is None
