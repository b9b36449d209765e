"""Staff's API for the day's book (dagbok); every read that shows patients is access-logged."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(prefix="/api/v1", tags=["schedule"])
