"""The operations page at /ops: server-rendered Swedish pages over the monitor's clocks and compliance."""

from pathlib import Path

from fastapi import APIRouter

from . import login, overview

STATIC_DIR = Path(__file__).with_name("static")

router = APIRouter()
for module in (login, overview):
    router.include_router(module.router, include_in_schema=False)
