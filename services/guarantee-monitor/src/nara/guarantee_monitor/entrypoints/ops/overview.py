"""The operations page: counts by status, the live list of at-risk and breached contacts, and compliance.

It works without JavaScript (a refresh link). ops.js listens to /ops/strom, the alert stream with the
login cookie, and swaps in /ops/lista when an alert arrives, announcing the change politely.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response

from .. import api
from ..params import Filter
from .common import SECURITY_HEADERS, OpsRoute, page
from .compliance_view import compliance_section
from .html import EMPTY, Safe, fmt, select
from .queries import (
    compliance_period_start,
    compliance_rows,
    counts_by_status,
    same_day_rows,
    units_shown,
    urgent_clocks,
)
from .session import CurrentStaff, OptionalStaff, Staff
from .swedish import month_name, unit_name
from .views import counts_list, live_parts, urgent_table

router = APIRouter(prefix="/ops", route_class=OpsRoute)


def _with_unit(path: str, unit: str | None, **params: str) -> str:
    query = urlencode({**({"enhet": unit} if unit else {}), **params})
    return f"{path}?{query}" if query else path


def _unit_filter(staff: Staff, chosen: str | None) -> Safe:
    if len(staff.units) < 2:
        return EMPTY
    options = [("", "Alla mina enheter")] + [(unit, unit_name(unit)) for unit in staff.units]
    return fmt(
        '<form method="get" action="/ops" class="inline-form">$select'
        '<button type="submit" class="button button-secondary">Visa</button></form>',
        select=select("enhet", "Enhet", options, selected=chosen or ""),
    )


@router.get("")
async def overview(request: Request, staff: CurrentStaff, enhet: str | None = None) -> Response:
    now = request.app.state.clock.now()
    chosen = enhet if enhet in staff.units else None
    units = units_shown(staff.units, chosen)
    since = compliance_period_start(now)
    counts, urgent = await counts_by_status(request, units), await urgent_clocks(request, units, now)
    rows, same_day = await compliance_rows(request, units, since), await same_day_rows(request, units, since)
    csv_params = {"from": since.isoformat(), **({"unit": chosen} if chosen else {})}
    body = fmt(
        '<h1 class="heading-l">Vårdgarantin på dina enheter</h1>'
        '<p class="body">Varje kontakt ska få en medicinsk bedömning senast tre dagar efter dagen då patienten '
        "sökte vård. Här ser du kontakter som riskerar att inte hinna, och hur stor andel som bedöms i tid.</p>"
        '<nav class="contents" aria-labelledby="innehall-rubrik"><h2 class="contents-title" id="innehall-rubrik">'
        'På sidan</h2><ol class="contents-list"><li><a class="link" href="#status-rubrik">Läge per status</a></li>'
        '<li><a class="link" href="#risk-rubrik">Kontakter i risk och passerade</a></li>'
        '<li><a class="link" href="#uppfyllnad-rubrik">Uppfyllnad per enhet och månad</a></li></ol></nav>'
        "$filter"
        '<section aria-labelledby="status-rubrik"><h2 class="heading-m" id="status-rubrik">Läge per status</h2>'
        '<p class="hint">Antal kontakter per status mot den nationella gränsen på tre dagar, av alla kontakter '
        "som vårdgarantins klocka följer.</p>"
        '<div data-part="counts">$counts</div></section>'
        '<section aria-labelledby="risk-rubrik" data-live data-list-url="$list_url" data-stream-url="/ops/strom">'
        '<div class="section-head"><h2 class="heading-m" id="risk-rubrik" tabindex="-1">Kontakter i risk och '
        'passerade</h2><p class="section-actions"><a class="link refresh-link" href="$refresh" data-refresh>'
        "Uppdatera listan</a></p></div>"
        '<p class="body">Mest brådskande först: den som passerat gränsen längst tillbaka överst, sedan minst tid '
        "kvar. Kolumnen Varför säger varför kontakten är i risk. Har regionen en egen gräns för yrkesgruppen "
        "visas den under den nationella, och en kontakt i risk mot någon av dem står i listan.</p>"
        '<p class="hint" data-stream-state hidden></p>'
        '<p class="visually-hidden" role="status" aria-live="polite" data-live-status></p>'
        '<div data-part="list">$list</div></section>'
        '<section aria-labelledby="uppfyllnad-rubrik"><h2 class="heading-m" id="uppfyllnad-rubrik">Uppfyllnad per '
        'enhet och månad</h2><p class="body">Andel medicinska bedömningar gjorda inom vårdgarantins tre dagar '
        "(den nationella gränsen, som SKR redovisar), och andel telefonkontakter som fick kontakt samma dag, "
        "från $first till och med i dag. Målet är minst 85 %. Du ser dina enheters alla siffror; en grupp med "
        "färre än 20 är markerad, eftersom den döljs när siffrorna publiceras.</p>$compliance"
        '<p class="body"><a class="link" href="$csv_url" download>Ladda ner uppfyllnaden som CSV-fil</a> '
        '<span class="hint">(samma siffror, en rad per enhet, månad, yrkesgrupp och kontaktform)</span></p>'
        "</section>",
        filter=_unit_filter(staff, chosen),
        counts=counts_list(counts),
        list_url=_with_unit("/ops/lista", chosen),
        refresh=_with_unit("/ops", chosen) + "#risk-rubrik",
        list=urgent_table(urgent, now),
        first=month_name(since.strftime("%Y-%m")),
        compliance=compliance_section(rows, same_day),
        csv_url=f"/ops/uppfyllnad.csv?{urlencode(csv_params)}",
    )
    return page(title="Vårdgarantin", body=body, staff=staff)


@router.get("/lista")
async def live_fragment(request: Request, staff: CurrentStaff, enhet: str | None = None) -> Response:
    """Just the counts and the list, for ops.js to swap in."""
    now = request.app.state.clock.now()
    units = units_shown(staff.units, enhet)
    parts = live_parts(await counts_by_status(request, units), await urgent_clocks(request, units, now), now)
    return HTMLResponse(parts, headers=SECURITY_HEADERS)


@router.get("/strom")
async def alert_stream(request: Request, staff: OptionalStaff) -> Response:
    """The same server-sent events as /api/v1/alerts/stream, for a browser that holds the login cookie."""
    if staff is None:
        return PlainTextResponse("Logga in på /ops/logga-in först.", status_code=401, headers=SECURITY_HEADERS)
    return await api.alert_stream(request, staff.caller, clock_changes=True)


@router.get("/uppfyllnad.csv")
async def compliance_csv(request: Request, staff: CurrentStaff, filters: Filter) -> Response:
    """The same file as /api/v1/compliance.csv, for a browser that holds the login cookie; a bad address or
    another unit answers a page (OpsRoute)."""
    response = await api.compliance_csv(request, staff.caller, filters)
    response.headers["Cache-Control"] = "no-store"
    return response
