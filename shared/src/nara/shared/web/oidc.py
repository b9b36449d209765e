"""The pages as an OpenID Connect relying party: authorization code with PKCE (S256), state and nonce.

Authlib builds the authorization request and exchanges the code; the ID token is checked with PyJWT against the
provider's keys that nara.shared.identity already caches and rotates (iss, aud = this client, exp, nonce).
The discovery document is fetched once per address and kept for an hour. The services may fetch it at another
address than the browser uses (NARA_OIDC_DISCOVERY_URL, a back channel such as http://keycloak:8080 in
docker-compose); it must still name the configured issuer, and the browser is sent to the endpoints it lists.
"""

from __future__ import annotations

import asyncio
import hmac
import os
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt
from authlib.common.security import generate_token

from nara.shared.identity import IdentitySettings
from nara.shared.identity.provider_keys import DISCOVERY_PATH

with warnings.catch_warnings():  # Authlib prefers httpx2 and warns when it falls back to httpx, which we use
    warnings.simplefilter("ignore")
    from authlib.integrations.httpx_client import AsyncOAuth2Client

DISCOVERY_SECONDS = 3600.0
_discovered: dict[str, tuple[float, dict[str, Any]]] = {}


class LoginFailed(Exception):
    """The provider's answer cannot be trusted or used; `sentence` says so in Swedish."""

    def __init__(self, sentence: str) -> None:
        super().__init__(sentence)
        self.sentence = sentence


@dataclass(frozen=True)
class Client:
    """One app's client at the provider."""

    issuer: str
    client_id: str
    client_secret: str | None
    timeout_seconds: float = 5.0
    leeway_seconds: float = 30.0
    scope: str = "openid profile"
    discovery_url: str = ""  # empty: the issuer's own, {issuer}/.well-known/openid-configuration

    @property
    def discovery_address(self) -> str:
        return self.discovery_url or f"{self.issuer}{DISCOVERY_PATH}"


@dataclass(frozen=True)
class Pending:
    """What one login attempt must get back: kept in a signed cookie between the redirect and the callback."""

    state: str
    nonce: str
    verifier: str
    back_to: str

    @classmethod
    def new(cls, back_to: str) -> Pending:
        return cls(state=generate_token(32), nonce=generate_token(32), verifier=generate_token(64), back_to=back_to)


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str | None
    id_token: str
    claims: dict[str, Any]  # the ID token's, checked
    expires_at: float


def setting(name: str) -> str | None:
    """A setting from the environment, else from the file of that name in NARA_SETTINGS_DIR (a mounted Secret)."""
    value = os.environ.get(name)
    if value:
        return value.strip()
    folder = os.environ.get("NARA_SETTINGS_DIR")
    if folder and (Path(folder) / name).is_file():
        return (Path(folder) / name).read_text().strip() or None
    return None


def client_for(prefix: str, settings: IdentitySettings) -> Client | None:
    """The app's client (`{prefix}_CLIENT_ID`, `{prefix}_CLIENT_SECRET`), or None: the development login."""
    client_id = setting(f"{prefix}_CLIENT_ID")
    if not settings.oidc_issuer or not client_id:
        return None
    return Client(
        issuer=settings.oidc_issuer.rstrip("/"),
        client_id=client_id,
        client_secret=setting(f"{prefix}_CLIENT_SECRET"),
        discovery_url=settings.discovery_url or "",
        timeout_seconds=settings.oidc_http_timeout_seconds,
        leeway_seconds=settings.jwt_leeway_seconds,
    )


async def discovery(client: Client) -> dict[str, Any]:
    """The provider's discovery document (at the back-channel address when one is set), checked to name this
    issuer."""
    kept = _discovered.get(client.discovery_address)
    if kept and time.monotonic() - kept[0] < DISCOVERY_SECONDS:
        return kept[1]
    try:
        async with httpx.AsyncClient(timeout=client.timeout_seconds) as http:
            answer = await http.get(client.discovery_address)
            answer.raise_for_status()
            document = answer.json()
    except (httpx.HTTPError, ValueError) as error:
        raise LoginFailed("Inloggningstjänsten svarar inte just nu. Försök igen om en stund.") from error
    if not isinstance(document, dict) or document.get("issuer") != client.issuer:
        raise LoginFailed("Inloggningstjänsten är felaktigt inställd. Kontakta supporten.")
    _discovered[client.discovery_address] = (time.monotonic(), document)
    return document


def _oauth(client: Client, redirect_uri: str | None = None) -> AsyncOAuth2Client:
    return AsyncOAuth2Client(
        client_id=client.client_id,
        client_secret=client.client_secret,
        scope=client.scope,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        timeout=client.timeout_seconds,
    )


async def authorization_url(client: Client, redirect_uri: str, pending: Pending) -> str:
    """Where the browser goes to log in: the provider's page, with PKCE S256, state and nonce."""
    document = await discovery(client)
    async with _oauth(client, redirect_uri) as oauth:
        url, _ = oauth.create_authorization_url(
            document["authorization_endpoint"], state=pending.state, nonce=pending.nonce, code_verifier=pending.verifier
        )
    return str(url)


async def exchange_code(
    client: Client, settings: IdentitySettings, redirect_uri: str, code: str, pending: Pending
) -> Tokens:
    """The tokens for the code, with the ID token checked; LoginFailed otherwise."""
    document = await discovery(client)
    try:
        async with _oauth(client, redirect_uri) as oauth:
            token = await oauth.fetch_token(
                document["token_endpoint"], code=code, code_verifier=pending.verifier, grant_type="authorization_code"
            )
    except Exception as error:  # Authlib's OAuthError, httpx's errors: the code cannot be used
        raise LoginFailed("Inloggningen kunde inte slutföras. Försök logga in igen.") from error
    id_token = token.get("id_token")
    if not isinstance(id_token, str):
        raise LoginFailed("Inloggningstjänsten skickade ingen ID-token. Försök logga in igen.")
    claims = await asyncio.to_thread(checked_id_token, id_token, client, settings, pending.nonce)
    return Tokens(
        access_token=str(token["access_token"]),
        refresh_token=token.get("refresh_token"),
        id_token=id_token,
        claims=claims,
        expires_at=float(token.get("expires_at") or time.time() + float(token.get("expires_in", 60))),
    )


async def refreshed(client: Client, refresh_token: str) -> tuple[str, str | None, float]:
    """A new access token for a session whose one runs out: (access, refresh, expires_at); LoginFailed if not."""
    document = await discovery(client)
    try:
        async with _oauth(client) as oauth:
            token = await oauth.refresh_token(document["token_endpoint"], refresh_token=refresh_token)
    except Exception as error:  # the provider ended the session (logout there, its own timeout)
        raise LoginFailed("Du har loggats ut. Logga in igen.") from error
    expires_at = float(token.get("expires_at") or time.time() + float(token.get("expires_in", 60)))
    return str(token["access_token"]), token.get("refresh_token") or refresh_token, expires_at


def checked_id_token(id_token: str, client: Client, settings: IdentitySettings, nonce: str) -> dict[str, Any]:
    """The ID token's claims if it is the provider's, for this client, not expired, and for this login (nonce)."""
    keys = settings.provider_keys
    if keys is None:
        raise LoginFailed("Inloggningstjänsten är inte inställd.")
    try:
        key = keys.signing_key(id_token)
        claims = jwt.decode(
            id_token,
            key,
            algorithms=list(settings.oidc_algorithms),
            audience=client.client_id,
            issuer=client.issuer,
            leeway=client.leeway_seconds,
            options={"require": ["iss", "aud", "exp", "iat", "sub", "nonce"]},
        )
    except Exception as error:  # a bad signature, another issuer or client, expired, unknown key
        raise LoginFailed("Inloggningen kunde inte bekräftas. Försök logga in igen.") from error
    if not isinstance(claims.get("nonce"), str) or not hmac.compare_digest(claims["nonce"].encode(), nonce.encode()):
        raise LoginFailed("Inloggningen hör inte till den här webbläsaren. Försök logga in igen.")
    return dict(claims)


async def logout_url(client: Client, id_token: str, after: str) -> str | None:
    """The provider's logout (RP-initiated), coming back to `after`; None when the provider offers none."""
    try:
        endpoint = (await discovery(client)).get("end_session_endpoint")
    except LoginFailed:
        return None
    if not isinstance(endpoint, str):
        return None
    query = {"id_token_hint": id_token, "post_logout_redirect_uri": after, "client_id": client.client_id}
    return f"{endpoint}?{urlencode(query)}"


def display_name(claims: dict[str, Any]) -> str:
    """The name the header shows: the ID token's name, else given and family name, else the username."""
    name = claims.get("name") or " ".join(
        str(part) for part in (claims.get("given_name"), claims.get("family_name")) if part
    )
    return str(name or claims.get("preferred_username") or "")
