"""The live queue: open contacts at the staff member's units, the most urgent first.

The page works without JavaScript (a refresh link); console.js loads /console/ko-lista every
10 seconds and swaps the list in, announcing what changed through a polite live region.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from nara.shared.web.login import Staff
from nara.shared.web.pages import choices
from nara.shared.web.swedish import unit_name

from ...adapters.monitor_client import Clock
from ...service import contacts
from ...service.unit_of_work import UnitOfWork
from .common import in_transaction, monitor_clocks, now_of, policy_of
from .kit import KIT, ConsoleRoute, CurrentStaff
from .views import queue_rows

router = APIRouter(prefix="/console", route_class=ConsoleRoute)


def reason_titles(request: Request) -> dict[str, str]:
    return {code: reason.title for code, reason in request.app.state.guidelines.current().reasons.items()}


async def _queue(
    request: Request, staff: Staff, unit: str | None
) -> tuple[list[dict[str, Any]], dict[str, Clock] | None]:
    """The open contacts (from triage) and their clocks (from the guarantee monitor; None if it did not answer)."""
    units = [unit] if unit in staff.units else list(staff.units)
    now, policy = now_of(request), policy_of(request)

    async def load(uow: UnitOfWork) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for each in units:
            found += await contacts.queue(uow, staff.caller, unit=each, status=None, now=now, policy=policy)
        return found

    found: list[dict[str, Any]] = await in_transaction(request, load)
    clocks = await monitor_clocks(request, staff, units) if found else {}
    return found, clocks


def _queue_list(request: Request, found: list[dict[str, Any]], clocks: dict[str, Clock] | None) -> dict[str, Any]:
    """What queue_list.html shows."""
    return {
        "rows": queue_rows(found, reason_titles(request), clocks),
        "ids": " ".join(c["id"] for c in found),
        "monitor_answered": clocks is not None,
        "now": now_of(request),
    }


@router.get("")
async def queue_page(
    request: Request, staff: CurrentStaff, enhet: str | None = None, klart: str | None = None
) -> Response:
    found, clocks = await _queue(request, staff, enhet)
    options = [("", "Alla mina enheter")] + [(unit, unit_name(unit)) for unit in staff.units]
    suffix = f"?enhet={enhet}" if enhet in staff.units else ""
    return KIT.render(
        request,
        "queue.html",
        title="Kö",
        active="ko",
        done=klart,
        unit_choices=choices(options) if len(staff.units) > 1 else [],
        chosen=enhet or "",
        refresh_url=f"/console{suffix}",
        list_url=f"/console/ko-lista{suffix}",
        **_queue_list(request, found, clocks),
    )


@router.get("/ko-lista")
async def queue_fragment(request: Request, staff: CurrentStaff, enhet: str | None = None) -> Response:
    """Just the list, for console.js to swap in."""
    found, clocks = await _queue(request, staff, enhet)
    return KIT.render(request, "queue_list.html", **_queue_list(request, found, clocks))
