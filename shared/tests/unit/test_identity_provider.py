"""The identity provider's access tokens: checked against its JWKS (fetched over real HTTP, cached, rotated),
its issuer and audience, and mapped to a Caller; what is refused, with which status."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time
import uuid
from dataclasses import replace
from typing import Annotated, Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from fastapi import Depends, FastAPI

from nara.shared.identity import (
    BadSignature,
    Caller,
    ClaimsDoNotFit,
    CurrentCaller,
    ExpiredToken,
    IdentityConfigurationError,
    IdentitySettings,
    MalformedToken,
    NoRole,
    ProviderUnreachable,
    Role,
    WrongAudience,
    WrongIssuer,
    identity_settings,
    issue_dev_token,
    require_roles,
    verify_token,
)
from nara.shared.identity.settings import read_identity_settings
from nara.shared.web import problems

CITIZEN = "19121212-1212"
NURSE = "SE2321000131-P000000000001"
UNIT, OTHER_UNIT = "SE2321000131-E000000000001", "SE2321000131-E000000000002"


@pytest.fixture(autouse=True)
def no_identity_environment(monkeypatch):
    for name in list(os.environ):
        if name.startswith("NARA_"):
            monkeypatch.delenv(name)


@pytest.fixture
def nara(provider_server):
    return provider_server["nara"]


def settings_for(provider: Any, **overrides) -> IdentitySettings:
    return IdentitySettings(oidc_issuer=provider.issuer, **overrides)


@pytest.fixture
def settings(nara) -> IdentitySettings:
    return settings_for(nara)


def staff(provider: Any, **claims) -> str:
    return provider.token(**{"hsa_id": NURSE, "roles": ["reception"], "units": [UNIT], **claims})


def test_a_citizens_token_gives_the_citizen_by_the_personnummer_claim(nara, settings):
    caller = verify_token(nara.token(personnummer=CITIZEN, roles=["citizen", "offline_access"]), settings)

    assert caller == Caller(Role.CITIZEN, "191212121212")


def test_a_token_of_the_citizens_client_needs_no_role_only_the_personnummer(nara, settings):
    token = nara.token(azp="nara-citizen", personnummer=CITIZEN)

    assert verify_token(token, settings) == Caller(Role.CITIZEN, "191212121212")


def test_a_staff_token_gives_the_hsa_id_role_and_units(nara, settings):
    caller = verify_token(staff(nara, units=[UNIT, OTHER_UNIT], roles=["clinician"]), settings)

    assert caller == Caller(Role.CLINICIAN, NURSE, (UNIT, OTHER_UNIT))


def test_an_ec_key_of_the_provider_is_accepted_too(nara, settings, signing_key):
    nara.published.append(signing_key.ec())

    assert verify_token(staff(nara, key=nara.published[1]), settings).subject == NURSE


def test_the_claim_names_come_from_the_settings(nara):
    settings = settings_for(
        nara, oidc_claim_hsa_id="employee_hsa", oidc_claim_roles="realm_access.roles", oidc_claim_units="vardenheter"
    )
    token = nara.token(employee_hsa=NURSE, realm_access={"roles": ["uma_authorization", "ops"]}, vardenheter=UNIT)

    assert verify_token(token, settings) == Caller(Role.OPS, NURSE, (UNIT,))


def test_a_claim_named_by_a_uri_with_dots_is_read_whole(nara):
    """The Swedish eID OIDC profile (OIDC Sweden, id.oidc.se) names its claims by URI, dots and all."""
    name = "https://id.oidc.se/claim/personalIdentityNumber"
    settings = settings_for(nara, oidc_claim_personnummer=name)
    token = nara.token(azp="nara-citizen", **{name: "198507099805"})

    assert verify_token(token, settings) == Caller(Role.CITIZEN, "198507099805")


def test_a_token_from_another_realm_is_refused_as_the_wrong_issuer(provider_server, settings):
    other = provider_server["other"]

    with pytest.raises(WrongIssuer, match="fel utfärdare eller realm"):
        verify_token(staff(other), settings)
    assert other.fetches["jwks"] == 0  # its key was never looked for at our provider either


def test_a_token_for_another_audience_is_refused(nara, settings):
    with pytest.raises(WrongAudience, match="'nara-api'"):
        verify_token(staff(nara, aud="account"), settings)


def test_an_expired_token_is_refused(nara, settings):
    expired = staff(nara, iat=int(time.time()) - 600, exp=int(time.time()) - 60)

    with pytest.raises(ExpiredToken, match="gått ut"):
        verify_token(expired, settings)


def test_a_tampered_payload_is_refused(nara, settings):
    header, payload, signature = staff(nara).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["roles"], claims["units"] = ["admin"], [UNIT, OTHER_UNIT]
    tampered = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()

    with pytest.raises(BadSignature, match="Signaturen"):
        verify_token(f"{header}.{tampered}.{signature}", settings)


def test_an_unsigned_token_is_refused(nara, settings):
    header = {"alg": "none", "kid": nara.published[0].kid}
    unsigned = ".".join(
        base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode() for part in (header, jwt_claims(nara))
    )

    with pytest.raises(BadSignature, match="RS256 eller ES256"):
        verify_token(unsigned + ".", settings)


def test_an_hs256_token_keyed_with_the_providers_public_key_is_refused(nara, settings):
    # The classic forgery: HMAC with the public key, hoping the checker uses it as the shared secret.
    public_pem = (
        nara.published[0]
        .private.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    header = {"alg": "HS256", "typ": "JWT", "kid": nara.published[0].kid}
    signing_input = ".".join(
        base64.urlsafe_b64encode(json.dumps(part).encode()).rstrip(b"=").decode() for part in (header, jwt_claims(nara))
    )
    mac = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    forged = f"{signing_input}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"

    with pytest.raises(BadSignature, match="inte signerad med RS256 eller ES256"):
        verify_token(forged, settings)


def test_a_token_signed_by_a_key_the_provider_does_not_publish_is_refused(nara, settings, signing_key):
    with pytest.raises(BadSignature, match="inte publicerar"):
        verify_token(staff(nara, key=signing_key.rsa()), settings)


def test_a_token_without_a_nara_role_is_refused(nara, settings):
    with pytest.raises(NoRole, match="ingen roll i Nära"):
        verify_token(staff(nara, roles=["offline_access", "uma_authorization"]), settings)
    with pytest.raises(NoRole):
        verify_token(nara.token(personnummer=CITIZEN), settings)


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        ({"hsa_id": None}, "saknar HSA-id"),
        ({"units": []}, "HSA-id och minst en enhet"),
        ({"units": [UNIT, 7]}, "lista av texter"),
        ({"roles": ["citizen"], "personnummer": "19121212-1213"}, "inte ett giltigt"),
        ({"roles": ["citizen"]}, "saknar personnumret"),
    ],
)
def test_a_token_whose_claims_do_not_describe_a_caller_is_refused(nara, settings, claims, reason):
    with pytest.raises(ClaimsDoNotFit, match=reason):
        verify_token(staff(nara, **claims), settings)


def test_garbage_is_malformed_and_does_not_reach_the_provider(nara, settings):
    with pytest.raises(MalformedToken):
        verify_token("not.a.token", settings)
    assert sum(nara.fetches.values()) == 0


def test_the_jwks_is_fetched_once_not_per_request(nara, settings):
    for _ in range(20):
        verify_token(staff(nara), settings)

    assert nara.fetches == {"discovery": 1, "jwks": 1}


def test_a_flood_of_unknown_key_ids_refetches_the_jwks_at_most_once_per_cooldown(nara, signing_key):
    settings = settings_for(nara, oidc_jwks_cooldown_seconds=600)
    verify_token(staff(nara), settings)

    stranger = signing_key.rsa()
    for _ in range(30):
        made_up = replace(stranger, kid=uuid.uuid4().hex)
        with pytest.raises(BadSignature):
            verify_token(staff(nara, key=made_up), settings)

    assert nara.fetches["jwks"] == 1  # the first fetch started the cooldown; none of the 30 refetched


def test_key_rotation_is_picked_up_without_a_restart_and_a_dropped_key_stops_working(nara, signing_key):
    settings = settings_for(nara, oidc_jwks_cache_seconds=1.5, oidc_jwks_cooldown_seconds=0.2)
    old = nara.published[0]
    assert verify_token(staff(nara, key=old), settings).subject == NURSE

    new = signing_key.rsa()
    nara.published.append(new)  # the provider rotates: both keys published for a while
    time.sleep(0.3)  # past the cooldown, so the new kid may refetch
    assert verify_token(staff(nara, key=new), settings).subject == NURSE
    assert nara.fetches["jwks"] == 2

    nara.published.remove(old)  # the provider drops the old key
    time.sleep(1.6)  # past the cache interval
    with pytest.raises(BadSignature, match="inte publicerar"):
        verify_token(staff(nara, key=old), settings)
    assert verify_token(staff(nara, key=new), settings).subject == NURSE


def test_a_provider_that_cannot_be_reached_is_unavailable_not_a_bad_token_and_is_not_asked_per_request(nara):
    nara.available = False
    settings = settings_for(nara, oidc_jwks_cooldown_seconds=600)

    for _ in range(5):
        with pytest.raises(ProviderUnreachable, match="försök igen"):
            verify_token(staff(nara), settings)

    assert nara.fetches == {"discovery": 1}


def test_a_provider_gone_down_is_asked_once_per_cooldown_and_the_fresh_cached_keys_still_work(nara, signing_key):
    settings = settings_for(nara, oidc_jwks_cooldown_seconds=1.0)
    assert verify_token(staff(nara), settings).subject == NURSE
    time.sleep(1.1)  # past the cooldown of that first fetch
    nara.available = False
    rotated_in = signing_key.rsa()

    for _ in range(10):
        with pytest.raises(ProviderUnreachable):
            verify_token(staff(nara, key=rotated_in), settings)
    known = verify_token(staff(nara), settings)

    assert nara.fetches["jwks"] == 2  # the first fetch, and one failed refetch for the ten
    assert known.subject == NURSE


def test_development_tokens_are_accepted_beside_the_provider_outside_production_only(nara, monkeypatch):
    development = settings_for(nara)
    assert verify_token(issue_dev_token("citizen", CITIZEN, settings=development), development).is_citizen

    monkeypatch.setenv("NARA_ENVIRONMENT", "production")
    monkeypatch.setenv("NARA_OIDC_ISSUER", nara.issuer)
    production = IdentitySettings()
    dev_token = issue_dev_token("admin", NURSE, [UNIT], settings=development)
    with pytest.raises(WrongIssuer):
        verify_token(dev_token, production)
    with pytest.raises(PermissionError, match="production"):
        issue_dev_token("citizen", CITIZEN, settings=production)
    assert verify_token(staff(nara), production).subject == NURSE


def test_the_provider_settings_are_read_from_the_environment(nara, monkeypatch, signing_key):
    monkeypatch.setenv("NARA_OIDC_ISSUER", nara.issuer)
    monkeypatch.setenv("NARA_OIDC_AUDIENCE", "nara-booking, nara-triage")
    monkeypatch.setenv("NARA_OIDC_ALGORITHMS", "ES256")
    monkeypatch.setenv("NARA_OIDC_CLAIM_UNITS", "enheter")
    monkeypatch.setenv("NARA_OIDC_CLIENT_ROLES", '{"nara-ops": ["ops", "admin"]}')
    settings = IdentitySettings()
    nara.published.insert(0, signing_key.ec())

    caller = verify_token(
        staff(nara, aud="nara-triage", azp="nara-ops", roles=["admin", "ops"], enheter=UNIT), settings
    )

    assert caller == Caller(Role.OPS, NURSE, (UNIT,))
    with pytest.raises(BadSignature, match="ES256"):  # RS256 is no longer among the accepted algorithms
        verify_token(staff(nara, key=nara.published[1], aud="nara-triage"), settings)


@pytest.mark.parametrize(
    ("environment", "reason"),
    [
        ({"NARA_OIDC_ALGORITHMS": "RS256,HS256"}, "refused: HS256"),
        ({"NARA_OIDC_ALGORITHMS": "none"}, "refused: none"),
        ({"NARA_OIDC_AUDIENCE": " , "}, "NARA_OIDC_AUDIENCE"),
        ({"NARA_OIDC_ROLE_PRECEDENCE": "clinician,nurse"}, "unknown role 'nurse'"),
        ({"NARA_OIDC_CLIENT_ROLES": '{"nara-ops": ["operator"]}'}, "unknown role 'operator'"),
        ({"NARA_JWT_PUBLIC_KEY": "-----BEGIN PUBLIC KEY-----"}, "not both"),
    ],
)
def test_unusable_provider_settings_fail_at_start_up(nara, monkeypatch, environment, reason):
    monkeypatch.setenv("NARA_OIDC_ISSUER", nara.issuer)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)

    with pytest.raises(IdentityConfigurationError, match=reason):
        IdentitySettings()


def test_an_issuer_that_is_not_a_web_address_fails_at_start_up(monkeypatch):
    monkeypatch.setenv("NARA_OIDC_ISSUER", "file:///etc/passwd")

    with pytest.raises(ValueError, match="http"):
        IdentitySettings()


@pytest.fixture
async def api(nara):
    settings = settings_for(nara, oidc_jwks_cooldown_seconds=0)
    app = FastAPI()
    problems.install(app)

    @app.get("/api/me")
    async def me(caller: CurrentCaller) -> dict:
        return {"role": caller.role, "subject": caller.subject, "units": list(caller.units)}

    @app.get("/api/desk")
    async def desk(caller: Annotated[Caller, Depends(require_roles("reception"))]) -> dict:
        return {"subject": caller.subject}

    app.dependency_overrides[identity_settings] = lambda: settings
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://nara.test") as client:
        yield client


async def test_over_http_a_good_token_passes_and_refusals_are_swedish_problems(api, nara, provider_server, signing_key):
    def bearer(token: str) -> dict:
        return {"Authorization": f"Bearer {token}"}

    good = await api.get("/api/me", headers=bearer(staff(nara)))
    other_realm = await api.get("/api/me", headers=bearer(staff(provider_server["other"])))
    no_role = await api.get("/api/me", headers=bearer(staff(nara, roles=["offline_access"])))
    wrong_role = await api.get("/api/desk", headers=bearer(staff(nara, roles=["ops"])))
    nara.available = False
    new_key = signing_key.rsa()
    nara.published.append(new_key)
    provider_down = await api.get("/api/me", headers=bearer(staff(nara, key=new_key)))

    assert good.status_code == 200 and good.json() == {"role": "reception", "subject": NURSE, "units": [UNIT]}
    assert other_realm.status_code == 401 and other_realm.headers["WWW-Authenticate"] == 'Bearer error="invalid_token"'
    assert other_realm.headers["content-type"] == "application/problem+json"
    assert other_realm.json()["title"] == "Inloggning krävs" and "fel utfärdare" in other_realm.json()["detail"]
    assert no_role.status_code == 403 and "ingen roll i Nära" in no_role.json()["detail"]
    assert (
        wrong_role.status_code == 403 and wrong_role.json()["detail"] == "Det här kräver någon av rollerna: reception."
    )
    assert provider_down.status_code == 503 and provider_down.headers["Retry-After"] == "30"


def jwt_claims(provider: Any) -> dict:
    return {"iss": provider.issuer, "aud": "nara-api", "hsa_id": NURSE, "roles": ["admin"], "units": [UNIT],
            "iat": int(time.time()), "exp": int(time.time()) + 300}  # fmt: skip


def test_the_settings_may_come_from_files_as_a_mounted_secret_gives_them(nara, monkeypatch, tmp_path):
    (tmp_path / "NARA_OIDC_ISSUER").write_text(nara.issuer)
    (tmp_path / "NARA_OIDC_AUDIENCE").write_text("nara-booking,nara-api")
    monkeypatch.setenv("NARA_SETTINGS_DIR", str(tmp_path))
    monkeypatch.setenv("NARA_ENVIRONMENT", "production")

    settings = read_identity_settings()

    assert settings.oidc_issuer == nara.issuer and settings.oidc_audience == ("nara-booking", "nara-api")
    assert verify_token(staff(nara, aud="nara-booking"), settings).subject == NURSE
