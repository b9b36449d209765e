"""The services reach the provider at another address than the browser (docker-compose, often Kubernetes):
NARA_OIDC_DISCOVERY_URL is where both the API's key source and the pages' login fetch the discovery document;
the document must still name the configured issuer, and the browser is sent to the endpoints it lists."""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime
from typing import Any

import pytest

from nara.shared.identity import IdentityConfigurationError, IdentitySettings, ProviderUnreachable, verify_token
from nara.shared.identity.settings import read_identity_settings
from nara.shared.web import oidc

PUBLIC = "https://login.region.example.se"  # what the browser reaches; nothing answers there in these tests
CITIZEN = "191212121212"  # as the Caller carries it: twelve digits


@pytest.fixture(autouse=True)
def no_identity_environment(monkeypatch):
    for name in list(os.environ):
        if name.startswith("NARA_"):
            monkeypatch.delenv(name)
    oidc._discovered.clear()  # the pages' discovery cache is the process's: each test starts without one


def behind_a_back_channel(provider: Any, issuer: str) -> str:
    """Make the test provider answer as Keycloak with KC_HOSTNAME and KC_HOSTNAME_BACKCHANNEL_DYNAMIC does: the
    issuer and the browser's endpoints on the public address, the services' endpoints on the one asked.
    Returns the back-channel address of the discovery document."""
    back = provider.issuer  # the test server's own address
    served = provider.answer

    def answer(path: str) -> dict[str, Any] | None:
        document = served(path)
        if document is not None and path.endswith("/openid-configuration"):
            document = {
                **document,
                "issuer": issuer,
                "authorization_endpoint": f"{issuer}/protocol/openid-connect/auth",
                "end_session_endpoint": f"{issuer}/protocol/openid-connect/logout",
                "token_endpoint": f"{back}/protocol/openid-connect/token",
            }
        return document

    provider.answer = answer
    provider.token = _signed_as(provider.token, issuer)
    return f"{back}/.well-known/openid-configuration"


def _signed_as(token: Any, issuer: str) -> Any:
    return lambda **claims: token(**{"iss": issuer, **claims})


@pytest.mark.unit
def test_the_api_checks_the_providers_tokens_with_the_discovery_document_fetched_at_the_back_channel(
    provider_server,
):
    nara = provider_server["nara"]
    issuer = f"{PUBLIC}/realms/nara"
    discovery_url = behind_a_back_channel(nara, issuer)
    settings = IdentitySettings(oidc_issuer=issuer, oidc_discovery_url=discovery_url)

    caller = verify_token(nara.token(personnummer=CITIZEN, azp="nara-citizen"), settings, datetime.now(UTC))

    assert caller.subject == CITIZEN
    assert nara.fetches == {"discovery": 1, "jwks": 1}


@pytest.mark.unit
def test_without_the_back_channel_the_api_asks_the_issuer_itself(provider_server):
    nara = provider_server["nara"]
    settings = IdentitySettings(oidc_issuer=nara.issuer)

    caller = verify_token(nara.token(personnummer=CITIZEN, azp="nara-citizen"), settings, datetime.now(UTC))

    assert caller.subject == CITIZEN
    assert settings.discovery_url == f"{nara.issuer}/.well-known/openid-configuration"


@pytest.mark.unit
def test_a_discovery_document_at_the_back_channel_naming_another_issuer_is_not_trusted(provider_server):
    nara = provider_server["nara"]
    discovery_url = behind_a_back_channel(nara, f"{PUBLIC}/realms/other")
    settings = IdentitySettings(oidc_issuer=f"{PUBLIC}/realms/nara", oidc_discovery_url=discovery_url)
    token = nara.token(personnummer=CITIZEN, azp="nara-citizen", iss=f"{PUBLIC}/realms/nara")

    with pytest.raises(ProviderUnreachable):
        verify_token(token, settings, datetime.now(UTC))
    assert nara.fetches["jwks"] == 0, "no key is fetched from a provider that says it is another"


@pytest.mark.unit
def test_the_pages_fetch_discovery_at_the_back_channel_and_send_the_browser_to_the_public_address(
    provider_server, monkeypatch
):
    nara = provider_server["nara"]
    issuer = f"{PUBLIC}/realms/nara"
    discovery_url = behind_a_back_channel(nara, issuer)
    monkeypatch.setenv("NARA_STAFF_OIDC_CLIENT_ID", "nara-staff")
    client = oidc.client_for("NARA_STAFF_OIDC", IdentitySettings(oidc_issuer=issuer, oidc_discovery_url=discovery_url))
    assert client is not None

    document = asyncio.run(oidc.discovery(client))
    address = asyncio.run(oidc.authorization_url(client, "http://app/logga-in/klar", oidc.Pending.new("/")))

    assert document["token_endpoint"].startswith(nara.issuer), "the code is exchanged over the back channel"
    assert address.startswith(f"{issuer}/protocol/openid-connect/auth?"), "the browser goes to the public address"
    assert nara.fetches["discovery"] == 1


@pytest.mark.unit
def test_the_pages_refuse_a_discovery_document_at_the_back_channel_naming_another_issuer(provider_server, monkeypatch):
    nara = provider_server["nara"]
    discovery_url = behind_a_back_channel(nara, f"{PUBLIC}/realms/other")
    monkeypatch.setenv("NARA_STAFF_OIDC_CLIENT_ID", "nara-staff")
    settings = IdentitySettings(oidc_issuer=f"{PUBLIC}/realms/nara", oidc_discovery_url=discovery_url)
    client = oidc.client_for("NARA_STAFF_OIDC", settings)
    assert client is not None

    with pytest.raises(oidc.LoginFailed, match="felaktigt inställd"):
        asyncio.run(oidc.discovery(client))


@pytest.mark.unit
def test_the_discovery_address_is_read_from_the_environment_or_a_settings_file(monkeypatch, tmp_path):
    monkeypatch.setenv("NARA_OIDC_ISSUER", f"{PUBLIC}/realms/nara")
    monkeypatch.setenv("NARA_SETTINGS_DIR", str(tmp_path))
    (tmp_path / "NARA_OIDC_DISCOVERY_URL").write_text(
        "http://keycloak:8080/realms/nara/.well-known/openid-configuration\n"
    )

    settings = read_identity_settings()

    assert settings.discovery_url == "http://keycloak:8080/realms/nara/.well-known/openid-configuration"


@pytest.mark.unit
def test_a_discovery_address_that_is_not_a_web_address_fails_at_start_up(monkeypatch):
    monkeypatch.setenv("NARA_OIDC_ISSUER", f"{PUBLIC}/realms/nara")
    monkeypatch.setenv("NARA_OIDC_DISCOVERY_URL", "file:///etc/passwd")

    with pytest.raises((ValueError, IdentityConfigurationError), match="http"):
        read_identity_settings()
