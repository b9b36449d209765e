"""Staff's schedule pages at /personal/schema: server-rendered Swedish pages on the shared page kit (nara.shared.web)
over the same use cases as the API. One module per page; each has its own router."""

from fastapi import APIRouter

from . import closures, practitioners, start, templates_page, time_types, to_move, units
from .kit import KIT, LOGIN, STYLES, StaffRoute

__all__ = ["KIT", "STYLES", "router"]

router = APIRouter(include_in_schema=False)
router.include_router(LOGIN.router(KIT, StaffRoute))
for module in (start, units, practitioners, time_types, templates_page, closures, to_move):
    router.include_router(module.router)
