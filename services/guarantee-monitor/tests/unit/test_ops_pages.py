"""The operations page's templates, rendered without servers: what the browser tests read is there, in Swedish,
escaped, and every name the templates use exists (the kit renders with StrictUndefined)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from nara.guarantee_monitor.entrypoints.ops.compliance_view import by_unit
from nara.guarantee_monitor.entrypoints.ops.kit import KIT
from nara.guarantee_monitor.entrypoints.ops.queries import StatusCounts, Urgent
from nara.guarantee_monitor.service.compliance import ComplianceRow, SameDayRow
from nara.shared.identity import Caller
from nara.shared.web.login import Staff

FYLLINGE, FALKENBERG = "SE2321000115-E00000000013", "SE2321000115-E00000000011"
NOW = datetime(2026, 11, 24, 8, 5, tzinfo=UTC)  # 09:05 in Stockholm


def clock(patient: str, status: str, hours_left: float, *, trace: str | None = None, regional: dict | None = None):
    return {
        "contact_id": f"c-{patient}",
        "patient": patient,
        "unit": FYLLINGE,
        "listing_unknown": status == "at_risk",
        "profession": None if status == "breached" else "nurse",
        "deadline": "2026-11-26T23:00:00+00:00",
        "hours_left": hours_left,
        "status": status,
        "reason": "Ingen tid bokad och ingen bedömning gjord",
        "measures": {"national": {"status": status, "hours_left": hours_left}, "regional": regional},
        "trace_url": trace,
    }


def render(template: str, **context: object) -> str:
    context.setdefault("errors", [])
    context.setdefault("staff", Staff(Caller.of("ops", "SE2321000115-P000000701", [FYLLINGE, FALKENBERG]), "t", "x"))
    return KIT.templates.get_template(template).render(title="Vårdgarantin", **context)


def overview() -> str:
    counts = StatusCounts(
        {"on_track": 1, "at_risk": 2, "breached": 3, "assessed": 4, "not_covered": 0, "patient_chosen_wait": 0}, 1
    )
    urgent = Urgent(
        [
            clock("p_<b>" + "a" * 20, "breached", -26.04),
            clock(
                "p_b",
                "at_risk",
                30.0,
                trace="http://sparning.test/traces/1",
                regional={"status": "at_risk", "days": 2, "hours_left": 6.5, "reason": "Regionens gräns närmar sig"},
            ),
        ],
        3,
    )
    rows = [
        ComplianceRow("2026-10", FYLLINGE, "nurse", "distance", 24, 20, 0, False),
        ComplianceRow("2026-10", FYLLINGE, "midwife", "home", 1, 1, 0, True),
    ]
    same_day = [SameDayRow("2026-10", FYLLINGE, 5, 4)]
    return render(
        "overview.html",
        unit_choices=[],
        chosen="",
        counts=counts,
        urgent=urgent,
        now=NOW,
        list_url="/ops/lista",
        refresh_url="/ops#risk-rubrik",
        since="2025-12",
        units=by_unit(rows, same_day),
        csv_url="/ops/uppfyllnad.csv?from=x",
    )


def test_the_overview_shows_counts_the_urgent_list_and_compliance_in_swedish():
    page = overview()
    assert "<title>Vårdgarantin – Nära drift</title>" in page and '<html lang="sv" class="no-js">' in page
    assert dict(re.findall(r'data-count="([a-z_]+)">(\d+)<', page))["breached"] == "3"
    assert "Passerad för 26,0 timmar sedan" in page and "30,0 timmar kvar" in page
    assert "Sista dag torsdag 26 november" in page and "Uppdaterad kl. <span data-list-time>09:05</span>" in page
    assert "Ej triagerad" in page and "Sjuksköterska" in page and "Visar de 2 mest brådskande av 3." in page
    assert 'title="p_&lt;b&gt;aaaaaaaaaaaaaaaaaaaa">p_&lt;b&gt;aaaaa…</span>' in page  # escaped, shortened
    assert '<span class="hint">Ingen spårning</span>' in page and 'href="http://sparning.test/traces/1"' in page
    assert 'data-regional-status="at_risk">Regionens gräns, 2 dagar:' in page and "6,5 timmar kvar" in page
    assert 'data-hours-left="-26.04"' in page and "data-listing-unknown" in page
    assert "från december 2025 till och med i dag" in page
    assert '<td class="cell numeric" data-zero="0.8">4 av 5 (80,0 %)<span class="cell-note" data-small-group>' in page


def test_the_compliance_chart_marks_the_target_and_small_groups():
    page = overview()
    assert "83,3 % (under målet)" in page and "Mål 85 %" in page and 'fill="url(#streck-0)"' in page
    assert page.count('data-group="small"') == 1 and page.count('data-group="published"') == 1
    assert ">Färre än 20: döljs vid publicering</text>" in page
    assert 'data-profession="midwife" data-form="home" data-small-group>' in page and "Döljs: färre än 20" in page


def test_the_live_parts_and_the_login_page_render():
    parts = render(
        "live_parts.html", counts=StatusCounts(dict.fromkeys(["at_risk"], 0), 0), urgent=Urgent([], 0), now=NOW
    )
    assert '<div data-part="counts">' in parts and "Inga kontakter är i risk eller passerade just nu." in parts
    login = render(
        "login.html",
        staff=None,
        errors=[("hsa-id", "Skriv ditt HSA-id.")],
        field_errors={"hsa-id": "Skriv ditt HSA-id."},
        values={"hsa-id": "", "roll": None, "enheter": [FYLLINGE]},
        csrf="c",
        next_path="/ops",
        logged_out=True,
        action="/ops/logga-in",
        roles=[],
        units=KIT.templates.env.globals["choices"]({FYLLINGE: "Vårdcentralen Fyllinge"}),
    )
    assert "<title>Fel: Vårdgarantin – Nära drift</title>" in login and "Du är utloggad." in login
    assert f'value="{FYLLINGE}" checked' in login and '<a href="#hsa-id">Skriv ditt HSA-id.</a>' in login
