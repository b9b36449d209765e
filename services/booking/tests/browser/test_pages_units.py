"""Unit tests of the pages' building blocks: Swedish dates, CSRF tokens, signed state, escaping, the triage client."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import httpx
import pytest
from markupsafe import Markup

from nara.booking.adapters.triage_client import TriageClient, TriageRefused, TriageUnavailable
from nara.booking.domain.patient import PatientFacts
from nara.booking.entrypoints.pages import KIT, swedish
from nara.booking.entrypoints.pages.session import csrf_matches, csrf_token, safe_local_path, sign, unsign
from nara.shared.web.pages import Choice

KEY = b"k" * 32


def test_times_are_written_in_swedish_on_stockholm_time_winter_and_summer():
    assert swedish.when(datetime(2026, 11, 24, 7, 0, tzinfo=UTC)) == "tisdag 24 november kl. 08:00"
    assert swedish.when(datetime(2026, 6, 3, 6, 30, tzinfo=UTC)) == "onsdag 3 juni kl. 08:30"


def test_the_day_is_stockholms_day_not_utcs():
    assert swedish.when(datetime(2026, 12, 31, 23, 15, tzinfo=UTC)) == "fredag 1 januari kl. 00:15"


def test_times_across_the_autumn_daylight_saving_change():
    before = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 summer time
    after = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 02:30 winter time, an hour later
    assert swedish.when(before) == swedish.when(after) == "söndag 25 oktober kl. 02:30"
    assert (
        swedish.when_span(datetime(2026, 3, 30, 6, tzinfo=UTC), datetime(2026, 3, 30, 6, 20, tzinfo=UTC))
        == "måndag 30 mars kl. 08:00–08:20"
    )


def test_naive_times_are_refused_rather_than_guessed():
    with pytest.raises(ValueError):
        swedish.when(datetime(2026, 11, 24, 8, 0))


def test_professions_and_lists_read_as_swedish():
    assert swedish.profession("district_nurse") == "distriktssköterska"
    assert (
        swedish.either_or(["läkare", "sjuksköterska", "fysioterapeut"]) == "läkare, sjuksköterska eller fysioterapeut"
    )


def test_personnummer_problems_are_swedish_sentences():
    today = date(2026, 11, 23)
    assert swedish.personnummer_problem("19121212-1212", today) is None
    assert swedish.personnummer_problem("", today) == "Skriv ditt personnummer."
    assert "12 siffror" in swedish.personnummer_problem("1912", today)
    assert "den sista" in swedish.personnummer_problem("19121212-1213", today)
    assert swedish.age_on("19121212-1212", today) == 113
    assert swedish.age_on("20121212-1212", date(2026, 12, 11)) == 13


def test_a_csrf_token_fits_only_its_own_session_and_key():
    token = csrf_token(KEY, "session-a")
    assert csrf_matches(KEY, "session-a", token)
    assert not csrf_matches(KEY, "session-b", token)
    assert not csrf_matches(b"other" * 8, "session-a", token)
    assert not csrf_matches(KEY, "session-a", token[:-1] + ("0" if token[-1] != "0" else "1"))
    assert not csrf_matches(KEY, "session-a", None)
    assert not csrf_matches(KEY, None, token)


def test_signed_state_is_read_back_and_tampering_is_noticed():
    value = sign(KEY, "flow", {"contact_id": "c-1"})
    assert unsign(KEY, "flow", value) == {"contact_id": "c-1"}
    assert unsign(KEY, "other-purpose", value) is None
    _body, mac = value.rsplit(".", 1)
    forged = sign(b"x" * 32, "flow", {"contact_id": "c-2"}).rsplit(".", 1)[0]
    assert unsign(KEY, "flow", f"{forged}.{mac}") is None
    assert unsign(KEY, "flow", "garbage") is None


def test_redirects_after_login_stay_on_this_site():
    assert safe_local_path("/mina-tider") == "/mina-tider"
    assert safe_local_path("//evil.example") == "/"
    assert safe_local_path("https://evil.example") == "/"
    assert safe_local_path("/\\evil.example") == "/"


def test_text_from_elsewhere_is_escaped_in_pages():
    template = '{% import "fields.html" as fields %}{{ fields.radios("orsak", "Vad gäller ditt besök?", options) }}'
    html = KIT.templates.env.from_string(template).render(options=[Choice("x", '<script>alert("x")</script>')])
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert KIT.templates.env.from_string("<p>{{ a }}</p>").render(a=Markup("<b>ok</b>")) == "<p><b>ok</b></p>"


def _client(handler) -> TriageClient:
    return TriageClient("http://triage.test", transport=httpx.MockTransport(handler))


async def test_the_triage_client_forwards_the_citizens_token_and_reads_the_guidelines():
    seen = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen["authorization"] = request.headers["authorization"]
        return httpx.Response(
            200,
            json={
                "version": "2025.1.0",
                "reasons": [
                    {"code": "hosta", "title": "Hosta"},
                    {"code": "barn_feber", "title": "Feber hos barn", "age": {"min": 0, "max": 17}},
                ],
            },
        )

    guidelines = await _client(handler).guidelines("token-1")
    assert seen["authorization"] == "Bearer token-1"
    assert guidelines.version == "2025.1.0"
    assert [r.code for r in guidelines.reasons if r.applies_to(40)] == ["hosta"]


ADULT = PatientFacts(40, 480, "female", by_guardian=False)


async def test_the_client_sends_the_patients_facts_and_reads_where_to_turn_and_the_deciding_rule():
    seen = {}
    decision = {
        "urgency": "red",
        "care_level": "call_112",
        "profession": "doctor",
        "alternatives": [],
        "guarantee_applies": True,
        "guideline_version": "1",
        "advice": "Ring 112 nu. Sitt upp.",
        "care_advice": "Sitt upp.",
        "unanswered_red_flags": ["sweating"],
        "where_to_turn": {"heading": "Ring 112 nu", "text": "Ring 112 nu.", "phone": "112"},
        "rules_fired": [
            {"rule_id": "a", "text": "Andnöd.", "kind": "red_flag", "deciding": True},
            {"rule_id": "b", "text": "Pågående smärta.", "kind": "rule", "deciding": False},
        ],
    }

    def handler(request: httpx.Request) -> httpx.Response:
        seen.update(json.loads(request.content))
        return httpx.Response(200, json=decision)

    read = await _client(handler).evaluate(
        "t",
        reason_code="chest_pain",
        answers={"breathless": True},
        patient=PatientFacts(0, 2, "male", by_guardian=True),
    )
    assert (seen["age"], seen["age_months"], seen["sex"], seen["respondent"]) == (0, 2, "male", "guardian")
    assert (read.heading, read.phone, read.deciding_kind, read.deciding_text) == (
        "Ring 112 nu",
        "112",
        "red_flag",
        "Andnöd.",
    )
    assert read.red_flag_decided and read.unanswered_red_flags == ["sweating"] and read.care_advice == "Sitt upp."


async def test_an_unreachable_or_failing_triage_service_is_unavailable_and_a_refusal_is_a_refusal():
    def unreachable(request):
        raise httpx.ConnectError("refused", request=request)

    with pytest.raises(TriageUnavailable):
        await _client(unreachable).guidelines("t")
    with pytest.raises(TriageUnavailable):
        await _client(lambda r: httpx.Response(503, json={"detail": "down"})).guidelines("t")
    with pytest.raises(TriageRefused) as refused:
        await _client(lambda r: httpx.Response(422, json={"detail": "bad answers"})).evaluate(
            "t", reason_code="hosta", answers={}, patient=ADULT
        )
    assert refused.value.status == 422


async def test_the_triage_client_reads_a_decision_flat_or_nested():
    decision = {
        "urgency": "green",
        "care_level": "within_3_days",
        "profession": "nurse",
        "alternatives": ["doctor"],
        "guarantee_applies": True,
        "guideline_version": "1",
        "advice": "Vila.",
        "rules_fired": [{"rule_id": "r", "text": "Hosta utan varningstecken."}],
    }
    flat = await _client(lambda r: httpx.Response(200, json=decision)).evaluate(
        "t", reason_code="hosta", answers={}, patient=ADULT
    )
    nested = await _client(lambda r: httpx.Response(200, json={"decision": decision})).triage_contact("t", "c-1", {})
    assert flat == nested
    assert flat.rules_fired == ["Hosta utan varningstecken."] and flat.alternatives == ["doctor"]
