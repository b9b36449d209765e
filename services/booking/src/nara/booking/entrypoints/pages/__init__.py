"""The citizens' web booking pages at /: server-rendered Swedish HTML that works without JavaScript."""

from pathlib import Path

from fastapi import APIRouter

from . import booking_steps, login, my_times, patient_steps, triage_steps

STATIC_DIR = Path(__file__).with_name("static")

router = APIRouter(include_in_schema=False)
for module in (login, patient_steps, triage_steps, booking_steps, my_times):
    router.include_router(module.router)

__all__ = ["STATIC_DIR", "router"]
