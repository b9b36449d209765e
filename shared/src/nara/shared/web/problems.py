"""RFC 9457 problem details: the one error shape of every Nära API, in Swedish, with `detail` a sentence to act on.

Members: `type` (urn:nara:problem:<code>, or about:blank), `title`, `status`, `detail`, and where they apply
`code` (the problem's name for programs), `instance` (the path) and `errors` (one {field, message} per wrong
field or row). Only /api paths answer this way; the pages answer with pages of their own.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

MEDIA_TYPE = "application/problem+json"
API_PREFIX = "/api/"
TITLES = {
    400: "Begäran går inte att läsa",
    401: "Inloggning krävs",
    403: "Inte tillåtet",
    404: "Finns inte",
    405: "Metoden stöds inte",
    406: "Svaret kan inte ges i det formatet",
    409: "Går inte i det här läget",
    410: "Finns inte längre",
    413: "För stort",
    415: "Fel innehållstyp",
    422: "Uppgifterna går inte att använda",
    429: "För många förfrågningar",
    500: "Något gick fel hos oss",
    503: "Tjänsten svarar inte just nu",
}

PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "instance": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {"type": "object", "properties": {"field": {"type": "string"}, "message": {"type": "string"}}},
        },
    },
}


def problem_body(
    status: int,
    detail: str,
    code: str | None = None,
    errors: list[dict[str, str]] | None = None,
    instance: str | None = None,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": f"urn:nara:problem:{code}" if code else "about:blank",
        "title": TITLES.get(status, "Det gick inte"),
        "status": status,
        "detail": detail,
    }
    if code:
        body["code"] = code
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    return body


def problem(
    status: int,
    detail: str,
    code: str | None = None,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
    instance: str | None = None,
) -> JSONResponse:
    return JSONResponse(
        problem_body(status, detail, code, errors, instance), status_code=status, media_type=MEDIA_TYPE, headers=headers
    )


def answer(status: int, body: Any) -> JSONResponse:
    """A stored or fresh answer: problem details for an error, plain JSON otherwise."""
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE if status >= 400 else None)


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The error statuses a path answers, for its OpenAPI `responses`."""
    return {
        status: {"description": TITLES.get(status, "Fel"), "content": {MEDIA_TYPE: {"schema": PROBLEM_SCHEMA}}}
        for status in statuses
    }


def field_errors(error: RequestValidationError) -> list[dict[str, str]]:
    """One {field, message} per wrong field; our own validators' Swedish messages without pydantic's prefix."""
    errors = []
    for item in error.errors():
        location = [str(part) for part in item.get("loc", ()) if part not in ("body", "query", "path", "header")]
        message = str(item.get("msg", "")).removeprefix("Value error, ")
        errors.append({"field": ".".join(location), "message": message})
    return errors


_PAGE = (
    '<!doctype html><html lang="sv"><meta charset="utf-8"><title>{title}</title>'
    '<main><h1>{title}</h1><p>{detail}</p><p><a href="/">Till startsidan</a></p></main></html>'
)
PAGE_DETAILS = {
    404: "Sidan finns inte. Kontrollera adressen eller börja om från startsidan.",
    405: "Sidan kan inte användas så. Börja om från startsidan.",
    500: "Något gick fel hos oss, så det du gjorde kanske inte blev klart. Försök igen om en stund.",
}


def wants_page(request: Request, api_prefix: str = API_PREFIX) -> bool:
    """Someone asking for a page: not an API path, and taking HTML or not asking for JSON (a link opened from a
    mail or typed in a terminal gets the Swedish page, never a bare {"detail": "Not Found"})."""
    accept = request.headers.get("accept", "")
    return not request.url.path.startswith(api_prefix) and ("text/html" in accept or "json" not in accept)


def error_page(request: Request, status: int) -> HTMLResponse:
    """The Swedish page for a status: in the app's layout when it has a page kit, else a plain page."""
    title, detail = TITLES[status], PAGE_DETAILS[status]
    kit = getattr(request.app.state, "page_kit", None)
    if kit is not None:
        response: HTMLResponse = kit.problem_page(request, title, detail, status_code=status)
        return response
    return HTMLResponse(_PAGE.format(title=title, detail=detail), status_code=status)


PAGE_METHODS = ("GET", "HEAD")


def install(app: FastAPI, api_prefix: str = API_PREFIX) -> None:
    """HTTP errors, invalid requests and unexpected errors on API paths answer as problem details; a page a
    person opened answers a Swedish page (404, 405, 500); anything else as FastAPI would."""

    async def on_http_error(request: Request, error: Exception) -> Response:
        if not isinstance(error, StarletteHTTPException):  # Starlette calls it for this type only
            raise error
        if not request.url.path.startswith(api_prefix):
            if wants_page(request, api_prefix) and error.status_code in PAGE_DETAILS and request.method in PAGE_METHODS:
                return error_page(request, error.status_code)
            return await http_exception_handler(request, error)
        detail = error.detail if isinstance(error.detail, str) else TITLES.get(error.status_code, "Det gick inte")
        return problem(
            error.status_code,
            detail,
            getattr(error, "code", None),
            headers=getattr(error, "headers", None),
            instance=request.url.path,
        )

    async def on_invalid_request(request: Request, error: Exception) -> Response:
        if not isinstance(error, RequestValidationError):  # Starlette calls it for this type only
            raise error
        if not request.url.path.startswith(api_prefix):
            return await request_validation_exception_handler(request, error)
        errors = field_errors(error)
        fields = ", ".join(dict.fromkeys(e["field"] for e in errors if e["field"])) or "begäran"
        detail = f"Uppgifterna går inte att använda: kontrollera {fields}."
        if len(errors) == 1 and errors[0]["message"]:
            detail += f" {errors[0]['message']}"  # one wrong field: its own sentence is the one to act on
        return problem(422, detail, "invalid_request", errors, instance=request.url.path)

    async def on_unexpected_error(request: Request, error: Exception) -> Response:
        """A 500: a Swedish page for a person, problem details for a program; the error is still logged."""
        if wants_page(request, api_prefix):
            return error_page(request, 500)
        return problem(
            500, "Något gick fel hos oss. Försök igen om en stund.", "internal_error", instance=request.url.path
        )

    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_invalid_request)
    app.add_exception_handler(Exception, on_unexpected_error)
