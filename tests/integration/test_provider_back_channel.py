"""The services reach the provider at another address than the browser (issue 16): against the real Keycloak,
which the stack starts as docker-compose does (a fixed public hostname, a dynamic back channel), the API's key
source and the pages' login fetch the discovery document at NARA_OIDC_DISCOVERY_URL. The stack's Keycloak is
public at 127.0.0.1; `localhost` is the back channel here, as `keycloak` is in docker-compose."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import httpx

from nara.devstack.testing import IdentityProvider
from nara.shared.identity import IdentitySettings, verify_token
from nara.shared.web import oidc

CITIZEN = "19121212-1212"


def back_channel(address: str) -> str:
    """The same Keycloak by its other loopback name."""
    if "127.0.0.1" in address:
        return address.replace("127.0.0.1", "localhost")
    return address.replace("localhost", "127.0.0.1")


def settings_behind(provider: IdentityProvider) -> IdentitySettings:
    return IdentitySettings(oidc_issuer=provider.issuer, oidc_discovery_url=back_channel(provider.discovery_url))


def test_keycloak_names_one_issuer_and_answers_the_services_endpoints_on_the_address_asked(identity_provider):
    document = httpx.get(back_channel(identity_provider.discovery_url), timeout=30).json()

    assert document["issuer"] == identity_provider.issuer
    assert document["authorization_endpoint"].startswith(identity_provider.issuer), "the browser's stays public"
    assert document["token_endpoint"].startswith(back_channel(identity_provider.issuer))
    assert document["jwks_uri"].startswith(back_channel(identity_provider.issuer))


def test_the_api_checks_a_providers_token_with_the_keys_fetched_over_the_back_channel(identity_provider):
    answer = identity_provider.password_grant("nara-citizen", CITIZEN)
    assert answer.status_code == 200, answer.text
    settings = settings_behind(identity_provider)

    caller = verify_token(answer.json()["access_token"], settings, datetime.now(UTC))

    assert caller.is_citizen and caller.subject == CITIZEN.replace("-", "")
    assert settings.provider_keys is not None
    assert settings.provider_keys._jwks_client().uri.startswith(back_channel(identity_provider.issuer))


def test_the_pages_send_the_browser_to_the_public_address_and_refresh_over_the_back_channel(
    identity_provider, monkeypatch
):
    monkeypatch.setenv("NARA_STAFF_OIDC_CLIENT_ID", "nara-staff")
    monkeypatch.setenv("NARA_STAFF_OIDC_CLIENT_SECRET", "nara-staff-dev-secret")
    client = oidc.client_for("NARA_STAFF_OIDC", settings_behind(identity_provider))
    assert client is not None
    answer = identity_provider.password_grant("nara-staff", "reception")
    assert answer.status_code == 200, answer.text

    address = asyncio.run(
        oidc.authorization_url(client, "http://127.0.0.1/console/logga-in/klar", oidc.Pending.new("/"))
    )
    access, _, _ = asyncio.run(oidc.refreshed(client, answer.json()["refresh_token"]))

    assert address.startswith(f"{identity_provider.issuer}/protocol/openid-connect/auth?")
    assert verify_token(access, settings_behind(identity_provider), datetime.now(UTC)).is_staff
