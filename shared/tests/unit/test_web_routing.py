"""The shared page route: an answered interruption becomes the page, anything else still rises."""

from __future__ import annotations

import pytest
from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import PlainTextResponse, Response
from fastapi.testclient import TestClient

from nara.shared.web.routing import InterruptibleRoute
from nara.shared.web.session import LoginRequired


class Route(InterruptibleRoute):
    def answer(self, request: Request, error: Exception) -> Response | None:
        if isinstance(error, LoginRequired):
            return PlainTextResponse(f"log in, then {error.back_to}", status_code=401)
        return None


router = APIRouter(route_class=Route)


@router.get("/closed")
async def closed() -> Response:
    raise LoginRequired("/closed")


@router.get("/broken")
async def broken() -> Response:
    raise RuntimeError("boom")


@router.get("/open")
async def open_page() -> Response:
    return PlainTextResponse("welcome")


def client() -> TestClient:
    app = FastAPI()
    app.include_router(router)
    return TestClient(app, raise_server_exceptions=True)


def test_an_answered_interruption_becomes_the_page():
    answered = client().get("/closed")
    assert (answered.status_code, answered.text) == (401, "log in, then /closed")
    assert client().get("/open").text == "welcome"


def test_an_unanswered_error_still_rises():
    with pytest.raises(RuntimeError, match="boom"):
        client().get("/broken")
