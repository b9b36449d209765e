"""The citizens' web booking pages at /: server-rendered Swedish HTML on the shared page kit (nara.shared.web),
working without JavaScript."""

from fastapi import APIRouter

from . import (
    booking_steps,
    confirm_steps,
    login,
    min_vard,
    my_times,
    offer_steps,
    patient_steps,
    reminder_steps,
    triage_steps,
    waitlist_steps,
)
from .kit import KIT, STATIC_DIR

router = APIRouter(include_in_schema=False)
for module in (
    login,
    patient_steps,
    triage_steps,
    booking_steps,
    confirm_steps,
    my_times,
    min_vard,
    waitlist_steps,
    offer_steps,
    reminder_steps,
):
    router.include_router(module.router)

__all__ = ["KIT", "STATIC_DIR", "router"]
