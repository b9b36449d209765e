"""The operations page at /ops: server-rendered Swedish pages over the monitor's clocks and compliance,
on the shared page kit (nara.shared.web); this package keeps only its own pages."""

from fastapi import APIRouter

from . import overview, waitlist_view
from .kit import KIT, LOGIN, STATIC_DIR, OpsRoute

__all__ = ["KIT", "STATIC_DIR", "router"]

router = APIRouter()
router.include_router(LOGIN.router(KIT, OpsRoute))
router.include_router(overview.router, include_in_schema=False)
router.include_router(waitlist_view.router, include_in_schema=False)
