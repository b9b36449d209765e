"""How tokens are checked: algorithm, public key, issuer, audience, leeway; and the development key."""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path
from typing import Literal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key, load_pem_public_key
from pydantic import PrivateAttr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

log = logging.getLogger(__name__)

# Committed on purpose, so that local runs and tests need no set-up; production never accepts it.
DEV_KEY_FILE = Path(__file__).with_name("dev_key.pem")
DEV_KEY_ALGORITHM = "EdDSA"

_KEY_TYPES: dict[str, type[Ed25519PublicKey] | type[RSAPublicKey]] = {"EdDSA": Ed25519PublicKey, "RS256": RSAPublicKey}


class IdentityConfigurationError(RuntimeError):
    """Token checking cannot be set up as configured; the message says what to set."""


class IdentitySettings(BaseSettings):
    """Read from NARA_JWT_* and NARA_ENVIRONMENT; the key is loaded and checked when the settings are made."""

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

    _public_key: Ed25519PublicKey | RSAPublicKey = PrivateAttr()

    @property
    def is_production(self) -> bool:
        return self.environment.strip().lower() == "production"

    @property
    def uses_development_key(self) -> bool:
        return not (self.jwt_public_key or self.jwt_public_key_file)

    @property
    def public_key(self) -> Ed25519PublicKey | RSAPublicKey:
        return self._public_key

    @model_validator(mode="after")
    def _load_public_key(self) -> IdentitySettings:
        # Loading here makes a missing or unusable key fail at start-up, not on the first request.
        self._public_key = _configured_public_key(self)
        return self


def _configured_public_key(settings: IdentitySettings) -> Ed25519PublicKey | RSAPublicKey:
    if settings.jwt_public_key and settings.jwt_public_key_file:
        raise IdentityConfigurationError("set only one of NARA_JWT_PUBLIC_KEY and NARA_JWT_PUBLIC_KEY_FILE")
    if settings.uses_development_key:
        if settings.is_production:
            raise IdentityConfigurationError(
                "NARA_ENVIRONMENT is production but no token key is configured: set NARA_JWT_PUBLIC_KEY "
                "(PEM text) or NARA_JWT_PUBLIC_KEY_FILE to the identity provider's public key"
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
        "never run like this with real patients (set NARA_JWT_PUBLIC_KEY)"
    )


@cache
def settings_from_environment() -> IdentitySettings:
    """The process's identity settings, read once."""
    return IdentitySettings()
