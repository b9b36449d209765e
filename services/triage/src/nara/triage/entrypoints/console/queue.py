"""The live queue: open contacts at the staff member's units, the most urgent first.

The page works without JavaScript (a refresh link); console.js fetches /console/ko-lista every
10 seconds and swaps the list in, announcing what changed through a polite live region.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from ...adapters.monitor_client import Clock
from ...service import contacts
from ...service.unit_of_work import UnitOfWork
from .common import (
    SECURITY_HEADERS,
    ConsoleRoute,
    in_transaction,
    monitor_clocks,
    monitor_note,
    now_of,
    page,
    policy_of,
)
from .html import Choice, Safe, fmt, link_button, select
from .session import CurrentStaff, Staff
from .swedish import clock_time, unit_name
from .views import queue_table

router = APIRouter(prefix="/console", route_class=ConsoleRoute)


def reason_titles(request: Request) -> dict[str, str]:
    return {code: reason.title for code, reason in request.app.state.guidelines.current().reasons.items()}


async def _queue(request: Request, staff: Staff, unit: str | None) -> tuple[list[dict], dict[str, Clock] | None]:
    """The open contacts (from triage) and their clocks (from the guarantee monitor; None if it did not answer)."""
    units = [unit] if unit in staff.units else list(staff.units)
    now, policy = now_of(request), policy_of(request)

    async def load(uow: UnitOfWork) -> list[dict[str, Any]]:
        found = []
        for each in units:
            found += await contacts.queue(uow, staff.caller, unit=each, status=None, now=now, policy=policy)
        return found

    found = await in_transaction(request, load)
    clocks = await monitor_clocks(request, staff, units) if found else {}
    return found, clocks


def _queue_list(request: Request, found: list[dict], clocks: dict[str, Clock] | None) -> Safe:
    return fmt(
        '$note$table<p class="hint queue-updated">Uppdaterad kl. <span data-queue-time>$time</span>.</p>',
        note=monitor_note(clocks is not None),
        table=queue_table(found, reason_titles(request), clocks),
        time=clock_time(now_of(request)),
    )


@router.get("")
async def queue_page(
    request: Request, staff: CurrentStaff, enhet: str | None = None, klart: str | None = None
) -> Response:
    found, clocks = await _queue(request, staff, enhet)
    unit_filter = fmt("")
    if len(staff.units) > 1:
        options = [Choice("", "Alla mina enheter")] + [Choice(u, unit_name(u)) for u in staff.units]
        unit_filter = fmt(
            '<form method="get" action="/console" class="inline-form">$select'
            '<button type="submit" class="button button-secondary">Visa</button></form>',
            select=select("enhet", "Enhet", options, selected=enhet or ""),
        )
    refresh = f"/console?enhet={enhet}" if enhet in staff.units else "/console"
    list_url = f"/console/ko-lista?enhet={enhet}" if enhet in staff.units else "/console/ko-lista"
    body = fmt(
        '<div class="queue-head"><h1 class="heading-l" id="ko-rubrik" tabindex="-1">Kö</h1>'
        '<p class="queue-actions">$new $refresh</p></div>'
        '<p class="body">Öppna kontakter på dina enheter, mest brådskande först. Vårdgarantin ger patienten en '
        "medicinsk bedömning senast tre dagar efter dagen hen sökte vård. Tiden kvar och bokade tider kommer från "
        "vårdgarantins övervakning.</p>$filter"
        '<p class="visually-hidden" role="status" aria-live="polite" data-queue-status></p>'
        '<section class="queue-section" aria-labelledby="ko-rubrik" data-queue data-queue-url="$list_url">'
        "$list</section>",
        new=link_button("/console/kontakter/ny", "Ny kontakt", shortcut="n"),
        refresh=fmt(
            '<a class="link refresh-link" href="$href" data-shortcut="u" data-queue-refresh>Uppdatera kön</a>',
            href=refresh,
        ),
        filter=unit_filter,
        list_url=list_url,
        list=_queue_list(request, found, clocks),
    )
    return page(request, title="Kö", body=body, staff=staff, active="ko", done=klart)


@router.get("/ko-lista")
async def queue_fragment(request: Request, staff: CurrentStaff, enhet: str | None = None) -> Response:
    """Just the list, for console.js to swap in."""
    found, clocks = await _queue(request, staff, enhet)
    return HTMLResponse(_queue_list(request, found, clocks), headers=SECURITY_HEADERS)
