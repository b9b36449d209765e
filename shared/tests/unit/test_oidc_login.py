"""The pure parts of the pages' OpenID Connect login: session timeouts, the ID token's checks (signature, issuer,
client, expiry, nonce), the pending attempt's state, settings from the environment or files, the header's name."""

from __future__ import annotations

import time
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from jwt import PyJWK

from nara.shared.identity import Caller, IdentitySettings, Role
from nara.shared.web import oidc
from nara.shared.web.oidc_login import ProviderLogin, ProviderSession, is_alive
from nara.shared.web.session import sign

ISSUER = "https://idp.example.se/realms/nara"
CLIENT = oidc.Client(issuer=ISSUER, client_id="nara-staff", client_secret=None, leeway_seconds=0)
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
T0 = datetime(2026, 12, 7, 8, 0, tzinfo=UTC)
PAGES_KEY = b"k" * 32


class FixedKeys:
    """The provider's keys, as nara.shared.identity's ProviderKeys gives them: here one local RSA key."""

    def signing_key(self, token: str) -> PyJWK:
        return PyJWK.from_dict({**jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key(), as_dict=True), "kid": "k1"})


def provider_settings() -> IdentitySettings:
    settings = IdentitySettings(oidc_issuer=ISSUER)
    settings._provider_keys = FixedKeys()  # type: ignore[assignment]
    return settings


def id_token(**changes: Any) -> str:
    now = int(time.time())
    claims = {"iss": ISSUER, "aud": "nara-staff", "sub": "u1", "iat": now, "exp": now + 300, "nonce": "n1"}
    wanted = {name: value for name, value in {**claims, **changes}.items() if value is not None}  # None: left out
    return jwt.encode(wanted, KEY, algorithm="RS256", headers={"kid": "k1"})


def session(started: datetime, seen: datetime) -> ProviderSession:
    caller = Caller(subject="SE2321000115-P000000301", role=Role.OPS, units=("SE2321000115-E00000000011",))
    return ProviderSession("s1", caller, "Olle Drift", "a", "r", "i", 0.0, started, seen)


@pytest.mark.unit
def test_a_session_ends_after_the_idle_time_without_a_page_view():
    alive = session(T0, T0)
    idle, absolute = timedelta(minutes=30), timedelta(hours=10)

    assert is_alive(alive, T0 + timedelta(minutes=29), idle, absolute)
    assert not is_alive(alive, T0 + timedelta(minutes=30), idle, absolute)


@pytest.mark.unit
def test_a_session_ends_after_the_absolute_time_however_busy():
    busy = session(T0, T0 + timedelta(hours=9, minutes=59))
    idle, absolute = timedelta(minutes=30), timedelta(hours=10)

    assert is_alive(busy, T0 + timedelta(hours=9, minutes=59, seconds=30), idle, absolute)
    assert not is_alive(busy, T0 + timedelta(hours=10), idle, absolute)


@pytest.mark.unit
def test_an_id_token_of_the_provider_for_this_client_and_login_is_taken():
    claims = oidc.checked_id_token(id_token(name="Olle Drift"), CLIENT, provider_settings(), "n1")

    assert claims["name"] == "Olle Drift"


@pytest.mark.unit
@pytest.mark.parametrize(
    "changes",
    [
        {"nonce": "another-login"},
        {"aud": "nara-citizen"},
        {"iss": "https://idp.example.se/realms/other"},
        {"exp": int(time.time()) - 10},
        {"nonce": None},
    ],
    ids=["nonce", "client", "issuer", "expired", "no-nonce"],
)
def test_an_id_token_that_does_not_fit_is_refused_in_swedish(changes):
    token = id_token(**changes)

    with pytest.raises(oidc.LoginFailed) as refused:
        oidc.checked_id_token(token, CLIENT, provider_settings(), "n1")

    assert refused.value.sentence.startswith("Inloggningen")


@pytest.mark.unit
def test_an_id_token_signed_by_another_key_is_refused():
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = int(time.time())
    forged = jwt.encode(
        {"iss": ISSUER, "aud": "nara-staff", "sub": "u1", "iat": now, "exp": now + 300, "nonce": "n1"},
        other,
        algorithm="RS256",
        headers={"kid": "k1"},
    )

    with pytest.raises(oidc.LoginFailed):
        oidc.checked_id_token(forged, CLIENT, provider_settings(), "n1")


def pending_app() -> FastAPI:
    login = ProviderLogin(
        home="/ops", cookie="nara_ops", client_prefix="X", key=lambda request: PAGES_KEY, accepts=lambda c: True
    )
    app = FastAPI()

    @app.get("/ops/klar")
    async def callback(request: Request, state: str = "") -> dict[str, str]:
        try:
            return {"back_to": login.pending(request, state).back_to}
        except oidc.LoginFailed as failure:
            return {"refused": failure.sentence}

    return app


@pytest.mark.unit
def test_the_callback_takes_only_the_state_its_login_sent_in_a_cookie_signed_here():
    pending = oidc.Pending.new("/ops/rapport")
    browser = TestClient(pending_app(), base_url="http://127.0.0.1")
    browser.cookies.set("nara_ops_oidc", sign(PAGES_KEY, "oidc-pending", asdict(pending)))

    assert browser.get("/ops/klar", params={"state": pending.state}).json() == {"back_to": "/ops/rapport"}
    assert "refused" in browser.get("/ops/klar", params={"state": "guessed"}).json()
    assert "refused" in browser.get("/ops/klar").json()

    browser.cookies.set("nara_ops_oidc", sign(b"x" * 32, "oidc-pending", asdict(pending)))  # not signed here
    assert "refused" in browser.get("/ops/klar", params={"state": pending.state}).json()


@pytest.mark.unit
def test_every_login_attempt_has_its_own_state_nonce_and_verifier():
    first, second = oidc.Pending.new("/"), oidc.Pending.new("/")

    assert len({first.state, first.nonce, first.verifier, second.state, second.nonce, second.verifier}) == 6
    assert len(first.verifier) >= 43  # RFC 7636: 43 to 128 characters


@pytest.mark.unit
def test_the_client_comes_from_the_environment_or_a_settings_file(monkeypatch, tmp_path):
    settings = IdentitySettings(oidc_issuer=ISSUER + "/")
    monkeypatch.delenv("NARA_OPS_OIDC_CLIENT_ID", raising=False)
    monkeypatch.delenv("NARA_OPS_OIDC_CLIENT_SECRET", raising=False)
    monkeypatch.setenv("NARA_SETTINGS_DIR", str(tmp_path))
    assert oidc.client_for("NARA_OPS_OIDC", settings) is None  # no client: the development login

    (tmp_path / "NARA_OPS_OIDC_CLIENT_ID").write_text("nara-ops\n")
    (tmp_path / "NARA_OPS_OIDC_CLIENT_SECRET").write_text("from-a-secret\n")
    client = oidc.client_for("NARA_OPS_OIDC", settings)
    assert client is not None
    assert (client.issuer, client.client_id, client.client_secret) == (ISSUER, "nara-ops", "from-a-secret")

    monkeypatch.setenv("NARA_OPS_OIDC_CLIENT_ID", "from-the-environment")
    assert oidc.client_for("NARA_OPS_OIDC", settings).client_id == "from-the-environment"  # type: ignore[union-attr]
    assert oidc.client_for("NARA_OPS_OIDC", IdentitySettings()) is None  # no issuer: the development login


@pytest.mark.unit
@pytest.mark.parametrize(
    ("claims", "shown"),
    [
        ({"name": "Olle Drift", "preferred_username": "ops"}, "Olle Drift"),
        ({"given_name": "Karin", "family_name": "Berg"}, "Karin Berg"),
        ({"preferred_username": "ops"}, "ops"),
        ({}, ""),
    ],
)
def test_the_header_shows_the_id_tokens_name(claims, shown):
    assert oidc.display_name(claims) == shown
