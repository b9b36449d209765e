"""Tokens: what verifies into a Caller, what is refused and why; the key settings; the nara-token CLI."""

import logging
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from nara.shared.identity import (
    BadSignature,
    ClaimsDoNotFit,
    ExpiredToken,
    IdentityConfigurationError,
    IdentitySettings,
    InvalidClaims,
    MalformedToken,
    MissingToken,
    Role,
    WrongAudience,
    WrongIssuer,
    issue_dev_token,
    verify_token,
)
from nara.shared.identity import settings as identity_settings_module
from nara.shared.identity.settings import development_private_key
from nara.shared.identity.token_cli import main as token_cli

NOW = datetime(2025, 3, 30, 0, 30, tzinfo=UTC)  # the night Sweden moves its clocks forward
CITIZEN = "19121212-1212"
NURSE = "SE2321000131-P000000000001"
UNIT, OTHER_UNIT = "SE2321000131-E000000000001", "SE2321000131-E000000000002"


@pytest.fixture(autouse=True)
def no_identity_environment(monkeypatch):
    for name in list(os.environ):
        if name.startswith("NARA_"):
            monkeypatch.delenv(name)


@pytest.fixture
def settings():
    return IdentitySettings()


def signed(claims, key=None, algorithm="EdDSA"):
    return jwt.encode(claims, key or development_private_key(), algorithm=algorithm)


def staff_claims(**overrides):
    claims = {
        "role": "reception",
        "sub": NURSE,
        "units": [UNIT],
        "iss": "nara",
        "aud": "nara",
        "iat": int(NOW.timestamp()),
        "exp": int((NOW + timedelta(hours=1)).timestamp()),
    }
    return {**claims, **overrides}


def pem_public(key):
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def test_a_citizen_token_gives_the_citizen_by_normalised_personnummer(settings):
    caller = verify_token(issue_dev_token("citizen", CITIZEN, now=NOW, settings=settings), settings, now=NOW)

    assert caller.role is Role.CITIZEN and caller.is_citizen and not caller.is_staff
    assert caller.subject == "191212121212"
    assert not caller.works_at(UNIT)


def test_a_staff_token_gives_the_hsa_id_and_only_the_listed_units(settings):
    token = issue_dev_token(Role.CLINICIAN, NURSE, [UNIT, OTHER_UNIT], now=NOW, settings=settings)

    caller = verify_token(token, settings, now=NOW + timedelta(hours=7))

    assert caller.role is Role.CLINICIAN and caller.is_staff and caller.subject == NURSE
    assert caller.units == (UNIT, OTHER_UNIT)
    assert caller.works_at(OTHER_UNIT) and not caller.works_at("SE2321000131-E000000000003")


def test_an_expired_token_is_refused_after_the_leeway_only(settings):
    token = issue_dev_token("citizen", CITIZEN, ttl=timedelta(minutes=10), now=NOW, settings=settings)
    expiry = NOW + timedelta(minutes=10)

    assert verify_token(token, settings, now=expiry + timedelta(seconds=29)).is_citizen
    with pytest.raises(ExpiredToken, match=r"Token har gått ut; logga in igen\."):
        verify_token(token, settings, now=expiry + timedelta(seconds=30))


def test_a_token_signed_with_another_key_is_refused(settings):
    forged = signed(staff_claims(role="admin"), key=ed25519.Ed25519PrivateKey.generate())

    with pytest.raises(BadSignature, match="Signaturen"):
        verify_token(forged, settings, now=NOW)


def test_a_token_that_picks_another_algorithm_is_refused(settings):
    # The classic forgery: HMAC "signed" with the public key, hoping the checker uses it as the secret.
    forged = jwt.encode(staff_claims(role="admin"), "the public key as a shared secret", algorithm="HS256")

    with pytest.raises(BadSignature, match="inte signerad med EdDSA"):
        verify_token(forged, settings, now=NOW)


def test_a_token_from_another_issuer_or_for_another_audience_is_refused(settings):
    with pytest.raises(WrongIssuer, match="'nara'"):
        verify_token(signed(staff_claims(iss="someone-else")), settings, now=NOW)
    with pytest.raises(WrongAudience, match="'nara'"):
        verify_token(signed(staff_claims(aud="another-system")), settings, now=NOW)


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        (staff_claims(role="superuser"), "unknown role 'superuser'"),
        (staff_claims(units=[]), "must list the units"),
        (staff_claims(units=UNIT), "list of unit HSA-ids"),
        (staff_claims(role="citizen", sub="19121212-1213", units=[]), "valid personnummer"),
        (staff_claims(role="citizen", sub=CITIZEN), "carries no units"),
        ({k: v for k, v in staff_claims().items() if k != "role"}, "no role"),
        ({k: v for k, v in staff_claims().items() if k != "exp"}, "'exp'"),
        ({k: v for k, v in staff_claims().items() if k != "sub"}, "'sub'"),
    ],
)
def test_a_signed_token_whose_claims_do_not_fit_is_refused(settings, claims, reason):
    with pytest.raises(ClaimsDoNotFit, match=reason):
        verify_token(signed(claims), settings, now=NOW)


@pytest.mark.parametrize("token", ["", "   "])
def test_no_token_is_a_missing_token(settings, token):
    with pytest.raises(MissingToken, match="Authorization: Bearer"):
        verify_token(token, settings, now=NOW)


@pytest.mark.parametrize("token", ["garbage", "a.b.c", "Bearer xyz"])
def test_a_garbage_token_is_malformed(settings, token):
    with pytest.raises(MalformedToken, match="går inte att läsa som en JWT"):
        verify_token(token, settings, now=NOW)


def test_development_tokens_are_only_issued_for_callers_that_fit(settings):
    with pytest.raises(InvalidClaims, match="valid personnummer"):
        issue_dev_token("citizen", "19121212-1213", settings=settings)
    with pytest.raises(InvalidClaims, match="must list the units"):
        issue_dev_token("ops", NURSE, settings=settings)


def test_rs256_with_a_configured_public_key_verifies_in_production(monkeypatch, tmp_path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    monkeypatch.setenv("NARA_ENVIRONMENT", "production")
    monkeypatch.setenv("NARA_JWT_ALGORITHM", "RS256")
    (tmp_path / "idp.pem").write_text(pem_public(key))
    monkeypatch.setenv("NARA_JWT_PUBLIC_KEY_FILE", str(tmp_path / "idp.pem"))
    from_file = IdentitySettings()
    monkeypatch.delenv("NARA_JWT_PUBLIC_KEY_FILE")
    monkeypatch.setenv("NARA_JWT_PUBLIC_KEY", pem_public(key))
    from_text = IdentitySettings()

    for production in (from_file, from_text):
        caller = verify_token(signed(staff_claims(), key=key, algorithm="RS256"), production, now=NOW)
        assert caller.subject == NURSE and caller.units == (UNIT,)
        # The committed development key must mean nothing in production.
        with pytest.raises(BadSignature):
            verify_token(signed(staff_claims()), production, now=NOW)
        with pytest.raises(PermissionError, match="production"):
            issue_dev_token("citizen", CITIZEN, settings=production)


def test_production_without_a_key_fails_at_start_up_naming_the_setting(monkeypatch):
    monkeypatch.setenv("NARA_ENVIRONMENT", "production")

    with pytest.raises(IdentityConfigurationError, match="NARA_JWT_PUBLIC_KEY"):
        IdentitySettings()


@pytest.mark.parametrize(
    ("environment", "reason"),
    [
        ({"NARA_JWT_ALGORITHM": "RS256"}, "development key is EdDSA"),
        ({"NARA_JWT_PUBLIC_KEY": "not a key"}, "not a PEM public key"),
        ({"NARA_JWT_PUBLIC_KEY_FILE": "/nonexistent/idp.pem"}, "cannot be read"),
    ],
)
def test_unusable_key_settings_fail_at_start_up(monkeypatch, environment, reason):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)

    with pytest.raises(IdentityConfigurationError, match=reason):
        IdentitySettings()


def test_a_key_of_the_wrong_kind_for_the_algorithm_fails_at_start_up(monkeypatch):
    monkeypatch.setenv("NARA_JWT_ALGORITHM", "RS256")
    monkeypatch.setenv("NARA_JWT_PUBLIC_KEY", pem_public(ed25519.Ed25519PrivateKey.generate()))

    with pytest.raises(IdentityConfigurationError, match="does not fit NARA_JWT_ALGORITHM=RS256"):
        IdentitySettings()


def test_falling_back_to_the_development_key_warns_once(caplog):
    identity_settings_module._warn_development_key_once.cache_clear()

    with caplog.at_level(logging.WARNING, logger="nara.shared.identity.settings"):
        IdentitySettings()
        IdentitySettings()

    warnings = [record for record in caplog.records if "DEVELOPMENT key" in record.getMessage()]
    assert len(warnings) == 1


def test_the_cli_prints_only_a_token_that_verifies(settings, capsys):
    exit_code = token_cli(
        ["--role", "reception", "--sub", NURSE, "--units", f"{UNIT}, {OTHER_UNIT}", "--ttl-minutes", "30"]
    )

    token = capsys.readouterr().out
    assert exit_code == 0 and token.count("\n") == 1
    caller = verify_token(token.strip(), settings)
    assert caller.role is Role.RECEPTION and caller.units == (UNIT, OTHER_UNIT)
    claims = jwt.decode(token.strip(), options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 30 * 60


def test_the_cli_runs_as_a_module(settings):
    environment = {name: value for name, value in os.environ.items() if not name.startswith("NARA_")}
    finished = subprocess.run(  # noqa: S603 -- this interpreter and our own module, no input
        [sys.executable, "-m", "nara.shared.identity.token_cli", "--role", "citizen", "--sub", CITIZEN],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
        check=False,
    )

    assert finished.returncode == 0, finished.stderr
    assert verify_token(finished.stdout.strip(), settings).subject == "191212121212"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--role", "citizen", "--sub", "19121212-1213"], "valid personnummer"),
        (["--role", "clinician", "--sub", NURSE], "must list the units"),
        (["--role", "nurse", "--sub", NURSE], "invalid choice"),
        (["--role", "citizen", "--sub", CITIZEN, "--ttl-minutes", "0"], "positive"),
    ],
)
def test_the_cli_explains_bad_input_and_exits_2(capsys, argv, message):
    with pytest.raises(SystemExit) as exited:
        token_cli(argv)

    output = capsys.readouterr()
    assert exited.value.code == 2 and output.out == "" and message in output.err


def test_the_cli_refuses_in_production(monkeypatch, capsys):
    monkeypatch.setenv("NARA_ENVIRONMENT", "production")
    monkeypatch.setenv("NARA_JWT_PUBLIC_KEY", pem_public(ed25519.Ed25519PrivateKey.generate()))

    with pytest.raises(SystemExit) as exited:
        token_cli(["--role", "citizen", "--sub", CITIZEN])

    assert exited.value.code == 2 and "production" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("claims", "reason"),
    [
        (staff_claims(exp=1e300), "längre än Nära tillåter"),
        (staff_claims(exp=int((NOW + timedelta(days=30)).timestamp())), "längre än Nära tillåter"),
        (
            {k: v for k, v in staff_claims(exp=int((NOW + timedelta(days=2)).timestamp())).items() if k != "iat"},
            "längre än Nära tillåter",
        ),
        (staff_claims(iat=int((NOW - timedelta(days=3)).timestamp())), "längre än Nära tillåter"),
        (staff_claims(nbf=int((NOW + timedelta(hours=2)).timestamp())), "aldrig giltig"),
    ],
)
def test_a_token_that_lives_too_long_or_never_is_refused_whatever_its_signature(settings, claims, reason):
    with pytest.raises(ClaimsDoNotFit, match=reason):
        verify_token(signed(claims), settings, now=NOW)


def test_the_longest_allowed_token_passes_and_a_longer_one_cannot_be_issued(settings):
    twelve_hours = timedelta(seconds=settings.jwt_max_lifetime_seconds)
    assert verify_token(
        issue_dev_token("citizen", CITIZEN, ttl=twelve_hours, now=NOW, settings=settings), settings, now=NOW
    ).is_citizen
    with pytest.raises(ValueError, match="at most 12 hours"):
        issue_dev_token("citizen", CITIZEN, ttl=twelve_hours + timedelta(minutes=1), now=NOW, settings=settings)
