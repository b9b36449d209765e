"""An identity provider of the tests' own: real keys, and a discovery document and JWKS served over real HTTP on
127.0.0.1, as Keycloak serves them (`/realms/<realm>/.well-known/openid-configuration`, `.../certs`)."""

from __future__ import annotations

import json
import threading
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm


@dataclass
class SigningKey:
    kid: str
    algorithm: str
    private: Any

    @classmethod
    def rsa(cls) -> SigningKey:
        return cls(uuid.uuid4().hex, "RS256", rsa.generate_private_key(public_exponent=65537, key_size=2048))

    @classmethod
    def ec(cls) -> SigningKey:
        return cls(uuid.uuid4().hex, "ES256", ec.generate_private_key(ec.SECP256R1()))

    def jwk(self) -> dict[str, Any]:
        exporter = RSAAlgorithm if self.algorithm == "RS256" else ECAlgorithm
        return {**exporter.to_jwk(self.private.public_key(), as_dict=True), "kid": self.kid, "use": "sig",
                "alg": self.algorithm}  # fmt: skip


@dataclass
class Provider:
    """A realm: publishes `published` at its JWKS address and counts what is fetched."""

    base: str
    realm: str
    published: list[SigningKey] = field(default_factory=list)
    fetches: Counter[str] = field(default_factory=Counter)
    available: bool = True

    @property
    def issuer(self) -> str:
        return f"{self.base}/realms/{self.realm}"

    def token(self, key: SigningKey | None = None, **claims: Any) -> str:
        key = key or self.published[0]
        now = datetime.now(UTC)
        payload = {
            "iss": self.issuer,
            "aud": ["nara-api", "account"],
            "azp": "nara-staff",
            "sub": str(uuid.uuid4()),
            "iat": int(now.timestamp()),
            "exp": int((now + timedelta(minutes=5)).timestamp()),
            **claims,
        }
        return jwt.encode(
            {name: value for name, value in payload.items() if value is not None},
            key.private,
            algorithm=key.algorithm,
            headers={"kid": key.kid},
        )

    def answer(self, path: str) -> dict[str, Any] | None:
        prefix = f"/realms/{self.realm}"
        if path == f"{prefix}/.well-known/openid-configuration":
            return {"issuer": self.issuer, "jwks_uri": f"{self.issuer}/protocol/openid-connect/certs"}
        if path == f"{prefix}/protocol/openid-connect/certs":
            return {"keys": [key.jwk() for key in self.published]}
        return None


@pytest.fixture
def signing_key() -> type[SigningKey]:
    """Make a key: signing_key.rsa() or signing_key.ec()."""
    return SigningKey


@pytest.fixture
def provider_server() -> Iterator[dict[str, Provider]]:
    """Realms by name, all served by one real HTTP server; add a realm with `realms[name] = Provider(...)`."""
    realms: dict[str, Provider] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            for provider in realms.values():
                document = provider.answer(self.path)
                if document is not None:
                    provider.fetches["jwks" if self.path.endswith("/certs") else "discovery"] += 1
                    if provider.available:
                        return self._send(200, document)
                    return self._send(503, {"error": "temporarily_unavailable"})
            return self._send(404, {"error": "not_found"})

        def _send(self, status: int, document: dict[str, Any]) -> None:
            body = json.dumps(document).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    realms["nara"] = Provider(base, "nara", [SigningKey.rsa()])
    realms["other"] = Provider(base, "other", [SigningKey.rsa()])
    try:
        yield realms
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
