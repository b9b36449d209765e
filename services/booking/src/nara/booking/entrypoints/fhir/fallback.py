"""Any other path under /fhir/R4: an OperationOutcome naming the CapabilityStatement, registered after every
real route."""

from __future__ import annotations

from fastapi.responses import Response

# $find, $hold and $book registered first: a catch-all path matches every method, so it must come after them.
from . import operations  # noqa: F401
from .answers import outcome
from .routes import BASE, router


@router.api_route("/{anything:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
async def unknown(anything: str) -> Response:
    return outcome(404, f"Den här FHIR-servern har inte '{anything}'. Se {BASE}/metadata för det som finns.")
