"""The listing register's API (/api/v1/listings): read and record one patient's listing, and an admin's import of
the regional listing system's export. The personnummer travels in the body or the query, never in the path."""

from __future__ import annotations

import hashlib
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from nara.shared.identity import CurrentCaller
from nara.shared.web.fields import CalendarDate

from ..service import listings
from .api import IdempotencyKey
from .fields import PersonnummerInput, UnitId
from .problems import problem, problem_responses
from .transactions import now_of, respond, respond_once

router = APIRouter(prefix="/api/v1/listings", tags=["listings"])
CSV_TYPES = ("text/csv", "application/csv", "text/plain", "application/vnd.ms-excel")


class ListingRequest(BaseModel):
    patient: PersonnummerInput = Field(description="The patient's personnummer or samordningsnummer.")
    unit: UnitId = Field(description="The HSA-id of the unit the patient is listed at.")
    listed_from: CalendarDate | None = Field(None, description="The day the listing began; today if left out.")


@router.get("", responses=problem_responses(401, 404, 422))
async def read_listing(
    request: Request,
    caller: CurrentCaller,
    patient: Annotated[PersonnummerInput, Query(description="The personnummer.")],
) -> JSONResponse:
    """Where a patient is listed (admin, or staff of the unit or of a unit where the patient has a contact); `known`
    is false, and `unit` null, when the register does not know. Every staff read is access-logged."""
    return await respond(
        request,
        200,
        lambda c: listings.read(c, caller, request.app.state.pseudonymiser, personnummer=patient, now=now_of(request)),
    )


@router.put("", responses=problem_responses(401, 403, 422))
async def record_listing(request: Request, body: ListingRequest, caller: CurrentCaller) -> JSONResponse:
    """Record where a patient is listed (admin; staff at their own unit, or for a patient with a contact there).
    Open contacts registered while the listing was unknown take it, and the guarantee monitor is told."""
    return await respond(
        request,
        200,
        lambda c: listings.record(
            c,
            caller,
            request.app.state.pseudonymiser,
            personnummer=body.patient,
            unit=body.unit,
            listed_from=body.listed_from,
            now=now_of(request),
        ),
    )


@router.post(
    "/import",
    responses=problem_responses(401, 403, 413, 415, 422),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "text/csv": {
                    "schema": {"type": "string"},
                    "example": (
                        "personnummer;enhetens HSA-id;listad från\n19121212-1212;SE2321000115-E00000000011;2024-03-01\n"
                    ),
                }
            },
        }
    },
)
async def import_listings(
    request: Request, caller: CurrentCaller, idempotency_key: IdempotencyKey = None
) -> JSONResponse:
    """Admin: import the regional listing system's export (CSV with a header row: personnummer, the unit's HSA-id,
    listed from as YYYY-MM-DD; comma or semicolon), at most 8 MiB (larger: 413). Every row is checked first: one
    bad row imports nothing, and the problem lists each row's error in Swedish."""
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type not in CSV_TYPES:
        return problem(
            415,
            "Skicka filen som text/csv: en rubrikrad och en listning per rad.",
            "not_csv",
            instance=request.url.path,
        )
    content = await request.body()  # its size is the app's limit for this path (larger_bodies), then the use case's
    return await respond_once(
        request,
        caller,
        idempotency_key,
        {"op": "import listings", "file": _digest(content)},
        lambda c: listings.import_file(
            c, caller, request.app.state.pseudonymiser, content=content, now=now_of(request)
        ),
    )


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()
