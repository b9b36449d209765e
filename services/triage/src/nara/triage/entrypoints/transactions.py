"""One transaction per request, with Idempotency-Key: a retry with the same key and body gets the first answer
again and changes nothing; the same key for another request is refused."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import asyncpg
from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from nara.shared.identity import Caller
from nara.shared.pseudonym import Pseudonymiser

from ..adapters import idempotency
from ..domain.contacts import ContactRefused
from .problems import answer, problem_body, refusal_body

KEY_REUSED = "Idempotency-Key har redan använts för en annan begäran. Skicka en ny nyckel för en ny begäran."


def idempotency_caller(caller: Caller, pseudonymiser: Pseudonymiser) -> str:
    """Keys are per caller: staff by HSA-id, a citizen by pseudonym (the table needs no personnummer)."""
    return f"staff:{caller.subject}" if caller.is_staff else f"citizen:{pseudonymiser.pseudonym(caller.subject)}"


async def run_once(
    pool: asyncpg.Pool,
    action: Callable[[asyncpg.Connection], Awaitable[Any]],
    *,
    caller: str,
    idempotency_key: str | None,
    request: dict,
    now: datetime,
    success_status: int = 200,
    instance: str | None = None,
) -> tuple[int, Any]:
    """(status, body): the action's answer, or a refusal's problem details; with a key, the first answer."""
    if not idempotency_key:
        try:
            async with pool.acquire() as connection, connection.transaction():
                return success_status, jsonable_encoder(await action(connection))
        except ContactRefused as refused:  # the refusal rolled the transaction back on its way out
            return refused.status, refusal_body(refused, instance)
    wrong_key = idempotency.key_problem(idempotency_key)
    if wrong_key:  # checked before it is stored or compared
        return 422, problem_body(422, wrong_key, "invalid_idempotency_key", instance=instance)
    async with pool.acquire() as connection, connection.transaction():
        claim = await idempotency.claim(connection, caller, idempotency_key, idempotency.request_hash(request), now)
        if claim.reused:
            return 422, problem_body(422, KEY_REUSED, "idempotency_key_reused", instance=instance)
        if not claim.fresh:
            return claim.status, claim.body
        try:
            async with connection.transaction():  # a savepoint: a refusal undoes the action, not the key
                status, body = success_status, jsonable_encoder(await action(connection))
        except ContactRefused as refused:
            status, body = refused.status, refusal_body(refused, instance)
        await idempotency.remember(connection, caller, idempotency_key, status, body)
    return status, body


def now_of(request: Request) -> datetime:
    return request.app.state.clock.now()


async def respond_once(
    request: Request,
    caller: Caller,
    idempotency_key: str | None,
    fingerprint: dict,
    action: Callable[[asyncpg.Connection], Awaitable[Any]],
    *,
    status: int = 200,
) -> JSONResponse:
    """A change, in one transaction, answered once per Idempotency-Key."""
    code, body = await run_once(
        request.app.state.pool,
        action,
        caller=idempotency_caller(caller, request.app.state.pseudonymiser),
        idempotency_key=idempotency_key,
        request=fingerprint,
        now=now_of(request),
        success_status=status,
        instance=request.url.path,
    )
    return answer(code, body)


async def respond(
    request: Request, status: int, action: Callable[[asyncpg.Connection], Awaitable[Any]]
) -> JSONResponse:
    """A read (or a change with nothing to remember), in one transaction; a refusal is a problem."""
    code, body = await run_once(
        request.app.state.pool,
        action,
        caller="",
        idempotency_key=None,
        request={},
        now=now_of(request),
        success_status=status,
        instance=request.url.path,
    )
    return answer(code, body)
