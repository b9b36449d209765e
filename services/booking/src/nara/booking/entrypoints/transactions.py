"""One unit of work per request, with Idempotency-Key: a repeated request gets the first answer back.

Refusals answer as RFC 9457 problem details (nara.shared.web.problems), with the refusal's `code` kept."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

from nara.shared.web.problems import answer, problem_body

from ..adapters.unit_of_work import PostgresUnitOfWork
from ..domain.errors import BookingRefused
from ..service.unit_of_work import UnitOfWork
from .problems import refusal_body, status_of

MAX_KEY_LENGTH = 200
Result = TypeVar("Result")


@dataclass(frozen=True)
class Outcome(Generic[Result]):
    """What a use case answered: `result` when it ran now (None for a repeat, whose first answer is `body`),
    `refused` when it refused now; `status` and `body` are the answer as the API gives it."""

    status: int
    body: Any
    result: Result | None = None
    refused: BookingRefused | None = None

    @property
    def succeeded(self) -> bool:
        return self.status < 400

    def response(self) -> JSONResponse:
        """The answer as the API gives it."""
        return answer(self.status, self.body)

    @property
    def message(self) -> str | None:
        """A refusal's sentence for people, whether refused now or the first time."""
        if self.refused is not None:
            return self.refused.message
        return self.body.get("detail") if not self.succeeded and isinstance(self.body, dict) else None

    @property
    def code(self) -> str | None:
        if self.refused is not None:
            return self.refused.code
        return self.body.get("code") if not self.succeeded and isinstance(self.body, dict) else None


async def run_once(
    unit_of_work: PostgresUnitOfWork,
    action: Callable[[UnitOfWork], Awaitable[Result]],
    render: Callable[[Result], Any],
    *,
    caller: str,
    idempotency_key: str | None,
    request: dict[str, Any],
    now: datetime,
    success_status: int = 200,
) -> Outcome[Result]:
    """Run the use case in its unit of work; with a key, the key's record commits with it (a refusal undoes the
    action but keeps the record) and a repeat answers as the first time did."""
    if not idempotency_key:
        try:
            async with unit_of_work as uow:
                result = await action(uow)
        except BookingRefused as refused:  # the refusal rolled the transaction back on its way out
            return Outcome(status_of(refused), refusal_body(refused), refused=refused)
        return Outcome(success_status, jsonable_encoder(render(result)), result=result)
    if len(idempotency_key) > MAX_KEY_LENGTH:
        message = f"Idempotency-Key får vara högst {MAX_KEY_LENGTH} tecken."
        return Outcome(422, problem_body(422, message, "invalid_request"))
    request_hash = _hash(request)
    async with unit_of_work as uow:
        stored = await uow.idempotency.claim(caller, idempotency_key, request_hash, now)
        if stored is not None:
            if stored.request_hash != request_hash:
                message = "Idempotency-Key har redan använts för en annan begäran. Använd en ny nyckel."
                return Outcome(422, problem_body(422, message, "idempotency_key_reused"))
            return Outcome(stored.status, _current_shape(stored.status, stored.body))
        try:
            async with uow.savepoint():  # a refusal undoes the action, not the key
                result = await action(uow)
            outcome = Outcome(success_status, jsonable_encoder(render(result)), result=result)
        except BookingRefused as refused:
            outcome = Outcome(status_of(refused), refusal_body(refused), refused=refused)
        await uow.idempotency.record(caller, idempotency_key, outcome.status, outcome.body)
    return outcome


def _current_shape(status: int, body: Any) -> Any:
    """A refusal stored before problem details ({code, detail}) is answered in today's shape."""
    if status >= 400 and isinstance(body, dict) and "type" not in body:
        return problem_body(status, str(body.get("detail") or ""), body.get("code"))
    return body


def _hash(request: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(request, sort_keys=True, default=str).encode()).hexdigest()
