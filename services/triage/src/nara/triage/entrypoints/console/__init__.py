"""The reception triage console at /console: server-rendered Swedish pages over the same use cases as the API."""

from pathlib import Path

from fastapi import APIRouter

from . import booking_pages, closing_pages, contact_pages, listing_pages, login, questions, queue

STATIC_DIR = Path(__file__).with_name("static")

router = APIRouter()
for module in (login, queue, contact_pages, questions, booking_pages, closing_pages, listing_pages):
    router.include_router(module.router, include_in_schema=False)
