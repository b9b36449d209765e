"""The identity provider the stack starts: Keycloak serving the repository's realm, with the claims Nära reads."""

from __future__ import annotations

import json

import httpx
import jwt
import pytest

from nara.devstack.layout import KEYCLOAK_REALM
from nara.devstack.testing import IdentityProvider

REALM_FILE = json.loads(KEYCLOAK_REALM.read_text())
CLIENTS = {client["clientId"]: client for client in REALM_FILE["clients"]}
# The test users' development passwords, as the realm file sets them.
PASSWORDS = {user["username"]: user["credentials"][0]["value"] for user in REALM_FILE["users"]}
FALKENBERG, OSKARSTROM, FYLLINGE = (f"SE2321000115-E0000000001{n}" for n in (1, 2, 3))


def token_response(provider: IdentityProvider, client_id: str, username: str, password: str) -> httpx.Response:
    return provider.password_grant(client_id, username, password)


def verified_claims(provider: IdentityProvider, token: str, audience: str) -> dict:
    """The token's claims once its signature checks out against the provider's published keys."""
    jwks_uri = httpx.get(provider.discovery_url, timeout=10).json()["jwks_uri"]
    key = jwt.PyJWKClient(jwks_uri).get_signing_key_from_jwt(token)
    return jwt.decode(token, key, algorithms=["RS256"], audience=audience, issuer=provider.issuer)


def tokens_of(provider: IdentityProvider, client_id: str, username: str) -> tuple[dict, dict]:
    response = token_response(provider, client_id, username, PASSWORDS[username])
    assert response.status_code == 200, response.text
    body = response.json()
    return (
        verified_claims(provider, body["access_token"], audience="nara-api"),
        verified_claims(provider, body["id_token"], audience=client_id),
    )


def test_the_discovery_document_and_its_keys_answer(identity_provider: IdentityProvider):
    discovery = httpx.get(identity_provider.discovery_url, timeout=10).json()

    assert discovery["issuer"] == identity_provider.issuer
    assert "S256" in discovery["code_challenge_methods_supported"]
    assert discovery["end_session_endpoint"].startswith(identity_provider.issuer)
    keys = httpx.get(discovery["jwks_uri"], timeout=10).json()["keys"]
    assert any(key["alg"] == "RS256" and key["use"] == "sig" for key in keys)


def test_a_citizens_tokens_carry_the_personnummer_and_the_api_audience(identity_provider: IdentityProvider):
    access, identity = tokens_of(identity_provider, "nara-citizen", "19121212-1212")

    assert access["personnummer"] == identity["personnummer"] == "19121212-1212"
    assert access["azp"] == "nara-citizen"
    assert "hsa_id" not in access and "roles" not in access


@pytest.mark.parametrize(
    ("username", "hsa_id", "roles", "units"),
    [
        ("reception", "SE2321000115-P000000201", {"reception"}, [FALKENBERG]),
        ("admin", "SE2321000115-P000000001", {"admin", "scheduler"}, [FALKENBERG, OSKARSTROM, FYLLINGE]),
    ],
)
def test_a_staff_members_tokens_carry_hsa_id_roles_and_units(
    identity_provider: IdentityProvider, username: str, hsa_id: str, roles: set[str], units: list[str]
):
    access, identity = tokens_of(identity_provider, "nara-staff", username)

    for claims in (access, identity):
        assert claims["hsa_id"] == hsa_id
        assert set(claims["roles"]) == roles
        assert claims["units"] == units
    assert "personnummer" not in access


def test_a_wrong_password_is_refused(identity_provider: IdentityProvider):
    response = token_response(identity_provider, "nara-citizen", "19121212-1212", "not-the-password")

    assert response.status_code == 400  # RFC 6749: a wrong resource owner password is an invalid grant
    assert response.json() == {"error": "invalid_grant", "error_description": "Invalid user credentials"}


def authorization_request(provider: IdentityProvider, client_id: str, redirect_uri: str, **extra: str):
    return httpx.get(
        f"{provider.issuer}/protocol/openid-connect/auth",
        params={"client_id": client_id, "response_type": "code", "scope": "openid", "redirect_uri": redirect_uri}
        | extra,
        timeout=30,
    )


PKCE = {"code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "code_challenge_method": "S256"}


@pytest.mark.parametrize(
    ("client_id", "page"),
    [("nara-citizen", "http://127.0.0.1:8001/"), ("nara-staff", "http://127.0.0.1:18002/console/kon")],
)
def test_the_server_runs_the_realm_file_clients_and_their_redirect_uris(
    identity_provider: IdentityProvider, client_id: str, page: str
):
    """Both clients of the realm file show the login page for a local page on any port, and refuse elsewhere."""
    assert client_id in CLIENTS
    login = authorization_request(identity_provider, client_id, page, **PKCE)
    elsewhere = authorization_request(identity_provider, client_id, "http://evil.example/", **PKCE)

    assert login.status_code == 200 and 'id="kc-form-login"' in login.text
    assert elsewhere.status_code == 400


def test_the_staff_client_does_not_return_to_the_citizens_pages(identity_provider: IdentityProvider):
    assert authorization_request(identity_provider, "nara-staff", "http://127.0.0.1:8001/", **PKCE).status_code == 400


def test_an_authorization_request_without_pkce_is_sent_back_with_an_error(identity_provider: IdentityProvider):
    response = authorization_request(identity_provider, "nara-citizen", "http://127.0.0.1:8001/")

    assert response.status_code == 302
    assert "error=invalid_request" in response.headers["location"]
    assert "code_challenge_method" in response.headers["location"]


def test_an_unknown_client_is_refused(identity_provider: IdentityProvider):
    assert authorization_request(identity_provider, "not-a-nara-client", "http://127.0.0.1:8001/").status_code == 400
