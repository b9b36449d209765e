"""The Jinja2 page kit: escaping, the staff login and its CSRF checks, Swedish times and labels, and the Swedish
404 and 500 pages of page routes beside the API's problem details. A small app of its own (kit_app/) uses it."""

from __future__ import annotations

import hmac
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import pytest
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import Response
from fastapi.testclient import TestClient

from nara.shared.care_guarantee import ClockStatus
from nara.shared.events.vocabulary import ContactForm, Profession
from nara.shared.identity import issue_dev_token
from nara.shared.web import problems
from nara.shared.web.labels import label
from nara.shared.web.login import LoginSession, Staff, StaffLogin
from nara.shared.web.pages import PageKit, Site, choices
from nara.shared.web.routing import PageRoute
from nara.shared.web.session import same_token
from nara.shared.web.swedish import FILTERS

UNIT = "SE2321000115-E00000000013"
HSA_ID = "SE2321000115-P000000701"

KIT = PageKit(Path(__file__).with_name("kit_app"), Site(name="Nära", product="prov", home="/prov"))
LOGIN = StaffLogin(
    home="/prov",
    cookie="nara_prov",
    key_variable="NARA_PROV_SECRET",
    units={UNIT: "Vårdcentralen Fyllinge"},
    roles={"ops": "drift", "admin": "administratör"},
    example_hsa_id=HSA_ID,
)
CurrentStaff = Annotated[Staff, Depends(LOGIN.current_staff)]


class ProvRoute(PageRoute):
    kit = KIT
    login_home = "/prov"


pages = APIRouter(prefix="/prov", route_class=ProvRoute)


@pages.get("/anteckning")
async def note(request: Request, staff: CurrentStaff, text: str = "<script>alert(1)</script>") -> Response:
    at = datetime(2026, 3, 29, 6, 5, tzinfo=UTC)  # 08:05 in Stockholm, the first morning of summer time
    return KIT.render(request, "note.html", title="Anteckning", note=text, at=at, field_errors={})


@pages.post("/anteckning")
async def save_note(request: Request, staff: CurrentStaff) -> Response:
    form = await LOGIN.checked_form(request, staff)
    errors = {} if form.get("text") else {"text": "Skriv en anteckning."}
    return KIT.render(
        request,
        "note.html",
        status_code=422 if errors else 200,
        title="Anteckning",
        note=form.get("text"),
        at=datetime(2026, 10, 25, 7, 5, tzinfo=UTC),  # 08:05 in Stockholm, the first morning of winter time
        errors=list(errors.items()),
        field_errors=errors,
    )


@pages.get("/trasig")
async def broken_page() -> Response:
    raise RuntimeError("boom")


def make_app() -> FastAPI:
    app = FastAPI()
    app.include_router(LOGIN.router(KIT, ProvRoute))
    app.include_router(pages)

    @app.get("/api/v1/trasig")
    async def broken_api() -> dict[str, str]:
        raise RuntimeError("boom")

    problems.install(app)
    KIT.install(app)
    return app


@pytest.fixture
def browser() -> TestClient:
    return TestClient(
        make_app(), raise_server_exceptions=False, headers={"Accept": "text/html"}, follow_redirects=False
    )


def logged_in(browser: TestClient) -> TestClient:
    browser.cookies.set("nara_prov", issue_dev_token("ops", HSA_ID, [UNIT]))
    return browser


def csrf_of(html: str) -> str:
    return html.split('name="csrf" value="', 1)[1].split('"', 1)[0]


def test_values_are_escaped(browser):
    page = logged_in(browser).get("/prov/anteckning")
    assert page.status_code == 200
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "<script>alert" not in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'self'")


def test_the_layout_shows_the_service_who_is_logged_in_and_a_swedish_time(browser):
    page = logged_in(browser).get("/prov/anteckning", params={"text": "Ring tillbaka"})
    assert '<html lang="sv">' in page.text
    assert "<title>Anteckning – Nära prov</title>" in page.text
    assert '<a href="#main" class="skip-link">Hoppa till huvudinnehållet</a>' in page.text
    assert f"Inloggad: <strong>{HSA_ID}</strong>, drift" in page.text and "Vårdcentralen Fyllinge" in page.text
    assert "<p data-time>08:05</p>" in page.text


def test_a_form_with_an_error_links_the_summary_to_the_field(browser):
    browser = logged_in(browser)
    token = csrf_of(browser.get("/prov/anteckning").text)
    page = browser.post("/prov/anteckning", data={"csrf": token, "text": ""})
    assert page.status_code == 422
    assert "<title>Fel: Anteckning – Nära prov</title>" in page.text
    assert '<a href="#text">Skriv en anteckning.</a>' in page.text
    assert 'aria-describedby="text-fel" aria-invalid="true"' in page.text
    saved = browser.post("/prov/anteckning", data={"csrf": token, "text": "Klart"})
    assert saved.status_code == 200 and "<p data-time>08:05</p>" in saved.text


def test_a_form_without_this_sessions_csrf_token_changes_nothing(browser, monkeypatch):
    browser = logged_in(browser)
    token = csrf_of(browser.get("/prov/anteckning").text)
    compared = []
    constant_time = hmac.compare_digest
    monkeypatch.setattr(hmac, "compare_digest", lambda a, b: compared.append(b) or constant_time(a, b))
    for wrong in ("", "0" * len(token), token[:-1], token + "0"):
        refused = browser.post("/prov/anteckning", data={"csrf": wrong, "text": "Klart"})
        assert refused.status_code == 400, wrong
        assert "Formuläret har gått ut" in refused.text
    assert compared[-1] == (token + "0").encode(), "the token is compared in constant time"
    assert same_token(token, token)
    assert not same_token(token, "") and not same_token(token, token.upper())


def test_logging_in_and_out(browser):
    login = browser.get("/prov/anteckning", follow_redirects=True)
    assert login.url.path == "/prov/logga-in" and login.url.params["nasta"] == "/prov/anteckning"
    empty = browser.post("/prov/logga-in", data={"csrf": csrf_of(login.text), "nasta": "/prov/anteckning"})
    assert empty.status_code == 422
    assert [f'href="#{field}"' in empty.text for field in ("hsa-id", "roll", "enheter")] == [True, True, True]
    assert f"Skriv ditt HSA-id, till exempel {HSA_ID}." in empty.text

    forged = browser.post("/prov/logga-in", data={"csrf": "fel", "hsa-id": HSA_ID, "roll": "ops", "enheter": UNIT})
    assert forged.status_code == 400 and "nara_prov" not in forged.cookies

    fields = {"csrf": csrf_of(login.text), "hsa-id": HSA_ID.lower(), "roll": "ops", "enheter": UNIT}
    entered = browser.post("/prov/logga-in", data={**fields, "nasta": "https://elsewhere.test/"})
    assert (entered.status_code, entered.headers["location"]) == (303, "/prov")  # never to another site
    page = browser.get("/prov/anteckning")
    assert page.status_code == 200 and HSA_ID in page.text

    assert browser.post("/prov/logga-ut", data={"csrf": "fel"}).status_code == 400
    out = browser.post("/prov/logga-ut", data={"csrf": csrf_of(page.text)})
    assert (out.status_code, out.headers["location"]) == (303, "/prov/logga-in?utloggad=1")
    assert "Du är utloggad." in browser.get(out.headers["location"]).text


def test_a_missing_page_and_a_failing_page_answer_in_swedish_in_the_apps_layout(browser):
    missing = browser.get("/prov/finns-inte")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")
    assert '<html lang="sv">' in missing.text and '<h1 class="heading-l">Finns inte</h1>' in missing.text
    assert "Provsidan." in missing.text  # the app's own footer
    failing = browser.get("/prov/trasig")
    assert failing.status_code == 500 and "Något gick fel hos oss" in failing.text and 'lang="sv"' in failing.text


@pytest.mark.parametrize("accept", ["*/*", None])
def test_a_missing_page_asked_for_without_html_in_accept_is_still_a_swedish_page(accept):
    """Issue 17: curl, a link opened from a mail app, a bare client: not {"detail": "Not Found"}."""
    client = TestClient(make_app(), raise_server_exceptions=False)
    headers = {"Accept": accept} if accept else {}
    if accept is None:
        client.headers.pop("accept", None)
    missing = client.get("/prov/finns-inte", headers=headers)
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")
    assert '<h1 class="heading-l">Finns inte</h1>' in missing.text
    asked_json = client.get("/prov/finns-inte", headers={"Accept": "application/json"})
    assert asked_json.status_code == 404 and "html" not in asked_json.headers["content-type"]


def test_the_api_keeps_its_problem_details(browser):
    missing = browser.get("/api/v1/finns-inte")
    assert missing.status_code == 404 and missing.headers["content-type"] == problems.MEDIA_TYPE
    failing = browser.get("/api/v1/trasig")
    assert failing.status_code == 500 and failing.headers["content-type"] == problems.MEDIA_TYPE
    assert failing.json()["title"] == "Något gick fel hos oss" and failing.json()["instance"] == "/api/v1/trasig"


def test_times_are_shown_in_one_style_on_stockholms_clock_across_daylight_saving():
    summer, winter = datetime(2026, 10, 24, 22, 30, tzinfo=UTC), datetime(2026, 10, 25, 23, 30, tzinfo=UTC)
    assert FILTERS["time"](datetime(2026, 3, 29, 1, 0, tzinfo=UTC)) == "03:00"
    assert FILTERS["date_time"](summer) == "söndag 25 oktober kl. 00:30"
    assert FILTERS["date_time"](winter) == "måndag 26 oktober kl. 00:30"
    assert FILTERS["time_span"](summer, winter) == "söndag 25 oktober kl. 00:30–00:30"
    assert FILTERS["percent"](0.8333) == "83,3 %" and FILTERS["percent"](None) == "–"


def test_the_shared_enums_have_swedish_labels():
    assert label(Profession.NURSE) == "Sjuksköterska"
    assert label("nurse", "profession") == "Sjuksköterska"
    assert label(ContactForm.PHONE) == "Telefon" and label("phone", "contact_form_for_citizens") == "Telefonsamtal"
    assert [label(status) for status in ClockStatus][:3] == ["I tid", "Risk", "Passerad"]
    assert label(None, "profession", "Ej triagerad") == "Ej triagerad"
    assert label("astronaut", "profession") == "astronaut"  # an unknown code shows as it is


def test_the_macros_give_the_govuk_markup_the_apps_stylesheets_know():
    kit = KIT.templates.env.get_template("kit/macros.html").module
    options = choices({"reception": "Reception", "clinician": "Legitimerad <personal>"})
    radios = str(kit.radios("roll", "Roll", options, checked="clinician", error="Välj din roll.", hint="En roll."))
    assert (
        '<div class="form-group form-group-error"><fieldset class="fieldset" aria-describedby="roll-hint roll-fel">'
        in radios
    )
    assert 'id="roll" name="roll" type="radio" value="reception">' in radios  # the summary links to #roll
    assert 'id="roll-2" name="roll" type="radio" value="clinician" checked>' in radios
    assert "Legitimerad &lt;personal&gt;" in radios
    select = str(kit.select("enhet", "Enhet", options, selected="clinician"))
    assert (
        '<option value="clinician" selected>' in select and '<select class="select" id="enhet" name="enhet">' in select
    )
    assert (
        str(kit.button("Spara", kind="warning")) == '<button type="submit" class="button button-warning">Spara</button>'
    )
    assert str(kit.tag("Passerad", kind="breached", icon=True)) == (
        '<strong class="tag tag-breached"><span class="tag-icon" aria-hidden="true"></span>Passerad</strong>'
    )
    rows = str(kit.summary_list([("Tid", "kl. 08:00"), ("Plats", "<b>")]))
    assert '<dt class="summary-key">Tid</dt><dd class="summary-value">kl. 08:00</dd>' in rows and "&lt;b&gt;" in rows
    pages = str(kit.pagination(next=("/console?sida=2", "Nästa sida")))
    assert '<a class="pagination-link" rel="next" href="/console?sida=2">Nästa sida</a>' in pages


def test_a_citizen_session_covers_the_whole_site_with_a_lax_cookie():
    citizen = LoginSession(
        home="", cookie="nara_session", key_variable="NARA_PROV_KEY", samesite="lax", accepts=lambda c: c.is_citizen
    )
    assert citizen.login_location("/mina-tider") == "/logga-in?nasta=/mina-tider"
    assert citizen.safe_path("/mina-tider") == "/mina-tider" and citizen.safe_path("//elsewhere.test") == "/"
    response = Response()
    request = Request(
        {"type": "http", "scheme": "http", "method": "GET", "path": "/", "headers": [], "query_string": b""}
    )
    citizen.set_login_cookie(request, response, "jwt")
    assert "Path=/;" in response.headers["set-cookie"] and "SameSite=lax" in response.headers["set-cookie"]


def _app_with_units_from(source) -> TestClient:
    login = StaffLogin(
        home="/prov",
        cookie="nara_prov",
        key_variable="NARA_PROV_SECRET",
        units={UNIT: "Vårdcentralen Fyllinge"},
        unit_source=source,
        roles={"ops": "drift"},
        example_hsa_id=HSA_ID,
    )
    app = FastAPI()
    app.include_router(login.router(KIT, ProvRoute))
    return TestClient(app, raise_server_exceptions=False, follow_redirects=False)


def test_the_login_offers_the_units_its_source_gives_and_logs_in_to_one_of_them():
    added = "SE2321000115-E00000000077"

    async def units(request: Request) -> dict[str, str]:
        return {added: "Vårdcentralen Getinge"}

    browser = _app_with_units_from(units)
    form = browser.get("/prov/logga-in")
    answer = browser.post(
        "/prov/logga-in", data={"csrf": csrf_of(form.text), "hsa-id": HSA_ID, "enheter": [added, UNIT]}
    )

    assert "Vårdcentralen Getinge" in form.text and "Vårdcentralen Fyllinge" not in form.text
    assert answer.status_code == 303
    assert browser.cookies.get("nara_prov")  # logged in, to the source's unit only (a unit not offered is dropped)


def test_when_the_units_source_fails_the_login_still_works_with_the_fixed_list():
    async def broken(request: Request) -> dict[str, str]:
        raise ConnectionError("the database does not answer")

    form = _app_with_units_from(broken).get("/prov/logga-in")

    assert form.status_code == 200 and "Vårdcentralen Fyllinge" in form.text
