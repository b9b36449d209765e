"""The schedule's start page: the unit being worked on, and what each page is for."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from .kit import HOME, CurrentDesk, StaffRoute, page

router = APIRouter(prefix=HOME, route_class=StaffRoute, include_in_schema=False)


@router.get("")
async def start(request: Request, desk: CurrentDesk) -> HTMLResponse:
    return page(request, desk, "start.html", title=f"Schema för {desk.unit_name}", active="start")
