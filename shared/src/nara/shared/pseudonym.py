"""Patient pseudonyms: a keyed HMAC-SHA256 of the normalised personnummer, the same in every service.

The key is NARA_PSEUDONYM_KEY, written as hex (64 hex digits for 32 bytes), e.g. `openssl rand -hex 32`.
Every service must share it, or one patient gets a different pseudonym in each.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from nara.shared.personnummer import normalise

log = logging.getLogger(__name__)

MINIMUM_KEY_BYTES = 32
PSEUDONYM_PREFIX = "p_"
_DIGEST_BYTES = 20  # 160 bits, which base32 writes as exactly 32 characters with no padding

# Public on purpose, so local runs and tests need no set-up; a production start refuses to use it.
DEVELOPMENT_KEY = b"nara-DEVELOPMENT-ONLY-pseudonym-key-never-use-in-production"


class PseudonymConfigurationError(RuntimeError):
    """The pseudonym key is missing or unusable; the message says what to set."""


class Pseudonymiser:
    """Turns a personnummer, in any written form, into its stable pseudonym."""

    def __init__(self, key: bytes) -> None:
        if not isinstance(key, bytes) or len(key) < MINIMUM_KEY_BYTES:
            raise ValueError(f"the pseudonym key must be at least {MINIMUM_KEY_BYTES} random bytes")
        self._key = key

    def pseudonym(self, personnummer: str) -> str:
        """`p_` and 32 lowercase base32 characters; raises InvalidPersonnummer for an invalid number."""
        digest = hmac.new(self._key, normalise(personnummer).encode("ascii"), hashlib.sha256).digest()
        return PSEUDONYM_PREFIX + base64.b32encode(digest[:_DIGEST_BYTES]).decode("ascii").lower()

    def __repr__(self) -> str:
        return "Pseudonymiser(key=<hidden>)"


class _PseudonymSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NARA_", extra="ignore")

    environment: str = "development"
    pseudonym_key: SecretStr | None = None


def pseudonymiser_from_environment() -> Pseudonymiser:
    """The Pseudonymiser for NARA_PSEUDONYM_KEY (hex); outside production an unset key means the development key."""
    settings = _PseudonymSettings()
    written_key = settings.pseudonym_key.get_secret_value().strip() if settings.pseudonym_key else ""
    if not written_key:
        if settings.environment.strip().lower() == "production":
            raise PseudonymConfigurationError(
                "NARA_PSEUDONYM_KEY is not set; in production it must hold the key every service shares, "
                f"as hex of at least {MINIMUM_KEY_BYTES} bytes (e.g. from `openssl rand -hex 32`)"
            )
        log.warning("NARA_PSEUDONYM_KEY is not set; using the public development key, fit for local runs only")
        return Pseudonymiser(DEVELOPMENT_KEY)
    try:
        key = bytes.fromhex(written_key)
    except ValueError:
        raise PseudonymConfigurationError("NARA_PSEUDONYM_KEY must be written as hex digits (0-9, a-f)") from None
    if len(key) < MINIMUM_KEY_BYTES:
        raise PseudonymConfigurationError(
            f"NARA_PSEUDONYM_KEY holds {len(key)} bytes; it needs at least {MINIMUM_KEY_BYTES} "
            f"({2 * MINIMUM_KEY_BYTES} hex digits)"
        )
    return Pseudonymiser(key)
