"""What a stored page session says about its person, sealed so that only its browser's cookie opens it.

The key is derived from the random session id (which only the cookie holds; the store keeps its SHA-256), so a
read of the database, a backup or a dump names nobody and gives no token that works at the provider or our APIs.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from nara.shared.identity import Caller

from .page_sessions import ProviderSession

_NONCE_BYTES = 12
# Another function of the id than the stored SHA-256, so the stored hash tells nothing about the key.
_KEY_PURPOSE = b"nara page session sealing key"


def _key(session_id: str) -> bytes:
    return hmac.new(session_id.encode(), _KEY_PURPOSE, hashlib.sha256).digest()


def seal(session: ProviderSession, login: str) -> bytes:
    """The session's person and tokens, encrypted and bound to the app's login (a row cannot move to another)."""
    payload = {
        "role": str(session.caller.role),
        "sub": session.caller.subject,
        "units": list(session.caller.units),
        "name": session.name,
        "access_token": session.access_token,
        "refresh_token": session.refresh_token,
        "id_token": session.id_token,
    }
    nonce = os.urandom(_NONCE_BYTES)
    return nonce + AESGCM(_key(session.id)).encrypt(nonce, json.dumps(payload).encode(), login.encode())


def unseal(session_id: str, login: str, sealed: bytes) -> dict[str, Any] | None:
    """The sealed payload, or None when this id and login do not open it."""
    nonce, body = sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:]
    try:
        opened: dict[str, Any] = json.loads(AESGCM(_key(session_id)).decrypt(nonce, body, login.encode()))
    except (InvalidTag, ValueError):
        return None
    return opened


def caller_of(payload: dict[str, Any]) -> Caller:
    return Caller.of(payload["role"], payload["sub"], payload["units"])
