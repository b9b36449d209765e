"""How tokens are checked: the identity provider (issuer, audiences, algorithms, key cache, claim mapping), or
a configured public key, or the development key outside production."""

from __future__ import annotations

import json
import logging
import os
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key
from pydantic import PrivateAttr, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from .caller import InvalidClaims, Role, parse_role
from .claims import DEFAULT_CITIZEN_CLIENTS, DEFAULT_PRECEDENCE, ClaimMapping
from .provider_keys import DISCOVERY_PATH, KeySource, ProviderKeys

log = logging.getLogger(__name__)

# Committed on purpose, so that local runs and tests need no set-up; production never accepts it.
DEV_KEY_FILE = Path(__file__).with_name("dev_key.pem")
DEV_KEY_ALGORITHM = "EdDSA"

# Asymmetric only: "none" and the HMAC algorithms (HS*) would let whoever knows the public key sign tokens.
PROVIDER_ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"})

_KEY_TYPES: dict[str, type[Ed25519PublicKey] | type[RSAPublicKey]] = {"EdDSA": Ed25519PublicKey, "RS256": RSAPublicKey}


class IdentityConfigurationError(RuntimeError):
    """Token checking cannot be set up as configured; the message says what to set."""


class IdentitySettings(BaseSettings):
    """Read from NARA_OIDC_*, NARA_JWT_* and NARA_ENVIRONMENT; checked when made (the provider is asked later)."""

    model_config = SettingsConfigDict(env_prefix="NARA_", extra="ignore")

    environment: str = "development"
    jwt_algorithm: Literal["EdDSA", "RS256"] = "EdDSA"
    jwt_public_key: str | None = None
    jwt_public_key_file: Path | None = None
    jwt_issuer: str = "nara"
    jwt_audience: str = "nara"
    jwt_leeway_seconds: float = 30.0
    # However it is signed, no token lives longer than a working day and its night: a stolen one ends.
    jwt_max_lifetime_seconds: float = 12 * 3600

    # The identity provider (OpenID Connect). Set the issuer to check its tokens against its published keys.
    oidc_issuer: str | None = None
    oidc_audience: Annotated[tuple[str, ...], NoDecode] = ("nara-api",)
    oidc_algorithms: Annotated[tuple[str, ...], NoDecode] = ("RS256", "ES256")
    # Where the services fetch the discovery document when they reach the provider at another address than the
    # browser does (docker-compose: http://keycloak:8080/...); by default {issuer}/.well-known/openid-configuration.
    oidc_discovery_url: str | None = None
    oidc_jwks_url: str | None = None  # normally read from the discovery document
    oidc_jwks_cache_seconds: float = 300.0
    oidc_jwks_cooldown_seconds: float = 30.0
    oidc_http_timeout_seconds: float = 5.0
    oidc_claim_personnummer: str = "personnummer"
    oidc_claim_hsa_id: str = "hsa_id"
    oidc_claim_roles: str = "roles"
    oidc_claim_units: str = "units"
    oidc_role_precedence: Annotated[tuple[str, ...], NoDecode] = tuple(role.value for role in DEFAULT_PRECEDENCE)
    oidc_client_roles: dict[str, list[str]] = {}
    oidc_citizen_clients: Annotated[tuple[str, ...], NoDecode] = tuple(sorted(DEFAULT_CITIZEN_CLIENTS))

    _public_key: Ed25519PublicKey | RSAPublicKey = PrivateAttr()
    _provider_keys: ProviderKeys | None = PrivateAttr(default=None)
    _claim_mapping: ClaimMapping = PrivateAttr()

    @property
    def is_production(self) -> bool:
        return self.environment.strip().lower() == "production"

    @property
    def uses_provider(self) -> bool:
        return bool(self.oidc_issuer)

    @property
    def uses_development_key(self) -> bool:
        """Development tokens are accepted: outside production, with no public key configured."""
        return not (self.jwt_public_key or self.jwt_public_key_file) and not (self.is_production and self.uses_provider)

    @property
    def discovery_url(self) -> str | None:
        """Where the provider's discovery document is fetched: the configured address, else the issuer's own."""
        if self.oidc_discovery_url:
            return self.oidc_discovery_url
        return f"{self.oidc_issuer.rstrip('/')}{DISCOVERY_PATH}" if self.oidc_issuer else None

    @property
    def provider_keys(self) -> ProviderKeys | None:
        return self._provider_keys

    @property
    def claim_mapping(self) -> ClaimMapping:
        return self._claim_mapping

    @field_validator("oidc_audience", "oidc_algorithms", "oidc_role_precedence", "oidc_citizen_clients", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @field_validator("oidc_issuer", "oidc_discovery_url", "oidc_jwks_url")
    @classmethod
    def _http_address(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("https://", "http://")):
            raise ValueError("must be an http(s) address, e.g. https://idp.example.se/realms/nara")
        return value or None

    @property
    def public_key(self) -> Ed25519PublicKey | RSAPublicKey:
        return self._public_key

    @model_validator(mode="after")
    def _load_public_key(self) -> IdentitySettings:
        # Loading here makes a missing or unusable key fail at start-up, not on the first request.
        if self.uses_provider and (self.jwt_public_key or self.jwt_public_key_file):
            raise IdentityConfigurationError(
                "set either NARA_OIDC_ISSUER (the identity provider) or NARA_JWT_PUBLIC_KEY(_FILE), not both"
            )
        self._claim_mapping = _claim_mapping(self)
        if self.uses_provider:
            self._provider_keys = _provider_keys(self)
        if not self.uses_provider or self.uses_development_key:
            self._public_key = _configured_public_key(self)
        return self


def _provider_keys(settings: IdentitySettings) -> ProviderKeys:
    refused = [name for name in settings.oidc_algorithms if name not in PROVIDER_ALGORITHMS]
    if refused or not settings.oidc_algorithms:
        raise IdentityConfigurationError(
            f"NARA_OIDC_ALGORITHMS may hold only {', '.join(sorted(PROVIDER_ALGORITHMS))}; "
            f"refused: {', '.join(refused) or '(none given)'}"
        )
    if not settings.oidc_audience:
        raise IdentityConfigurationError("NARA_OIDC_AUDIENCE must name the audience(s) Nära's APIs accept")
    if min(settings.oidc_jwks_cache_seconds, settings.oidc_http_timeout_seconds) <= 0:
        raise IdentityConfigurationError("NARA_OIDC_JWKS_CACHE_SECONDS and _HTTP_TIMEOUT_SECONDS must be positive")
    if settings.oidc_jwks_cooldown_seconds < 0:
        raise IdentityConfigurationError("NARA_OIDC_JWKS_COOLDOWN_SECONDS must not be negative")
    assert settings.oidc_issuer is not None  # noqa: S101 -- only called when an issuer is set
    return ProviderKeys(
        KeySource(
            issuer=settings.oidc_issuer,
            discovery_url=settings.oidc_discovery_url or settings.oidc_issuer.rstrip("/") + DISCOVERY_PATH,
            jwks_url=settings.oidc_jwks_url,
            cache_seconds=settings.oidc_jwks_cache_seconds,
            cooldown_seconds=settings.oidc_jwks_cooldown_seconds,
            timeout_seconds=settings.oidc_http_timeout_seconds,
        )
    )


def _claim_mapping(settings: IdentitySettings) -> ClaimMapping:
    try:
        return ClaimMapping(
            personnummer=settings.oidc_claim_personnummer,
            hsa_id=settings.oidc_claim_hsa_id,
            roles=settings.oidc_claim_roles,
            units=settings.oidc_claim_units,
            precedence=_roles(settings.oidc_role_precedence),
            client_precedence={client: _roles(roles) for client, roles in settings.oidc_client_roles.items()},
            citizen_clients=frozenset(settings.oidc_citizen_clients),
        )
    except InvalidClaims as error:
        raise IdentityConfigurationError(
            f"NARA_OIDC_ROLE_PRECEDENCE or NARA_OIDC_CLIENT_ROLES (JSON, e.g. "
            f"{json.dumps({'nara-console': ['clinician', 'reception']})}): {error}"
        ) from None


def _roles(names: tuple[str, ...] | list[str]) -> tuple[Role, ...]:
    return tuple(parse_role(name) for name in names)


def _configured_public_key(settings: IdentitySettings) -> Ed25519PublicKey | RSAPublicKey:
    if settings.jwt_public_key and settings.jwt_public_key_file:
        raise IdentityConfigurationError("set only one of NARA_JWT_PUBLIC_KEY and NARA_JWT_PUBLIC_KEY_FILE")
    if settings.uses_development_key:
        if settings.is_production:
            raise IdentityConfigurationError(
                "NARA_ENVIRONMENT is production but no token key is configured: set NARA_OIDC_ISSUER to the "
                "identity provider's issuer URL (or NARA_JWT_PUBLIC_KEY(_FILE) to a fixed public key)"
            )
        if settings.jwt_algorithm != DEV_KEY_ALGORITHM:
            raise IdentityConfigurationError(
                f"NARA_JWT_ALGORITHM is {settings.jwt_algorithm} but no key is configured, and the development "
                f"key is {DEV_KEY_ALGORITHM}: set NARA_JWT_PUBLIC_KEY or NARA_JWT_PUBLIC_KEY_FILE"
            )
        _warn_development_key_once()
        return development_private_key().public_key()
    if settings.jwt_public_key:
        pem = settings.jwt_public_key.encode()
    elif settings.jwt_public_key_file:
        try:
            pem = settings.jwt_public_key_file.read_bytes()
        except OSError as error:
            raise IdentityConfigurationError(f"NARA_JWT_PUBLIC_KEY_FILE cannot be read: {error}") from error
    else:  # not reached: with neither set, the development key was returned above
        raise IdentityConfigurationError("set NARA_JWT_PUBLIC_KEY or NARA_JWT_PUBLIC_KEY_FILE")
    try:
        key = load_pem_public_key(pem)
    except ValueError as error:
        raise IdentityConfigurationError(
            "the configured token key is not a PEM public key ('-----BEGIN PUBLIC KEY-----')"
        ) from error
    if not isinstance(key, _KEY_TYPES[settings.jwt_algorithm]):
        raise IdentityConfigurationError(
            f"the configured token key does not fit NARA_JWT_ALGORITHM={settings.jwt_algorithm}"
        )
    return key


@cache
def development_private_key() -> Ed25519PrivateKey:
    """The committed development-only signing key."""
    key = load_pem_private_key(DEV_KEY_FILE.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise IdentityConfigurationError("dev_key.pem must hold an Ed25519 private key")
    return key


@cache
def _warn_development_key_once() -> None:
    log.warning(
        "no token key configured: accepting tokens signed with the committed DEVELOPMENT key; "
        "never run like this with real patients (set NARA_OIDC_ISSUER to the identity provider)"
    )


def read_identity_settings() -> IdentitySettings:
    """From the environment, then from files named like the settings in NARA_SETTINGS_DIR (a Kubernetes Secret
    or ConfigMap mounted as a folder); the environment wins."""
    folder = os.environ.get("NARA_SETTINGS_DIR", "").strip()
    return IdentitySettings(_secrets_dir=folder or None)


@cache
def settings_from_environment() -> IdentitySettings:
    """The process's identity settings, read once."""
    return read_identity_settings()
