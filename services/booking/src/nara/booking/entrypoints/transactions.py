"""One transaction per request, with Idempotency-Key: a repeated request gets the first answer back.

Refusals answer as RFC 9457 problem details (nara.shared.web.problems), with the refusal's `code` kept."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import asyncpg
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from nara.shared.web.problems import answer, problem, problem_body

from ..domain.errors import BookingRefused

MAX_KEY_LENGTH = 200


def refusal_body(refused: BookingRefused) -> dict[str, Any]:
    return problem_body(refused.status, refused.message, refused.code)


def refusal(refused: BookingRefused) -> JSONResponse:
    return answer(refused.status, refusal_body(refused))


async def run_in_transaction(
    pool: asyncpg.Pool,
    action: Callable[[asyncpg.Connection], Awaitable[Any]],
    *,
    caller: str,
    idempotency_key: str | None,
    request: dict,
    now: datetime,
    success_status: int = 200,
) -> JSONResponse:
    if not idempotency_key:
        try:
            async with pool.acquire() as connection, connection.transaction():
                body = jsonable_encoder(await action(connection))
        except BookingRefused as refused:  # the refusal rolled the transaction back on its way out
            return refusal(refused)
        return JSONResponse(body, status_code=success_status)
    async with pool.acquire() as connection, connection.transaction():
        stored = await _claim(connection, caller, idempotency_key, _hash(request), now)
        if stored is not None:
            return stored
        try:
            async with connection.transaction():  # a savepoint: a refusal undoes the action, not the key
                status, body = success_status, jsonable_encoder(await action(connection))
        except BookingRefused as refused:
            status, body = refused.status, refusal_body(refused)
        await connection.execute(
            "UPDATE idempotent_requests SET status_code = $3, response = $4::jsonb WHERE caller = $1 AND key = $2",
            caller,
            idempotency_key,
            status,
            json.dumps(body),
        )
    return answer(status, body)


async def _claim(
    connection: asyncpg.Connection, caller: str, key: str, request_hash: str, now: datetime
) -> JSONResponse | None:
    """Take the key, or return the answer stored under it. A concurrent twin waits here for the first to commit."""
    if len(key) > MAX_KEY_LENGTH:
        return problem(422, f"Idempotency-Key får vara högst {MAX_KEY_LENGTH} tecken.", "invalid_request")
    claimed = await connection.fetchval(
        """INSERT INTO idempotent_requests (caller, key, request_hash, created_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT DO NOTHING RETURNING true""",
        caller,
        key,
        request_hash,
        now,
    )
    if claimed:
        return None
    row = await connection.fetchrow(
        "SELECT request_hash, status_code, response FROM idempotent_requests WHERE caller = $1 AND key = $2",
        caller,
        key,
    )
    if row["request_hash"] != request_hash:
        return problem(
            422,
            "Idempotency-Key har redan använts för en annan begäran. Använd en ny nyckel.",
            "idempotency_key_reused",
        )
    return answer(row["status_code"], _current_shape(row["status_code"], json.loads(row["response"])))


def _current_shape(status: int, body: Any) -> Any:
    """A refusal stored before problem details ({code, detail}) is answered in today's shape."""
    if status >= 400 and isinstance(body, dict) and "type" not in body:
        return problem_body(status, str(body.get("detail") or ""), body.get("code"))
    return body


def _hash(request: dict) -> str:
    return hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode()).hexdigest()
