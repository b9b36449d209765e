"""A CSV file sent as an import's request body (text/csv): its text, or the problem saying why it cannot be read.
One reading for every import (practitioners, weekly templates), so they refuse the same files the same way."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse

from nara.shared.web.problems import problem

MAX_CSV_BYTES = 1_000_000


def csv_request_body(example: str) -> dict[str, Any]:
    """The OpenAPI description of a CSV body (a route's openapi_extra)."""
    return {
        "requestBody": {
            "required": True,
            "content": {"text/csv": {"schema": {"type": "string"}, "example": example}},
        }
    }


async def csv_text(request: Request) -> str | JSONResponse:
    """The file as text (UTF-8, a byte-order mark left for the CSV reader), or a 415, 413 or 422 problem."""
    media_type = request.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media_type and not (media_type.startswith("text/") or media_type == "application/octet-stream"):
        return problem(415, "Skicka filen som text/csv.", "unsupported_media_type", instance=request.url.path)
    raw = await request.body()
    if len(raw) > MAX_CSV_BYTES:
        return problem(413, "Filen är för stor (högst 1 MB). Dela upp den.", "too_large", instance=request.url.path)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return problem(
            422,
            "Filen går inte att läsa som UTF-8. Spara den som CSV UTF-8 och försök igen.",
            "invalid_request",
            instance=request.url.path,
        )
