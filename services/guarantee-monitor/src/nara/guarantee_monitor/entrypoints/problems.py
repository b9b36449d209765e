"""Errors from the REST API as RFC 9457 problem details (application/problem+json), as the contract asks.

Only /api paths answer this way; the operations pages answer with pages of their own (OpsRoute). The
`detail` member keeps the sentence a person can act on, so clients that read `detail` read the same as before.
"""

from __future__ import annotations

from http import HTTPStatus

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException

PROBLEM = "application/problem+json"
API = "/api/"

# For the OpenAPI: every error a path answers has this shape.
PROBLEM_SCHEMA = {
    "type": "object",
    "properties": {"type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                   "detail": {"type": "string"}, "instance": {"type": "string"}},
    "required": ["title", "status", "detail"],
}


def problem_response(description: str) -> dict:
    return {"description": description, "content": {PROBLEM: {"schema": PROBLEM_SCHEMA}}}


def problem(request: Request, status: int, detail: str, headers: dict[str, str] | None = None) -> JSONResponse:
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status, "detail": detail,
            "instance": request.url.path}
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(HTTPException)
    async def http_problem(request: Request, error: HTTPException) -> Response:
        if not request.url.path.startswith(API):
            return await http_exception_handler(request, error)
        return problem(request, error.status_code, str(error.detail), getattr(error, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_problem(request: Request, error: RequestValidationError) -> Response:
        if not request.url.path.startswith(API):
            return await request_validation_exception_handler(request, error)
        wrong = "; ".join(f"{'.'.join(str(part) for part in e['loc'][1:]) or e['loc'][0]}: {e['msg']}"
                          for e in error.errors())
        return problem(request, 422, f"Frågan kunde inte läsas: {wrong}.")
