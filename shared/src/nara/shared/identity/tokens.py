"""Signed JWTs: checking one into a Caller, and issuing development tokens for local runs and tests."""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

from .caller import Caller, InvalidClaims, Role
from .claims import NoNaraRole
from .provider_keys import ProviderUnavailable, UnknownSigningKey
from .settings import DEV_KEY_ALGORITHM, IdentitySettings, development_private_key, settings_from_environment

log = logging.getLogger(__name__)

LOG_IN_AGAIN = "logga in igen för att få en ny token"
NEEDS_LOGIN = "Det här kräver inloggning: skicka rubriken 'Authorization: Bearer <token>'."
NOT_A_JWT = (
    "Token går inte att läsa som en JWT; skicka 'Authorization: Bearer <token>' med token precis som den utfärdades."
)
PROVIDER_DOWN = (
    "Inloggningen kan inte kontrolleras just nu (identitetsleverantören svarar inte); försök igen om en stund."
)


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


class NoRole(TokenError):
    """A valid token of a person with no role in Nära: forbidden (403), not unauthenticated."""


class ProviderUnreachable(TokenError):
    """The identity provider's keys cannot be had: the token cannot be checked now (503), it may be good."""


def verify_token(token: str, settings: IdentitySettings, now: datetime | None = None) -> Caller:
    """The caller a token proves, or a TokenError subclass saying what is wrong with it."""
    if not token or not token.strip():
        raise MissingToken(NEEDS_LOGIN)
    token = token.strip()
    moment = now or datetime.now(UTC)
    if settings.uses_provider and not _is_development_token(token, settings):
        return _provider_caller(token, settings, moment)
    claims = _decoded(
        token,
        settings.public_key,
        algorithms=[settings.jwt_algorithm],
        issuer=settings.jwt_issuer,
        audience=[settings.jwt_audience],
        required=["exp", "iss", "aud", "sub"],
    )
    _check_times(claims, settings, moment)
    try:
        return Caller.from_claims(claims)
    except InvalidClaims as error:
        raise ClaimsDoNotFit(f"Uppgifterna i token passar inte: {error}; {LOG_IN_AGAIN}.") from None


def _provider_caller(token: str, settings: IdentitySettings, now: datetime) -> Caller:
    issuer = settings.oidc_issuer or ""
    # Another realm's token is named as such, and its unknown key does not make us refetch ours.
    if _unverified_claims(token).get("iss") != issuer:
        raise WrongIssuer(
            f"Token är inte utfärdad av {issuer} (fel utfärdare eller realm); logga in i Nära för att få en egen."
        )
    keys = settings.provider_keys
    if keys is None:  # not reached: a provider's settings always have its keys
        raise ProviderUnreachable(PROVIDER_DOWN)
    try:
        key = keys.signing_key(token)
    except UnknownSigningKey:
        raise BadSignature(
            f"Token är signerad med en nyckel som {issuer} inte publicerar (förfalskad eller gammal); {LOG_IN_AGAIN}."
        ) from None
    except ProviderUnavailable as error:
        log.warning("identity provider keys unavailable: %s", error)
        raise ProviderUnreachable(PROVIDER_DOWN) from None
    claims = _decoded(
        token,
        key,
        algorithms=list(settings.oidc_algorithms),
        issuer=issuer,
        audience=list(settings.oidc_audience),
        required=["exp", "iss", "aud"],
    )
    _check_times(claims, settings, now)
    try:
        return settings.claim_mapping.caller(claims)
    except NoNaraRole:
        raise NoRole("Du är inloggad men har ingen roll i Nära; be din administratör om behörighet.") from None
    except InvalidClaims as error:
        raise ClaimsDoNotFit(f"Uppgifterna i token passar inte: {error}; {LOG_IN_AGAIN}.") from None


def _is_development_token(token: str, settings: IdentitySettings) -> bool:
    return settings.uses_development_key and _unverified_claims(token).get("iss") == settings.jwt_issuer


def _unverified_claims(token: str) -> dict[str, Any]:
    """Only to choose how the token is checked; nothing read here is trusted."""
    try:
        return dict(jwt.decode(token, options={"verify_signature": False}))
    except jwt.InvalidTokenError:
        raise MalformedToken(NOT_A_JWT) from None


def _decoded(
    token: str,
    key: Any,
    *,
    algorithms: list[str],
    issuer: str,
    audience: list[str],
    required: list[str],
) -> dict[str, Any]:
    try:
        # Only the configured algorithms: a token must not choose how it is checked (alg confusion).
        return dict(
            jwt.decode(
                token,
                key,
                algorithms=algorithms,
                issuer=issuer,
                audience=audience,
                # Times are checked afterwards against the injected clock, which PyJWT cannot take.
                options={"require": required, "verify_exp": False, "verify_nbf": False, "verify_iat": False},
            )
        )
    except jwt.InvalidSignatureError:
        raise BadSignature(
            f"Signaturen på token stämmer inte med nyckeln Nära litar på (token kan ha ändrats); {LOG_IN_AGAIN}."
        ) from None
    except jwt.InvalidAlgorithmError:
        raise BadSignature(
            f"Token är inte signerad med {' eller '.join(algorithms)}, som Nära godtar; {LOG_IN_AGAIN}."
        ) from None
    except jwt.MissingRequiredClaimError as error:
        raise ClaimsDoNotFit(f"Token saknar uppgiften '{error.claim}'; {LOG_IN_AGAIN}.") from None
    except jwt.InvalidIssuerError:
        raise WrongIssuer(
            f"Token är inte utfärdad av '{issuer}' (fel utfärdare eller realm); logga in i Nära för att få en egen."
        ) from None
    except jwt.InvalidAudienceError:
        raise WrongAudience(
            f"Token är inte avsedd för {' eller '.join(repr(name) for name in audience)}; "
            "logga in i Nära för att få en egen."
        ) from None
    except jwt.DecodeError:
        raise MalformedToken(NOT_A_JWT) from None
    except jwt.InvalidTokenError as error:
        raise ClaimsDoNotFit(f"Uppgifterna i token går inte att använda ({error}); {LOG_IN_AGAIN}.") from None


def _check_times(claims: dict[str, Any], settings: IdentitySettings, now: datetime) -> None:
    moment = now.timestamp()
    leeway = settings.jwt_leeway_seconds
    times = {}
    for name in ("exp", "nbf", "iat"):
        if name in claims:
            if isinstance(claims[name], bool) or not isinstance(claims[name], int | float):
                raise ClaimsDoNotFit(f"Uppgiften '{name}' i token är inte en tid i sekunder; {LOG_IN_AGAIN}.")
            if not math.isfinite(claims[name]):
                raise ClaimsDoNotFit(f"Uppgiften '{name}' i token är inte en tid; {LOG_IN_AGAIN}.")
            times[name] = claims[name]
    if times.get("nbf", times["exp"]) > times["exp"]:
        raise ClaimsDoNotFit(f"Token blir aldrig giltig ('nbf' ligger efter 'exp'); {LOG_IN_AGAIN}.")
    if moment >= times["exp"] + leeway:
        raise ExpiredToken("Token har gått ut; logga in igen.")
    not_before = max(times.get("nbf", moment), times.get("iat", moment))
    if moment < not_before - leeway:
        raise TokenNotYetValid("Token gäller inte än; kontrollera att datorns klocka går rätt och logga in igen.")
    # The lifetime counts from issue (or from now, for a token that does not say when it was issued).
    lifetime = times["exp"] - times.get("iat", moment)
    if lifetime > settings.jwt_max_lifetime_seconds + leeway:
        raise ClaimsDoNotFit(
            f"Token gäller längre än Nära tillåter "
            f"({settings.jwt_max_lifetime_seconds / 3600:g} timmar); {LOG_IN_AGAIN}."
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
