"""Staff's schedule pages at /personal/schema: server-rendered Swedish pages on the shared page kit (nara.shared.web)
over the same use cases as the API. One module per page; each has its own router."""

from fastapi import APIRouter

from . import (
    closures,
    day_book,
    day_book_actions,
    patient_contract,
    practitioners,
    start,
    templates_page,
    time_types,
    to_move,
    units,
)
from .kit import KIT, LOGIN, STYLES, StaffRoute

__all__ = ["KIT", "STYLES", "router"]

router = APIRouter(include_in_schema=False)
router.include_router(LOGIN.router(KIT, StaffRoute))
# In the navigation's order (kit.NAVIGATION).
for module in (
    start,
    day_book,
    day_book_actions,
    to_move,
    templates_page,
    closures,
    practitioners,
    time_types,
    units,
    patient_contract,
):
    router.include_router(module.router)
