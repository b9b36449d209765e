"""Staff's look-up of who patients are (/api/v1/patients/identities): the personnummer behind pseudonyms, for a
service that keeps only pseudonyms (booking's day's book). The pseudonyms travel in the body, never in a URL."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from nara.shared.identity import CurrentCaller

from ..service import identities as use_cases
from .problems import problem_responses
from .transactions import now_of, respond

router = APIRouter(prefix="/api/v1/patients", tags=["patients"])
PSEUDONYM = re.compile(r"p_[a-z2-7]{32}")
PURPOSE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:/\-]{0,119}")


def _pseudonym(value: str) -> str:
    if not PSEUDONYM.fullmatch(value):  # never echoed: it might be a personnummer sent by mistake
        raise ValueError("Ange pseudonymer (p_ och 32 tecken), aldrig personnummer.")
    return value


def _purpose(value: str) -> str:
    if not PURPOSE.fullmatch(value):
        raise ValueError("Ange vad uppgifterna visas i med bokstäver, siffror och _ . : / -, högst 120 tecken.")
    return value


Pseudonym = Annotated[str, StringConstraints(max_length=40), AfterValidator(_pseudonym)]
Purpose = Annotated[str, StringConstraints(max_length=120), AfterValidator(_purpose)]


class IdentitiesRequest(BaseModel):
    pseudonyms: list[Pseudonym] = Field(
        max_length=use_cases.MAX_PSEUDONYMS, description="Pseudonyms (p_ and 32 characters), at most 200."
    )
    purpose: Purpose = Field(
        "patient-identities",
        description="What the identities are shown in (e.g. day-book/<unit>/<date>), for the access log.",
    )


class Identity(BaseModel):
    pseudonym: str
    personnummer: str = Field(description="12 digits, YYYYMMDDNNNN.")


class IdentitiesAnswer(BaseModel):
    identities: list[Identity] = Field(
        description="One per pseudonym the caller may see; unknown ones, and other units' patients, are left out."
    )


@router.post("/identities", response_model=IdentitiesAnswer, responses=problem_responses(401, 403, 422))
async def patient_identities(request: Request, body: IdentitiesRequest, caller: CurrentCaller) -> JSONResponse:
    """Care staff (not operations, not citizens): the personnummer behind each pseudonym of a patient listed at
    or with a contact at their units; others are left out, and every patient answered
    is access-logged."""
    return await respond(
        request,
        200,
        lambda uow: use_cases.identities(uow, caller, body.pseudonyms, purpose=body.purpose, now=now_of(request)),
    )
