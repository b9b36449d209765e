"""The reception triage console at /console: server-rendered Swedish pages on the shared page kit, over the same
use cases as the API."""

from fastapi import APIRouter

from . import (
    booking_pages,
    closing_pages,
    contact_pages,
    listing_pages,
    min_vard_pages,
    questions,
    queue,
    waitlist_pages,
)
from .kit import KIT, LOGIN, STATIC_DIR, ConsoleRoute

__all__ = ["KIT", "STATIC_DIR", "router"]

router = APIRouter()
router.include_router(LOGIN.router(KIT, ConsoleRoute))  # GET/POST /console/logga-in, POST /console/logga-ut
for module in (
    queue,
    contact_pages,
    questions,
    booking_pages,
    closing_pages,
    listing_pages,
    min_vard_pages,
    waitlist_pages,
):
    router.include_router(module.router, include_in_schema=False)
