"""A local stand-in for 46elks' SMS API (POST /a1/sms), for tests: it holds a client to the documented request and
answers in the documented shape, so the adapter meets the gateway's rules before it meets the gateway.

It checks what 46elks documents: HTTP basic auth with the API username and password, a form-encoded body with
`from` (a text sender id or an E.164 number), `to` (E.164) and `message`; it answers with JSON carrying `id`,
`status` ("created"), `direction`, `from`, `to`, `created` (UTC), `parts`, `cost` (in 10,000ths of the currency)
and `message` (left out with `dontlog=message`). A refused request gets a status code and a short plain-text
reason. Tests can queue the gateway's bad days: `fail_next(503, "...")`, `fail_next(429, ..., retry_after=2)`,
or `stall_next(seconds)` for an answer that never comes in time.
"""

from __future__ import annotations

import base64
import json
import re
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

E164 = re.compile(r"\+[1-9][0-9]{6,14}")
TEXT_SENDER_ID = re.compile(r"[A-Za-z][A-Za-z0-9]{2,10}")
MAX_MESSAGE_CHARACTERS = 1600  # the stand-in's own ceiling: ten or more parts is no message a clinic sends
COST_PER_PART = 3500  # 0.35 SEK, in the gateway's unit of 10,000ths


# GSM 03.38's basic set; anything else makes the message UCS-2 (70 characters a part, 67 when split).
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = set("^{}\\[~]|€\f")


def sms_parts(text: str) -> int:
    """How many parts an SMS of this text is sent as (GSM 7-bit: 160, or 153 each when split; else UCS-2: 70/67)."""
    if all(ch in GSM_BASIC or ch in GSM_EXTENDED for ch in text):
        units, single, each = sum(2 if ch in GSM_EXTENDED else 1 for ch in text), 160, 153
    else:
        units, single, each = len(text.encode("utf-16-le")) // 2, 70, 67
    return 1 if units <= single else -(-units // each)


@dataclass
class Failure:
    status: int
    text: str
    retry_after: float | None = None
    stall_seconds: float = 0


@dataclass
class SmsGatewayStandIn:
    """The running stand-in: its base URL (as NARA_SMS_API_URL), the account it accepts, what it was sent."""

    username: str = "u0123456789abcdef0123456789abcdef"
    password: str = field(default_factory=lambda: secrets.token_hex(16))
    url: str = ""
    sent: list[dict[str, str]] = field(default_factory=list)
    requests: int = 0
    _failures: list[Failure] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def settings(self, **overrides: str) -> dict[str, str]:
        """NARA_SMS_* pointing the adapter at this stand-in with its account."""
        return {
            "NARA_SMS_API_URL": self.url,
            "NARA_SMS_USERNAME": self.username,
            "NARA_SMS_PASSWORD": self.password,
            **overrides,
        }

    def fail_next(self, status: int, text: str, *, retry_after: float | None = None) -> None:
        with self._lock:
            self._failures.append(Failure(status, text, retry_after))

    def stall_next(self, seconds: float) -> None:
        """The next request is answered only after `seconds` (then as a success): a client's timeout fires first."""
        with self._lock:
            self._failures.append(Failure(200, "", stall_seconds=seconds))

    def reset(self) -> None:
        with self._lock:
            self.sent.clear()
            self._failures.clear()
            self.requests = 0

    def answer(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
        """The gateway's answer to one request: (status, headers, body)."""
        with self._lock:
            self.requests += 1
            failure = self._failures.pop(0) if self._failures else None
        if failure is not None and failure.stall_seconds:
            time.sleep(failure.stall_seconds)
        elif failure is not None:
            extra = {"Retry-After": f"{failure.retry_after:g}"} if failure.retry_after is not None else {}
            return failure.status, {"Content-Type": "text/plain", **extra}, failure.text.encode()
        if path.rstrip("/").lower() != "/a1/sms":
            return _text(404, "Not found")
        if not self._authorised(headers.get("authorization", "")):
            return _text(401, "Authentication failed")
        if not headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            return _text(400, "Expected form-encoded POST data")
        fields = {name: values[-1] for name, values in parse_qs(body.decode(), keep_blank_values=True).items()}
        for name in ("from", "to", "message"):
            if not fields.get(name):
                return _text(400, f"Missing key {name}")
        if not E164.fullmatch(fields["to"]):
            return _text(400, "Invalid to number. Use E.164 format, e.g. +46700000000")
        if not (TEXT_SENDER_ID.fullmatch(fields["from"]) or E164.fullmatch(fields["from"])):
            return _text(400, "Invalid from: a text sender id of 3-11 letters and digits, or an E.164 number")
        if len(fields["message"]) > MAX_MESSAGE_CHARACTERS:
            return _text(400, "Message too long")
        parts = sms_parts(fields["message"])
        answer = {
            "status": "created",
            "direction": "outgoing",
            "from": fields["from"],
            "to": fields["to"],
            "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f"),
            "parts": parts,
            "cost": parts * COST_PER_PART,
            "id": "s" + secrets.token_hex(16),
        }
        if fields.get("dontlog") != "message":
            answer["message"] = fields["message"]
        with self._lock:
            self.sent.append({**fields, "id": str(answer["id"])})
        return 200, {"Content-Type": "application/json"}, json.dumps(answer).encode()

    def _authorised(self, header: str) -> bool:
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            given = base64.b64decode(encoded, validate=True).decode()
        except ValueError:
            return False
        return secrets.compare_digest(given, f"{self.username}:{self.password}")


def _text(status: int, text: str) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "text/plain"}, text.encode()


@contextmanager
def sms_gateway_standin() -> Iterator[SmsGatewayStandIn]:
    """The stand-in on a free port of 127.0.0.1, served from a thread; stopped afterwards."""
    gateway = SmsGatewayStandIn()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            headers = {name.lower(): value for name, value in self.headers.items()}
            status, answer_headers, answer = gateway.answer(self.path, headers, body)
            try:
                self.send_response(status)
                for name, value in {**answer_headers, "Content-Length": str(len(answer))}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(answer)
            except OSError:  # the client gave up (a timeout test)
                pass

        def do_GET(self) -> None:
            self.send_error(405, "Use POST")

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    gateway.url = f"http://127.0.0.1:{server.server_address[1]}/a1"
    # A short poll: shutdown() waits for one, and every test that asks for the stand-in pays it.
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="sms-gateway-standin", daemon=True)
    thread.start()
    try:
        yield gateway
    finally:
        server.shutdown()
        server.server_close()
