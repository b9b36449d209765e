"""What the page routes share besides the kit: the triage client, checking typed text, and running a use case
in a unit of work."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import Request

from nara.shared.web.fields import no_control_characters, no_personnummer

from ...adapters.triage_client import TriageClient
from ...domain.errors import BookingRefused
from ...service.unit_of_work import UnitOfWork
from ..transactions import Outcome, Result, run_once
from ..wiring import now_of, unit_of_work
from .session import Citizen


def free_text_error(text: str, max_length: int) -> str | None:
    """What is wrong with text a person typed, in Swedish, for beside its field; None when it may be kept."""
    if len(text) > max_length:
        return f"Skriv högst {max_length} tecken. Nu är det {len(text)}."
    for rule in (no_control_characters, no_personnummer):
        try:
            rule(text)
        except ValueError as wrong:
            return str(wrong)
    return None


def triage(request: Request) -> TriageClient:
    return TriageClient(request.app.state.settings.triage_url)


async def attempt(
    request: Request, action: Callable[[UnitOfWork], Awaitable[Any]]
) -> tuple[Any, BookingRefused | None]:
    """Run a use case in one unit of work; a refusal rolls it back and is returned, not raised."""
    try:
        async with unit_of_work(request) as uow:
            return await action(uow), None
    except BookingRefused as refused:
        return None, refused


async def attempt_once(
    request: Request,
    citizen: Citizen,
    key: str,
    description: dict[str, Any],
    action: Callable[[UnitOfWork], Awaitable[Result]],
    render: Callable[[Result], Any],
) -> Outcome[Result]:
    """Like the API: a repeated submit with the same key gets the first answer, so a double click books once.
    `render` is what the record keeps for a repeat (the API's shape of the result)."""
    return await run_once(
        unit_of_work(request),
        action,
        render,
        caller=citizen.pseudonym,
        idempotency_key=f"web:{key}",
        request=description,
        now=now_of(request),
    )
