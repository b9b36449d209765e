"""The compliance CSV from the operations page, and the cookie-authenticated variants of the API's
bearer-only endpoints (the file and the alert stream): the same content, and nothing without a login."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx

from nara.shared.identity import issue_dev_token


def _blank(value) -> str:
    return "" if value is None else str(value)


async def test_the_downloaded_csv_matches_the_compliance_json(desk, ops, world, monitor):
    page = desk
    await ops.log_in(page)
    link = page.get_by_role("link", name="Ladda ner uppfyllnaden som CSV-fil")
    since = parse_qs(urlsplit(await link.get_attribute("href")).query)["from"][0]
    async with page.expect_download() as download_info:
        await link.click()
    download = await download_info.value
    assert download.suggested_filename == "vardgaranti-uppfyllnad.csv"
    content = await asyncio.to_thread(Path(await download.path()).read_bytes)
    text = content.decode("utf-8")

    report = (await ops.api_get(monitor, "/api/v1/compliance", **{"from": since})).json()
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "month",
        "unit",
        "profession",
        "contact_form",
        "assessments",
        "within_guarantee",
        "patient_chosen_wait",
        "share",
        "hidden",
    ]
    assert rows[1:] == [
        [
            r["month"],
            r["unit"],
            r["profession"],
            r["contact_form"],
            _blank(r["assessments"]),
            _blank(r["within_guarantee"]),
            _blank(r["patient_chosen_wait"]),
            _blank(r["share"]),
            "yes" if r["hidden"] else "no",
        ]
        for r in report["rows"]
    ]
    ours = next(r for r in rows if r[:4] == [world.compliance_month, ops.FYLLINGE, "nurse", "distance"])
    assessments, within = int(ours[4]), int(ours[5])
    assert assessments % 24 == 0 and within * 24 == assessments * 20 and ours[7] == "0.8333" and ours[8] == "no"
    month, profession, form = world.hidden_group
    small = next(r for r in rows if r[:4] == [month, ops.FYLLINGE, profession, form])
    assert small[4:] == ["", "", "", "", "yes"], "a group under 20 is not published"

    api_file = await ops.api_get(monitor, "/api/v1/compliance.csv", **{"from": since})
    assert api_file.content == content, "the same file as /api/v1/compliance.csv"


def _cookie(units) -> dict[str, str]:
    return {"nara_ops": issue_dev_token("ops", "SE2321000115-P000000701", units=list(units))}


async def test_the_file_the_list_and_the_stream_need_a_login(monitor, world):
    async with httpx.AsyncClient(base_url=monitor, timeout=10) as client:
        for path in ("/ops", "/ops/lista", "/ops/uppfyllnad.csv"):
            response = await client.get(path)
            assert response.status_code == 303 and response.headers["location"].startswith("/ops/logga-in"), path
            assert "p_" not in response.text
        stream = await client.get("/ops/strom")
        assert stream.status_code == 401
    async with httpx.AsyncClient(base_url=monitor, timeout=10, cookies={"nara_ops": "not-a-token"}) as client:
        assert (await client.get("/ops/uppfyllnad.csv")).status_code == 303
        assert (await client.get("/ops/strom")).status_code == 401


async def _first_alert(
    base_url: str, path: str, headers: dict, cookies: dict, ready: asyncio.Event, patient: str
) -> dict:
    """The first server-sent event about `patient` on the stream at `path`, as its fields."""
    async with (
        httpx.AsyncClient(
            base_url=base_url, headers=headers, cookies=cookies, timeout=httpx.Timeout(10, read=60)
        ) as client,
        client.stream("GET", path) as response,
    ):
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/event-stream")
        ready.set()
        event: dict = {}
        async for line in response.aiter_lines():
            if line.startswith(("id:", "event:", "data:")):
                key, _, value = line.partition(":")
                event[key] = value.strip()
            elif not line and "data" in event:
                # The cookie stream also says when a clock changed (event "clocks", no id): not an alert.
                if "id" in event and json.loads(event["data"])["patient"] == patient:
                    return event
                event = {}
    raise AssertionError(f"{path} ended without an alert")


async def test_the_cookie_stream_gives_the_same_events_as_the_api_stream(monitor, world, ops, kafka_bootstrap):
    # Registered four days ago, so it has breached already: its alerts come at once.
    late = world.open_contact(ops.Contact(datetime.now(UTC) - timedelta(days=4)))
    cookie_ready, api_ready = asyncio.Event(), asyncio.Event()
    from_cookie = asyncio.create_task(
        _first_alert(monitor, "/ops/strom", {}, _cookie([ops.FYLLINGE]), cookie_ready, late.patient)
    )
    from_api = asyncio.create_task(
        _first_alert(monitor, "/api/v1/alerts/stream", ops.bearer(), {}, api_ready, late.patient)
    )
    await asyncio.wait_for(asyncio.gather(cookie_ready.wait(), api_ready.wait()), 10)
    await ops.publish(kafka_bootstrap, late, late.registered(), late.triaged("nurse"))
    cookie_event, api_event = await asyncio.wait_for(asyncio.gather(from_cookie, from_api), 60)
    assert cookie_event == api_event
    assert cookie_event["event"] == "at_risk" and json.loads(cookie_event["data"])["unit"] == ops.FYLLINGE


async def test_the_stream_keeps_to_the_callers_units(monitor, world, ops, kafka_bootstrap):
    late = world.open_contact(ops.Contact(datetime.now(UTC) - timedelta(days=4)))
    ready = asyncio.Event()
    other_unit = asyncio.create_task(
        _first_alert(monitor, "/ops/strom", {}, _cookie([ops.OSKARSTROM]), ready, late.patient)
    )
    await asyncio.wait_for(ready.wait(), 10)
    await ops.publish(kafka_bootstrap, late, late.registered(), late.triaged("nurse"))
    await ops.wait_until(lambda: ops.settled(monitor, late, "breached"), what="the breached contact")
    await asyncio.sleep(2)  # the stream polls twice a second
    assert not other_unit.done(), "an alert at Fyllinge reached someone who follows Oskarström only"
    other_unit.cancel()
