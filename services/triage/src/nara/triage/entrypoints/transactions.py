"""One unit of work per request, with Idempotency-Key: a retry with the same key and body gets the first answer
again and changes nothing; the same key for another request is refused."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from nara.shared.identity import Caller
from nara.shared.pseudonym import Pseudonymiser

from ..adapters.idempotency import key_problem, request_hash
from ..domain.refusals import ContactRefused
from ..service.unit_of_work import UnitOfWork, UnitsOfWork
from .problems import answer, problem_body, refusal_body, status_of

KEY_REUSED = "Idempotency-Key har redan använts för en annan begäran. Skicka en ny nyckel för en ny begäran."
UseCase = Callable[[UnitOfWork], Awaitable[Any]]


def idempotency_caller(caller: Caller, pseudonymiser: Pseudonymiser) -> str:
    """Keys are per caller: staff by HSA-id, a citizen by pseudonym (the table needs no personnummer)."""
    return f"staff:{caller.subject}" if caller.is_staff else f"citizen:{pseudonymiser.pseudonym(caller.subject)}"


async def run_once(
    units: UnitsOfWork,
    action: UseCase,
    *,
    caller: str,
    idempotency_key: str | None,
    request: dict[str, Any],
    now: datetime,
    success_status: int = 200,
    instance: str | None = None,
) -> tuple[int, Any]:
    """(status, body): the action's answer, or a refusal's problem details; with a key, the first answer."""
    if not idempotency_key:
        try:
            async with units.start() as uow:
                return success_status, jsonable_encoder(await action(uow))
        except ContactRefused as refused:  # the refusal rolled the unit of work back on its way out
            return status_of(refused), refusal_body(refused, instance)
    wrong_key = key_problem(idempotency_key)
    if wrong_key:  # checked before it is stored or compared
        return 422, problem_body(422, wrong_key, "invalid_idempotency_key", instance=instance)
    async with units.start() as uow:
        claim = await uow.idempotency.claim(caller, idempotency_key, request_hash(request), now)
        if claim.reused:
            return 422, problem_body(422, KEY_REUSED, "idempotency_key_reused", instance=instance)
        if not claim.fresh:
            return claim.status or 200, claim.body
        try:
            async with uow.savepoint():  # a refusal undoes the action, not the key
                status, body = success_status, jsonable_encoder(await action(uow))
        except ContactRefused as refused:
            status, body = status_of(refused), refusal_body(refused, instance)
        await uow.idempotency.remember(caller, idempotency_key, status, body)
    return status, body


def now_of(request: Request) -> datetime:
    now: datetime = request.app.state.clock.now()
    return now


def units_of(request: Request) -> UnitsOfWork:
    """The units of work app.py wired (PostgreSQL, once the database answers)."""
    units: UnitsOfWork = request.app.state.units
    return units


async def respond_once(
    request: Request,
    caller: Caller,
    idempotency_key: str | None,
    fingerprint: dict[str, Any],
    action: UseCase,
    *,
    status: int = 200,
) -> JSONResponse:
    """A change, in one unit of work, answered once per Idempotency-Key."""
    code, body = await run_once(
        units_of(request),
        action,
        caller=idempotency_caller(caller, request.app.state.pseudonymiser),
        idempotency_key=idempotency_key,
        request=fingerprint,
        now=now_of(request),
        success_status=status,
        instance=request.url.path,
    )
    return answer(code, body)


async def respond(request: Request, status: int, action: UseCase) -> JSONResponse:
    """A read (or a change with nothing to remember), in one unit of work; a refusal is a problem."""
    code, body = await run_once(
        units_of(request),
        action,
        caller="",
        idempotency_key=None,
        request={},
        now=now_of(request),
        success_status=status,
        instance=request.url.path,
    )
    return answer(code, body)
