"""The console's pages on the shared page kit, without servers: its login and forms refuse a wrong CSRF token
(the kit compares tokens in constant time), and its templates render what the browser tests read, escaped."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from fastapi import FastAPI
from fastapi.testclient import TestClient

from nara.shared.identity import Caller, issue_dev_token
from nara.shared.web.login import Staff
from nara.shared.web.pages import Choice
from nara.triage.entrypoints import console
from nara.triage.entrypoints.console.kit import KIT, fragment

FALKENBERG = "SE2321000115-E00000000011"
RECEPTIONIST = "SE2321000115-P000000301"
CONTACT = "0b6f3a3e-2d1c-4a8e-9f57-3b1d2c4e5f60"


def console_app() -> TestClient:
    """Only the console's routes: a refused form never reaches the database."""
    app = FastAPI()
    app.include_router(console.router)
    KIT.install(app)
    return TestClient(app, follow_redirects=False)


def login_token(client: TestClient) -> str:
    page = client.get("/console/logga-in")
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found, page.text[:500]
    return found[1]


def test_the_login_refuses_a_wrong_csrf_token_and_sets_no_cookie():
    client = console_app()
    real = login_token(client)
    form = {"hsa-id": RECEPTIONIST, "roll": "reception", "enheter": FALKENBERG, "nasta": "/console"}

    for wrong in ("forged", real[:-1], real + "0", ""):
        refused = client.post("/console/logga-in", data={**form, "csrf": wrong})
        assert refused.status_code == 400 and "Formuläret har gått ut" in refused.text
        assert "nara_console" not in refused.headers.get("set-cookie", "")

    accepted = client.post("/console/logga-in", data={**form, "csrf": real})
    assert accepted.status_code == 303 and accepted.headers["location"] == "/console"
    assert "nara_console=" in accepted.headers["set-cookie"]


def test_a_form_with_a_wrong_csrf_token_changes_nothing():
    client = console_app()
    client.cookies.set("nara_console", issue_dev_token("reception", RECEPTIONIST, [FALKENBERG]), path="/console")

    refused = client.post(f"/console/kontakter/{CONTACT}/avsluta", data={"skal": "self_care", "csrf": "forged"})

    assert refused.status_code == 400
    assert "Formuläret har gått ut" in refused.text and "inget har ändrats" in refused.text


def test_without_a_login_a_page_sends_the_person_to_log_in_and_back():
    response = console_app().get(f"/console/kontakter/{CONTACT}")

    assert response.status_code == 303
    assert response.headers["location"] == f"/console/logga-in?nasta=/console/kontakter/{CONTACT}"


def staff() -> Staff:
    return Staff(Caller.of("reception", RECEPTIONIST, [FALKENBERG]), "token", "csrf-token")


def render(template: str, **context: object) -> str:
    context.setdefault("errors", [])
    context.setdefault("staff", staff())
    return KIT.templates.get_template(template).render(**context)


def test_the_login_page_shows_roles_and_units_with_their_hints_and_the_logout_banner():
    html = render(
        "login.html",
        title="Logga in",
        staff=None,
        values={"hsa-id": "", "roll": None, "enheter": []},
        field_errors={},
        csrf="t",
        next_path="/console",
        logged_out=True,
        action="/console/logga-in",
        units=[Choice(FALKENBERG, "Vårdcentralen Falkenberg", FALKENBERG)],  # as StaffLogin gives them
    )

    assert "Du är utloggad." in html and 'role="alert"' in html
    assert "Som reception, och registrerar dessutom medicinska bedömningar." in html
    assert f">{FALKENBERG}</div>" in html and "Vårdcentralen Falkenberg" in html
    assert "<title>Logga in – Nära triagekonsol</title>" in html


def test_the_close_form_escapes_what_a_person_typed_and_titles_an_error_page():
    contact = {"id": CONTACT, "personnummer": "191212121212"}
    advice = {"decision": {"advice": "<script>alert(1)</script>"}}
    html = render(
        "close.html",
        title="Avsluta kontakten",
        errors=[("skal", "Välj varför kontakten avslutas.")],
        field_errors={"skal": "Välj varför kontakten avslutas."},
        contact=contact,
        triaged=advice,
        reasons=[],
        checked=None,
    )

    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    assert "<title>Fel: Avsluta kontakten – Nära triagekonsol</title>" in html
    assert '<a href="#skal">Välj varför kontakten avslutas.</a>' in html
    assert "19121212-1212" in html and 'name="csrf" value="csrf-token"' in html


def test_the_done_banner_shows_only_the_consoles_own_sentences():
    page = {"title": "Kö", "active": "ko", "unit_choices": [], "chosen": "", "refresh_url": "/console"}
    queue = {"list_url": "/console/ko-lista", "rows": [], "ids": "", "monitor_answered": False}
    now = datetime(2026, 11, 24, 8, 5, tzinfo=UTC)

    done = render("queue.html", done="avslutad", now=now, **page, **queue)
    other = render("queue.html", done="<b>hej</b>", now=now, **page, **queue)

    assert "Kontakten är avslutad." in done and 'aria-current="page"' in done
    assert "hej" not in other and "data-banner" not in other
    assert "Uppdaterad kl. <span data-queue-time>09:05</span>" in done  # the kit's one style of time
    assert 'data-monitor="silent"' in done and "Inga öppna kontakter just nu." in done


def test_the_decision_panel_shows_an_emergency_the_rules_and_the_questions_left_unanswered():
    entry = {
        "decision": {
            "care_level": "call_112",
            "urgency": "red",
            "profession": "doctor",
            "alternatives": ["doctor", "nurse"],
            "guarantee_applies": False,
            "guideline_version": "2026.12.1",
            "advice": "Ring 112 & vänta <inte>.",
            "rules_fired": [{"kind": "red_flag", "text": "Andnöd", "deciding": True, "sources": ["NICE", "1177"]}],
            "unanswered_red_flags": ["breath"],
            "unanswered_questions": ["breath", "fever"],
            "assumed_time": "2026-11-24T19:30:00+00:00",
            "office_hours": False,
        },
        "override_reason": None,
        "decided_by": RECEPTIONIST,
        "decided_at": "2026-11-24T19:30:00+00:00",
    }

    html = str(fragment("decision_panel", entry, ["Svårt att andas?"], ["Feber?"]))

    assert "Akut: Ring 112 nu" in html and "Ring 112 &amp; vänta &lt;inte&gt;." in html
    assert "Läkare (alternativ: Sjuksköterska)" in html
    assert '<strong class="tag tag-flag">Varningstecken</strong> <span class="rule-text">Andnöd</span>' in html
    assert "Avgjorde" in html and "Källa: NICE; 1177" in html
    assert (
        'data-unanswered-red-flags="breath"' in html
        and "Obesvarade varningstecken (1):</strong> Svårt att andas?" in html
    )
    assert "Andra obesvarade frågor (1): Feber?." in html
    assert "tisdag 24 november kl. 20:30 (utanför vårdcentralens öppettid)" in html


def test_a_patient_listed_elsewhere_is_named_with_the_reason_the_guarantee_applies_there():
    contact = {"id": CONTACT, "listing": "elsewhere", "listed_unit": FALKENBERG, "status": "open"}

    html = str(fragment("listing_text", {**contact, "not_covered_reason": "Listad på en annan vårdcentral"}))
    unknown = str(fragment("listing_text", {**contact, "listing": "unknown", "listed_unit": None}))

    assert html.startswith("Vårdcentralen Falkenberg") and "(Listad på en annan vårdcentral: vårdgarantin" in html
    assert "Listning okänd" in unknown and f"/console/kontakter/{CONTACT}/listning" in unknown
