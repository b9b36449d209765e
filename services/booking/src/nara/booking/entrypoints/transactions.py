"""One transaction per request, with Idempotency-Key: a repeated request gets the first answer back."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import asyncpg
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from ..domain.errors import BookingRefused


def refusal_body(refused: BookingRefused) -> dict[str, str]:
    return {"code": refused.code, "detail": refused.message}


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
            return JSONResponse(refusal_body(refused), status_code=refused.status)
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
            caller, idempotency_key, status, json.dumps(body))
    return JSONResponse(body, status_code=status)


async def _claim(connection: asyncpg.Connection, caller: str, key: str, request_hash: str,
                 now: datetime) -> JSONResponse | None:
    """Take the key, or return the answer stored under it. A concurrent twin waits here for the first to commit."""
    if len(key) > 200:
        return JSONResponse({"code": "invalid_request", "detail": "Idempotency-Key får vara högst 200 tecken."}, 422)
    claimed = await connection.fetchval(
        """INSERT INTO idempotent_requests (caller, key, request_hash, created_at) VALUES ($1, $2, $3, $4)
           ON CONFLICT DO NOTHING RETURNING true""", caller, key, request_hash, now)
    if claimed:
        return None
    row = await connection.fetchrow(
        "SELECT request_hash, status_code, response FROM idempotent_requests WHERE caller = $1 AND key = $2",
        caller, key)
    if row["request_hash"] != request_hash:
        return JSONResponse({"code": "idempotency_key_reused",
                             "detail": "Idempotency-Key har redan använts för en annan begäran. Använd en ny nyckel."},
                            status_code=422)
    return JSONResponse(json.loads(row["response"]), status_code=row["status_code"])


def _hash(request: dict) -> str:
    return hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode()).hexdigest()
