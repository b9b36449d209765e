"""How the FHIR routes answer: application/fhir+json, and every error (a refusal, a bad body, no login, even a
fault of ours) as an OperationOutcome, never the API's problem details or a bare 500."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException as StarletteHTTPException

from ...domain.errors import BookingRefused
from ..problems import status_of
from .parameters import BadParameters
from .resources import FHIR_JSON, operation_outcome

LOG = logging.getLogger(__name__)


class FhirResponse(JSONResponse):
    media_type = FHIR_JSON


def fhir(body: dict[str, Any], status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return FhirResponse(body, status_code=status, headers=headers)


def outcome(status: int, diagnostics: str, code: str | None = None, headers: dict[str, str] | None = None) -> Response:
    return fhir(operation_outcome(status, diagnostics, code), status, headers)


def _unreadable(error: RequestValidationError) -> str:
    wrong = [".".join(str(p) for p in e.get("loc", ())[1:]) or "begäran" for e in error.errors()]
    return f"Begäran går inte att läsa: kontrollera {', '.join(wrong)}."


class FhirRoute(APIRoute):
    """A route whose errors, raised anywhere in it (its dependencies too), answer as an OperationOutcome."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handle = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handle(request)
            except BadParameters as bad:
                return outcome(400, bad.message, "invalid_parameters")
            except BookingRefused as refused:
                return outcome(status_of(refused), refused.message, refused.code)
            except RequestValidationError as invalid:
                return outcome(400, _unreadable(invalid), "invalid_request")
            except StarletteHTTPException as refused:
                headers = dict(refused.headers) if refused.headers else None
                return outcome(refused.status_code, str(refused.detail), headers=headers)
            except Exception:  # a fault of ours: still an answer a FHIR client can read
                LOG.exception("FHIR request failed: %s %s", request.method, request.url.path)
                return outcome(500, "Något gick fel hos oss. Försök igen om en stund.")

        return answer
