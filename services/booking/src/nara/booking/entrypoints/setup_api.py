"""Schedulers' API for setting up a unit: care units, practitioners, time types, CSV import of practitioners."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1", tags=["schedule"])
