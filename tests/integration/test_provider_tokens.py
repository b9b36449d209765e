"""A service accepts the real identity provider's access tokens and refuses the rest (issue 16): the booking
service as a process, told only the issuer (NARA_OIDC_ISSUER), against the stack's Keycloak and its realm `nara`.

A token from another realm, an expired one, a tampered one and one without the needed role are refused; a new
signing key at the provider is picked up without a restart."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator

import httpx
import pytest

from nara.devstack.keycloak import ADMIN_PASSWORD, ADMIN_USER
from nara.devstack.testing import IdentityProvider, scratch_schema, service_process

MINE = "/api/v1/appointments"  # a citizen's own appointments; staff may not list them this way


@pytest.fixture(scope="module")
async def booking(infrastructure, identity_provider: IdentityProvider, tmp_path_factory) -> Iterator[str]:
    """The booking service trusting the provider, with no leeway on expiry and a 1 s key refetch cooldown, so the
    tests need not wait for the production defaults (30 s each)."""
    async with scratch_schema(infrastructure.database_urls["booking"], prefix="providertokens") as url:
        settings = {
            "NARA_OIDC_ISSUER": identity_provider.issuer,
            "NARA_JWT_LEEWAY_SECONDS": "0",
            "NARA_OIDC_JWKS_COOLDOWN_SECONDS": "1",
            "BOOKING_CONTACTS_CONSUMER_GROUP": "booking-provider-tokens",
        }
        with service_process("booking", infrastructure, url, settings, tmp_path_factory.mktemp("logs")) as base:
            yield base


def access_token(provider: IdentityProvider, client_id: str, username: str) -> str:
    response = provider.password_grant(client_id, username)
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def admin_token(provider: IdentityProvider) -> dict[str, str]:
    response = httpx.post(
        f"{provider.url}/realms/master/protocol/openid-connect/token",
        data={"grant_type": "password", "client_id": "admin-cli", "username": ADMIN_USER, "password": ADMIN_PASSWORD},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return bearer(response.json()["access_token"])


def test_a_citizens_token_from_the_provider_reads_their_own_appointments(booking, identity_provider):
    token = access_token(identity_provider, "nara-citizen", "19121212-1212")

    answer = httpx.get(f"{booking}{MINE}", headers=bearer(token), timeout=30)

    assert answer.status_code == 200, answer.text
    assert answer.json() == []


def test_a_token_from_another_realm_is_refused(booking, identity_provider):
    other_realm = admin_token(identity_provider)  # the master realm's, properly signed by its own keys

    answer = httpx.get(f"{booking}{MINE}", headers=other_realm, timeout=30)

    assert answer.status_code == 401
    assert answer.headers["content-type"].startswith("application/problem+json")


def test_a_tampered_token_is_refused(booking, identity_provider):
    header, payload, signature = access_token(identity_provider, "nara-citizen", "19121212-1212").split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["personnummer"] = "19850709-9805"  # another test citizen
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()

    answer = httpx.get(f"{booking}{MINE}", headers=bearer(f"{header}.{forged}.{signature}"), timeout=30)

    assert answer.status_code == 401


def test_a_token_without_the_needed_role_is_refused(booking, identity_provider):
    operations = access_token(identity_provider, "nara-staff", "ops")  # valid, but ops reads no patient's times

    answer = httpx.get(f"{booking}{MINE}", headers=bearer(operations), timeout=30)

    assert answer.status_code == 403


def test_an_expired_token_is_refused(booking, identity_provider):
    admin = admin_token(identity_provider)
    realm = f"{identity_provider.url}/admin/realms/nara"
    before = httpx.get(realm, headers=admin, timeout=30).json()["accessTokenLifespan"]
    httpx.put(realm, json={"accessTokenLifespan": 1}, headers=admin, timeout=30).raise_for_status()
    try:
        token = access_token(identity_provider, "nara-citizen", "19121212-1212")
    finally:
        httpx.put(realm, json={"accessTokenLifespan": before}, headers=admin, timeout=30).raise_for_status()
    time.sleep(2.5)  # past its one second of life, with no leeway (the fixture's setting)

    answer = httpx.get(f"{booking}{MINE}", headers=bearer(token), timeout=30)

    assert answer.status_code == 401


def test_a_new_signing_key_at_the_provider_is_picked_up_without_a_restart(booking, identity_provider):
    before = access_token(identity_provider, "nara-citizen", "19121212-1212")
    assert httpx.get(f"{booking}{MINE}", headers=bearer(before), timeout=30).status_code == 200  # keys now cached
    admin = admin_token(identity_provider)
    realm_id = httpx.get(f"{identity_provider.url}/admin/realms/nara", headers=admin, timeout=30).json()["id"]
    component = {
        "name": "rotated-in-test",
        "providerId": "rsa-generated",
        "providerType": "org.keycloak.keys.KeyProvider",
        "parentId": realm_id,
        "config": {"priority": ["1000"], "keySize": ["2048"], "active": ["true"], "enabled": ["true"]},
    }
    created = httpx.post(
        f"{identity_provider.url}/admin/realms/nara/components", json=component, headers=admin, timeout=30
    )
    assert created.status_code == 201, created.text
    try:
        after = access_token(identity_provider, "nara-citizen", "19121212-1212")
        old_kid, new_kid = (_header(token)["kid"] for token in (before, after))
        assert new_kid != old_kid, "the provider signs with the new key"
        time.sleep(1.5)  # the service's refetch cooldown (1 s in this fixture) since its last fetch

        answer = httpx.get(f"{booking}{MINE}", headers=bearer(after), timeout=30)

        assert answer.status_code == 200, answer.text
    finally:
        httpx.delete(created.headers["location"], headers=admin, timeout=30)


def _header(token: str) -> dict:
    part = token.split(".")[0]
    return dict(json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))))
