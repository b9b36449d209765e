"""The identity dependencies over HTTP: 401 with a challenge, 403 for the wrong role or unit, 200 otherwise."""

import os
from datetime import UTC, datetime, timedelta
from typing import Annotated

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from fastapi import Depends, FastAPI

from nara.shared.identity import (
    Caller,
    CurrentCaller,
    IdentitySettings,
    identity_settings,
    issue_dev_token,
    request_time,
    require_roles,
    require_staff_of,
)

NOW = datetime(2025, 10, 26, 1, 30, tzinfo=UTC)  # the night Sweden moves its clocks back
CITIZEN = "19121212-1212"
NURSE = "SE2321000131-P000000000001"
UNIT, OTHER_UNIT = "SE2321000131-E000000000001", "SE2321000131-E000000000002"


@pytest.fixture
def settings(monkeypatch):
    for name in list(os.environ):
        if name.startswith("NARA_"):
            monkeypatch.delenv(name)
    # A non-default audience shows the override, not the environment, decides how tokens are checked.
    return IdentitySettings(jwt_audience="nara-test")


def build_app(settings: IdentitySettings) -> FastAPI:
    app = FastAPI()

    @app.get("/me")
    async def me(caller: CurrentCaller) -> dict:
        return {"role": caller.role, "subject": caller.subject, "units": list(caller.units)}

    @app.get("/reception-desk")
    async def reception_desk(caller: Annotated[Caller, Depends(require_roles("reception", "clinician"))]) -> dict:
        return {"subject": caller.subject}

    @app.get("/units/{unit}/queue")
    async def queue(unit: str, caller: Annotated[Caller, Depends(require_staff_of("unit"))]) -> dict:
        return {"unit": unit, "subject": caller.subject}

    @app.get("/units/{unit}/patients")
    async def patients(unit: str, caller: Annotated[Caller, Depends(require_staff_of("unit", conceal=True))]) -> dict:
        return {"unit": unit}

    app.dependency_overrides[identity_settings] = lambda: settings
    app.dependency_overrides[request_time] = lambda: NOW
    return app


@pytest.fixture
async def client(settings):
    transport = httpx.ASGITransport(app=build_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://nara.test") as client:
        yield client


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def token_for(settings, role, subject, units=(), now=NOW, ttl=timedelta(hours=8)):
    return issue_dev_token(role, subject, units, ttl=ttl, now=now, settings=settings)


async def test_a_citizen_sees_their_own_identity(client, settings):
    response = await client.get("/me", headers=bearer(token_for(settings, "citizen", CITIZEN)))

    assert response.status_code == 200
    assert response.json() == {"role": "citizen", "subject": "191212121212", "units": []}


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Basic dXNlcjpwYXNz"}, {"Authorization": "Bearer"}])
async def test_no_bearer_token_is_401_with_a_bearer_challenge(client, headers):
    response = await client.get("/me", headers=headers)

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert "Authorization: Bearer <token>" in response.json()["detail"]


async def test_an_expired_token_is_401_telling_the_person_to_log_in_again(client, settings):
    token = token_for(settings, "citizen", CITIZEN, now=NOW - timedelta(hours=9))

    response = await client.get("/me", headers=bearer(token))

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert response.json() == {"detail": "Token har gått ut; logga in igen."}


async def test_a_token_signed_by_another_key_is_401(client):
    forged = jwt.encode(
        {
            "role": "admin",
            "sub": NURSE,
            "units": [UNIT],
            "iss": "nara",
            "aud": "nara-test",
            "exp": int((NOW + timedelta(hours=1)).timestamp()),
        },
        ed25519.Ed25519PrivateKey.generate(),
        algorithm="EdDSA",
    )

    response = await client.get("/me", headers=bearer(forged))

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Signaturen" in response.json()["detail"]


async def test_a_token_for_the_default_audience_is_401_under_the_overridden_settings(client):
    token = issue_dev_token("citizen", CITIZEN, now=NOW, settings=IdentitySettings())

    response = await client.get("/me", headers=bearer(token))

    assert response.status_code == 401 and "'nara-test'" in response.json()["detail"]


async def test_a_garbage_token_is_401_not_500(client):
    response = await client.get("/me", headers=bearer("not-a-jwt"))

    assert response.status_code == 401 and "går inte att läsa som en JWT" in response.json()["detail"]


@pytest.mark.parametrize(("role", "subject", "units"), [("citizen", CITIZEN, ()), ("ops", NURSE, (UNIT,))])
async def test_the_wrong_role_is_403_naming_the_roles_needed(client, settings, role, subject, units):
    response = await client.get("/reception-desk", headers=bearer(token_for(settings, role, subject, units)))

    assert response.status_code == 403
    assert response.json() == {"detail": "Det här kräver någon av rollerna: reception, clinician."}


async def test_the_right_role_gets_through_with_the_callers_data(client, settings):
    token = token_for(settings, "clinician", NURSE, [UNIT])

    response = await client.get("/reception-desk", headers=bearer(token))

    assert response.status_code == 200 and response.json() == {"subject": NURSE}


async def test_staff_reach_their_own_unit_and_get_403_at_another(client, settings):
    token = token_for(settings, "reception", NURSE, [UNIT])

    own = await client.get(f"/units/{UNIT}/queue", headers=bearer(token))
    other = await client.get(f"/units/{OTHER_UNIT}/queue", headers=bearer(token))

    assert own.status_code == 200 and own.json() == {"unit": UNIT, "subject": NURSE}
    assert other.status_code == 403 and f"Du arbetar inte på enheten {OTHER_UNIT}" in other.json()["detail"]


async def test_a_concealing_unit_route_answers_404_for_other_units_and_citizens(client, settings):
    staff = token_for(settings, "clinician", NURSE, [UNIT])
    citizen = token_for(settings, "citizen", CITIZEN)

    assert (await client.get(f"/units/{UNIT}/patients", headers=bearer(staff))).status_code == 200
    assert (await client.get(f"/units/{OTHER_UNIT}/patients", headers=bearer(staff))).status_code == 404
    assert (await client.get(f"/units/{UNIT}/patients", headers=bearer(citizen))).status_code == 404


async def test_the_injected_request_time_decides_expiry(settings):
    app = build_app(settings)
    token = token_for(settings, "citizen", CITIZEN, ttl=timedelta(hours=1))
    app.dependency_overrides[request_time] = lambda: NOW + timedelta(hours=2)

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://nara.test") as client:
        response = await client.get("/me", headers=bearer(token))

    assert response.status_code == 401 and "gått ut" in response.json()["detail"]


def test_a_misspelt_role_fails_when_the_route_is_defined():
    with pytest.raises(ValueError, match="unknown role 'nurse'"):
        require_roles("reception", "nurse")
