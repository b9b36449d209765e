"""The identity provider's signing keys: its discovery document, then its JWKS, cached and refetched sparingly.

PyJWKClient does the fetching, parsing and caching: the key set is kept `cache_seconds` (so a key the provider
drops stops being accepted after that), and a token naming an unknown key refetches it at most once per
`cooldown_seconds` (so a rotated-in key is picked up without a restart, and a flood of made-up key ids cannot
hammer the provider). The fetches block: callers on an event loop run this in a worker thread.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.error import URLError

import jwt
from jwt import PyJWK, PyJWKClient, PyJWKClientConnectionError, PyJWKClientError

DISCOVERY_PATH = "/.well-known/openid-configuration"


class ProviderUnavailable(Exception):
    """The provider's discovery document or key set cannot be had just now; the token may well be good."""


class UnknownSigningKey(Exception):
    """The token names no key the provider publishes (after the one refetch the cooldown allows)."""


@dataclass(frozen=True)
class KeySource:
    issuer: str
    discovery_url: str  # may be another address of the provider than the issuer's (a back channel)
    jwks_url: str | None  # None: read it from the discovery document
    cache_seconds: float
    cooldown_seconds: float
    timeout_seconds: float


class ProviderKeys:
    """The provider's public keys, by the `kid` in a token's header; thread-safe, one instance per process."""

    def __init__(self, source: KeySource) -> None:
        self.source = source
        self._lock = threading.Lock()
        self._client: PyJWKClient | None = None
        self._failed_at: float | None = None

    def signing_key(self, token: str) -> PyJWK:
        """The key the token says it was signed with; UnknownSigningKey or ProviderUnavailable otherwise."""
        kid = jwt.get_unverified_header(token).get("kid")
        if not isinstance(kid, str) or not kid:
            raise UnknownSigningKey("the token names no key ('kid')")
        client = self._jwks_client()
        if self._failed_recently():
            return self._cached_key(client, kid)
        try:
            return client.get_signing_key(kid)
        except PyJWKClientConnectionError as error:
            self._failed_at = time.monotonic()
            raise ProviderUnavailable(f"the key set at {client.uri} cannot be fetched: {error}") from error
        except PyJWKClientError as error:
            if "Unable to find a signing key" not in str(error):
                raise ProviderUnavailable(f"the key set at {client.uri} cannot be used: {error}") from error
            raise UnknownSigningKey(str(error)) from error
        except jwt.PyJWTError as error:  # a key set whose keys cannot be read (PyJWKSetError, PyJWKError)
            raise ProviderUnavailable(f"the key set at {client.uri} cannot be used: {error}") from error

    def _jwks_client(self) -> PyJWKClient:
        with self._lock:
            if self._client is None:
                self._client = PyJWKClient(
                    self.source.jwks_url or self._discovered_jwks_url(),
                    cache_jwk_set=True,
                    lifespan=self.source.cache_seconds,
                    cooldown_duration=self.source.cooldown_seconds,
                    timeout=self.source.timeout_seconds,
                    headers={"Accept": "application/json", "User-Agent": "nara"},
                )
            return self._client

    def _failed_recently(self) -> bool:
        # A provider that is down is not asked again on every request (each would wait for the timeout) until
        # the cooldown has passed; PyJWKClient's own cooldown counts from its last successful fetch only.
        failed_at = self._failed_at
        return failed_at is not None and time.monotonic() - failed_at < self.source.cooldown_seconds

    @staticmethod
    def _cached_key(client: PyJWKClient, kid: str) -> PyJWK:
        """While the provider is down: a key of the still-fresh cached set, or ProviderUnavailable."""
        cached = client.jwk_set_cache.get() if client.jwk_set_cache is not None else None
        for key in cached.keys if cached is not None else []:
            if key.key_id == kid:
                return key
        raise ProviderUnavailable("the provider's keys could not be fetched a moment ago")

    def _discovered_jwks_url(self) -> str:
        if self._failed_recently():
            raise ProviderUnavailable("the provider's discovery document could not be fetched a moment ago")
        try:
            document = _fetch_json(self.source.discovery_url, self.source.timeout_seconds)
        except ProviderUnavailable:
            self._failed_at = time.monotonic()
            raise
        # OpenID Connect Discovery 1.0, section 4.3: the document must name the issuer it was fetched for, also
        # when it was fetched at a back-channel address.
        if document.get("issuer") != self.source.issuer:
            raise ProviderUnavailable(
                f"the discovery document names the issuer {document.get('issuer')!r}, not {self.source.issuer!r}"
            )
        jwks_url = document.get("jwks_uri")
        if not isinstance(jwks_url, str) or not jwks_url.startswith(("https://", "http://")):
            raise ProviderUnavailable("the discovery document has no usable 'jwks_uri'")
        return jwks_url


def _fetch_json(url: str, timeout: float) -> dict[str, Any]:
    if not url.startswith(("https://", "http://")):
        raise ProviderUnavailable(f"{url} is not an http(s) address")
    request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": "nara"})  # noqa: S310 -- http(s) only, checked above
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 -- http(s) only, checked above
            document = json.load(response)
    except (URLError, TimeoutError, OSError, ValueError) as error:
        raise ProviderUnavailable(f"{url} cannot be fetched: {error}") from error
    if not isinstance(document, dict):
        raise ProviderUnavailable(f"{url} did not answer a JSON object")
    return document
