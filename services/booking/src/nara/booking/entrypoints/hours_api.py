"""Schedulers' API for a unit's hours: weekly templates, closures and absences, the bookings to move, CSV
import of templates."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1", tags=["schedule"])
