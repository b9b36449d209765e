"""The floor under every route (issue 13): body size, control characters, NaN, and the one error shape."""

from __future__ import annotations

from datetime import datetime

import httpx
import pytest
from fastapi import FastAPI, Request
from pydantic import BaseModel

from nara.shared.web import problems
from nara.shared.web.fields import LongText, Moment, PageNumber, ShortText
from nara.shared.web.limits import RequestLimits


class Note(BaseModel):
    text: LongText = ""
    place: ShortText = ""
    at: Moment | None = None
    weight: float = 0


def make_app() -> FastAPI:
    app = FastAPI()
    seen: list[object] = []
    app.state.seen = seen

    @app.post("/api/v1/notes")
    async def note(body: Note) -> dict:
        seen.append(body)
        return {"ok": True}

    @app.get("/api/v1/items")
    async def items(unit: str = "", page: PageNumber = 1, start: Moment | None = None) -> dict:
        seen.append((unit, page, start))
        return {"ok": True}

    @app.post("/api/v1/import")
    async def import_file(body: Note) -> dict:
        return {"ok": True}

    @app.post("/sida")
    async def page(request: Request) -> dict:
        seen.append(await request.body())
        return {"ok": True}

    problems.install(app)
    app.add_middleware(RequestLimits, max_body_bytes=1024, larger={"/api/v1/import": 4096})
    return app


@pytest.fixture
async def client():
    app = make_app()
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        client.seen = app.state.seen
        yield client


async def test_a_body_over_the_limit_answers_413_as_problem_details_and_reaches_no_route(client):
    answer = await client.post("/api/v1/notes", json={"text": "x" * 2000})
    assert answer.status_code == 413
    assert answer.headers["content-type"] == "application/problem+json"
    body = answer.json()
    assert body["status"] == 413 and body["code"] == "request_too_large" and "högst 1 kB" in body["detail"]
    assert client.seen == []


async def test_a_path_given_a_larger_limit_takes_a_larger_body(client):
    assert (await client.post("/api/v1/import", json={"text": "x" * 2000})).status_code == 200
    assert (await client.post("/api/v1/import", json={"text": "x" * 5000})).status_code == 413


async def test_a_body_without_content_length_is_counted_as_it_streams(client):
    async def chunks():
        for _ in range(10):
            yield b"x" * 200

    answer = await client.post("/api/v1/notes", content=chunks(), headers={"content-type": "application/json"})
    assert answer.status_code == 413


@pytest.mark.parametrize("query", ["unit=a%00b", "unit=%01", "unit=a%0Ab"])
async def test_a_control_character_in_the_query_answers_400_before_the_database(client, query):
    answer = await client.get(f"/api/v1/items?{query}")
    assert answer.status_code == 400 and answer.json()["code"] == "control_characters"
    assert client.seen == []


async def test_a_nul_in_json_or_a_form_answers_400_and_a_page_gets_a_swedish_page(client):
    answer = await client.post("/api/v1/notes", json={"text": "a\x00b"})
    assert answer.status_code == 400 and answer.json()["code"] == "control_characters"
    page = await client.post("/sida", data={"text": "a\x00b"})
    assert page.status_code == 400 and page.headers["content-type"].startswith("text/html")
    assert "NUL" in page.text and 'lang="sv"' in page.text
    assert client.seen == []


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity"])
async def test_nan_and_infinity_in_json_answer_422(client, number):
    answer = await client.post(
        "/api/v1/notes", content=f'{{"weight": {number}}}', headers={"content-type": "application/json"}
    )
    assert answer.status_code == 422 and answer.json()["code"] == "invalid_number"
    assert client.seen == []


async def test_deeply_nested_json_answers_400_not_500(client):
    answer = await client.post(
        "/api/v1/import", content="[" * 1500 + "]" * 1500, headers={"content-type": "application/json"}
    )
    assert answer.status_code in (400, 422)


@pytest.mark.parametrize(
    "query",
    [
        "page=99999999999999999999",
        "page=0",
        "start=9999-12-31T23:00:00Z",
        "start=0001-01-01T00:00:00%2B14:00",
        "start=2026-12-07T09:00:00",
    ],
)
async def test_out_of_range_numbers_and_dates_answer_422_with_the_field(client, query):
    answer = await client.get(f"/api/v1/items?{query}")
    assert answer.status_code == 422
    body = answer.json()
    assert body["code"] == "invalid_request" and body["errors"][0]["field"] in ("page", "start")


@pytest.mark.parametrize(
    "written", ["191212121212", "19121212-1212", "121212-1212", "1212121212", "19121272-1219"]
)  # the last: a samordningsnummer (day + 60)
async def test_a_personnummer_in_free_text_is_refused_in_swedish(client, written):
    answer = await client.post("/api/v1/notes", json={"text": f"Patienten {written} ringde"})
    assert answer.status_code == 422
    [error] = answer.json()["errors"]
    assert error["field"] == "text" and "personnummer" in error["message"]
    assert not answer.text.count(written)
    assert client.seen == []


async def test_ordinary_text_and_times_pass(client):
    answer = await client.post(
        "/api/v1/notes",
        json={
            "text": "Ring tillbaka efter 14.\nTel 0346-123 45, ärende 2026-12-07",
            "place": "Vårdcentralen Falkenberg",
            "at": datetime(2026, 12, 7, 9).isoformat() + "+01:00",
        },
    )
    assert answer.status_code == 200, answer.text


async def test_a_missing_page_answers_in_swedish_and_a_missing_api_path_as_problem_details(client):
    page = await client.get("/ingenstans", headers={"accept": "text/html"})
    assert page.status_code == 404 and 'lang="sv"' in page.text and "Sidan finns inte" in page.text
    api = await client.get("/api/v1/ingenstans")
    assert api.status_code == 404 and api.json()["title"] == "Finns inte"


async def test_one_wrong_field_puts_its_own_sentence_in_the_detail(client):
    answer = await client.post("/api/v1/notes", json={"place": "rad ett\nrad två"})
    assert answer.status_code == 422
    assert answer.json()["detail"].startswith("Uppgifterna går inte att använda: kontrollera place. Värdet innehåller")


def test_an_hsa_id_whose_own_part_is_a_personnummer_is_refused_as_the_event_contract_would():
    from pydantic import TypeAdapter, ValidationError

    from nara.shared.web.fields import HsaId

    hsa_id = TypeAdapter(HsaId)
    assert hsa_id.validate_python("SE2321000115-E00000000011") == "SE2321000115-E00000000011"
    with pytest.raises(ValidationError, match="personnummer"):
        hsa_id.validate_python("SE2321000115-191212121212")
