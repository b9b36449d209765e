"""Signed JWTs: checking one into a Caller, and issuing development tokens for local runs and tests."""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from .caller import Caller, InvalidClaims, Role
from .settings import DEV_KEY_ALGORITHM, IdentitySettings, development_private_key, settings_from_environment

LOG_IN_AGAIN = "log in again to get a new token"


class TokenError(Exception):
    """A token that does not let its bearer in; `detail` is a message the person can act on."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class MissingToken(TokenError):
    pass


class MalformedToken(TokenError):
    pass


class ExpiredToken(TokenError):
    pass


class TokenNotYetValid(TokenError):
    pass


class BadSignature(TokenError):
    pass


class WrongIssuer(TokenError):
    pass


class WrongAudience(TokenError):
    pass


class ClaimsDoNotFit(TokenError):
    """Signed and current, but the claims are missing or do not describe a caller (e.g. unknown role)."""


def verify_token(token: str, settings: IdentitySettings, now: datetime | None = None) -> Caller:
    """The caller a token proves, or a TokenError subclass saying what is wrong with it."""
    if not token or not token.strip():
        raise MissingToken("This needs a login: send the header 'Authorization: Bearer <token>'.")
    try:
        # Only the configured algorithm: a token must not choose how it is checked (alg confusion).
        claims = jwt.decode(
            token.strip(),
            settings.public_key,
            algorithms=[settings.jwt_algorithm],
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            # Times are checked below against the injected clock, which PyJWT cannot take.
            options={
                "require": ["exp", "iss", "aud", "sub"],
                "verify_exp": False,
                "verify_nbf": False,
                "verify_iat": False,
            },
        )
    except jwt.InvalidSignatureError:
        raise BadSignature(f"The token's signature does not match the key Nära trusts; {LOG_IN_AGAIN}.") from None
    except jwt.InvalidAlgorithmError:
        raise BadSignature(
            f"The token is not signed with {settings.jwt_algorithm}, the only algorithm Nära accepts; {LOG_IN_AGAIN}."
        ) from None
    except jwt.MissingRequiredClaimError as error:
        raise ClaimsDoNotFit(f"The token lacks the '{error.claim}' claim; {LOG_IN_AGAIN}.") from None
    except jwt.InvalidIssuerError:
        raise WrongIssuer(
            f"The token was not issued by '{settings.jwt_issuer}'; log in to Nära to get a token of its own."
        ) from None
    except jwt.InvalidAudienceError:
        raise WrongAudience(
            f"The token is not meant for '{settings.jwt_audience}'; log in to Nära to get a token of its own."
        ) from None
    except jwt.DecodeError:
        raise MalformedToken(
            "The bearer token is not a readable JWT; send 'Authorization: Bearer <token>' "
            "with the token exactly as issued."
        ) from None
    except jwt.InvalidTokenError as error:
        raise ClaimsDoNotFit(f"The token's claims are not valid ({error}); {LOG_IN_AGAIN}.") from None
    _check_times(claims, settings, now or datetime.now(UTC))
    try:
        return Caller.from_claims(claims)
    except InvalidClaims as error:
        raise ClaimsDoNotFit(f"The token's claims do not fit: {error}; {LOG_IN_AGAIN}.") from None


def _check_times(claims: dict[str, Any], settings: IdentitySettings, now: datetime) -> None:
    moment = now.timestamp()
    leeway = settings.jwt_leeway_seconds
    times = {}
    for name in ("exp", "nbf", "iat"):
        if name in claims:
            if isinstance(claims[name], bool) or not isinstance(claims[name], int | float):
                raise ClaimsDoNotFit(f"The token's '{name}' claim is not a time in seconds; {LOG_IN_AGAIN}.")
            if not math.isfinite(claims[name]):
                raise ClaimsDoNotFit(f"The token's '{name}' claim is not a time; {LOG_IN_AGAIN}.")
            times[name] = claims[name]
    if times.get("nbf", times["exp"]) > times["exp"]:
        raise ClaimsDoNotFit(f"The token's 'nbf' is after its 'exp', so it is never valid; {LOG_IN_AGAIN}.")
    if moment >= times["exp"] + leeway:
        raise ExpiredToken("The token has expired; log in again.")
    not_before = max(times.get("nbf", moment), times.get("iat", moment))
    if moment < not_before - leeway:
        raise TokenNotYetValid(
            "The token is not valid yet; check that your computer's clock is right, then log in again."
        )
    # The lifetime counts from issue (or from now, for a token that does not say when it was issued).
    lifetime = times["exp"] - times.get("iat", moment)
    if lifetime > settings.jwt_max_lifetime_seconds + leeway:
        raise ClaimsDoNotFit(
            f"The token is valid for longer than Nära allows "
            f"({settings.jwt_max_lifetime_seconds / 3600:g} hours); {LOG_IN_AGAIN}."
        )


def issue_dev_token(
    role: Role | str,
    subject: str,
    units: Iterable[str] = (),
    ttl: timedelta = timedelta(hours=8),
    now: datetime | None = None,
    *,
    settings: IdentitySettings | None = None,
) -> str:
    """A token signed with the committed development key; refused in production. Raises InvalidClaims."""
    settings = settings or settings_from_environment()
    if settings.is_production:
        raise PermissionError("development tokens are not issued when NARA_ENVIRONMENT is production")
    if ttl <= timedelta(0):
        raise ValueError("a token's lifetime must be positive")
    if ttl.total_seconds() > settings.jwt_max_lifetime_seconds:
        raise ValueError(f"a token may live at most {settings.jwt_max_lifetime_seconds / 3600:g} hours")
    caller = Caller.of(role, subject, units)
    issued_at = now or datetime.now(UTC)
    claims = {
        **caller.claims(),
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "iat": int(issued_at.timestamp()),
        "exp": int((issued_at + ttl).timestamp()),
    }
    return jwt.encode(claims, development_private_key(), algorithm=DEV_KEY_ALGORITHM)
