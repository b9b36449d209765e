"""RFC 9457 problem details: every error the triage API answers, in Swedish, with `detail` a sentence to act on.

`code` names the problem for programs (also in `type`, as urn:nara:problem:<code>); `errors` lists the
problems one by one where there are many, such as the rows of an imported file.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..domain.contacts import ContactRefused

MEDIA_TYPE = "application/problem+json"
API_PREFIX = "/api/"
TITLES = {
    400: "Begäran går inte att läsa",
    401: "Inloggning krävs",
    403: "Inte tillåtet",
    404: "Finns inte",
    405: "Metoden stöds inte",
    409: "Går inte i det här läget",
    413: "För stort",
    415: "Fel innehållstyp",
    422: "Uppgifterna går inte att använda",
    503: "Tjänsten svarar inte just nu",
}


def problem_body(status: int, detail: str, code: str | None = None, errors: list[dict] | None = None) -> dict:
    body: dict[str, Any] = {"type": f"urn:nara:problem:{code}" if code else "about:blank",
                            "title": TITLES.get(status, "Det gick inte"), "status": status, "detail": detail}
    if code:
        body["code"] = code
    if errors:
        body["errors"] = errors
    return body


def refusal_body(refused: ContactRefused) -> dict:
    return problem_body(refused.status, refused.message, refused.code, refused.errors)


def problem(status: int, detail: str, code: str | None = None, errors: list[dict] | None = None,
            headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(problem_body(status, detail, code, errors), status_code=status, media_type=MEDIA_TYPE,
                        headers=headers)


def answer(status: int, body: Any) -> JSONResponse:
    """A stored or fresh answer: problem details for an error, plain JSON otherwise."""
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE if status >= 400 else None)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The error statuses a path answers, for its OpenAPI."""
    schema = {"type": "object", "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"type": "string"}, "code": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object"}}}}
    return {status: {"description": TITLES.get(status, "Fel"), "content": {MEDIA_TYPE: {"schema": schema}}}
            for status in statuses}


def install(app: FastAPI) -> None:
    """Errors on /api paths answer as problem details; the console's pages keep their own error pages."""

    async def on_http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, StarletteHTTPException)
        if not request.url.path.startswith(API_PREFIX):
            return await http_exception_handler(request, error)
        detail = error.detail if isinstance(error.detail, str) else TITLES.get(error.status_code, "Det gick inte")
        return problem(error.status_code, detail, headers=getattr(error, "headers", None))

    async def on_invalid_request(request: Request, error: Exception) -> Response:
        assert isinstance(error, RequestValidationError)
        if not request.url.path.startswith(API_PREFIX):
            return await request_validation_exception_handler(request, error)
        errors = [{"field": ".".join(str(part) for part in e.get("loc", ()) if part != "body"),
                   "message": e.get("msg", "")} for e in error.errors()]
        fields = ", ".join(e["field"] for e in errors if e["field"]) or "begäran"
        return problem(422, f"Uppgifterna går inte att använda: kontrollera {fields}.", "invalid_request", errors)

    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_invalid_request)
