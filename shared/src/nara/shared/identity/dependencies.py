"""FastAPI dependencies: who calls (401 if nobody provable), and whether they may (403, or 404 to conceal)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from .caller import Caller, InvalidClaims, Role, parse_role
from .settings import IdentitySettings, settings_from_environment
from .tokens import NEEDS_LOGIN, MissingToken, NoRole, ProviderUnreachable, TokenError, verify_token

# auto_error=False: we answer a missing token ourselves, with the same 401 shape as a bad one.
_bearer = HTTPBearer(
    auto_error=False,
    description="The identity provider's access token (or, outside production, a development token).",
)


# Async, though they do not wait: FastAPI runs a plain def dependency in a worker thread, a hop per request.
async def identity_settings() -> IdentitySettings:
    """Override in tests or services: app.dependency_overrides[identity_settings] = lambda: settings."""
    return settings_from_environment()


async def request_time() -> datetime:
    """The moment tokens are checked against; override to test expiry at a chosen time."""
    return datetime.now(UTC)


def _refused(error: TokenError) -> HTTPException:
    if isinstance(error, NoRole):
        return HTTPException(status.HTTP_403_FORBIDDEN, detail=error.detail)
    if isinstance(error, ProviderUnreachable):
        return HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, detail=error.detail, headers={"Retry-After": "30"})
    # RFC 6750: a missing token gets a bare challenge, a rejected one says invalid_token.
    challenge = "Bearer" if isinstance(error, MissingToken) else 'Bearer error="invalid_token"'
    return HTTPException(status.HTTP_401_UNAUTHORIZED, detail=error.detail, headers={"WWW-Authenticate": challenge})


async def current_caller(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    settings: Annotated[IdentitySettings, Depends(identity_settings)],
    now: Annotated[datetime, Depends(request_time)],
) -> Caller:
    """The caller the bearer token proves; 401 with WWW-Authenticate when there is none or it is invalid, 403 for
    a person with no role in Nära, 503 when the identity provider's keys cannot be fetched."""
    if credentials is None:
        raise _refused(MissingToken(NEEDS_LOGIN))
    try:
        if settings.uses_provider:
            # The provider's keys are fetched now and then, with blocking I/O: off the event loop.
            return await run_in_threadpool(verify_token, credentials.credentials, settings, now)
        return verify_token(credentials.credentials, settings, now=now)
    except TokenError as error:
        raise _refused(error) from None


CurrentCaller = Annotated[Caller, Depends(current_caller)]


def require_roles(*roles: Role | str) -> Callable[..., Coroutine[Any, Any, Caller]]:
    """A dependency giving the caller if their role is one of `roles`, else 403."""
    if not roles:
        raise ValueError("require_roles needs at least one role")
    try:
        allowed = tuple(parse_role(role) for role in roles)  # a typo fails when the route is defined
    except InvalidClaims as error:
        raise ValueError(str(error)) from None

    async def caller_with_role(caller: CurrentCaller) -> Caller:
        if caller.role not in allowed:
            raise HTTPException(
                status.HTTP_403_FORBIDDEN, detail=f"Det här kräver någon av rollerna: {', '.join(allowed)}."
            )
        return caller

    return caller_with_role


def ensure_staff_of(caller: Caller, unit: str, *, conceal: bool = False) -> None:
    """403 unless the caller is staff at `unit`; with conceal, 404 so other units' data is not even confirmed."""
    if caller.works_at(unit):
        return
    if conceal:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"Inget hittades på enheten {unit}.")
    if not caller.is_staff:
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="Det här är till för enhetens personal.")
    raise HTTPException(
        status.HTTP_403_FORBIDDEN,
        detail=f"Du arbetar inte på enheten {unit}; din inloggning gäller: {', '.join(caller.units)}.",
    )


def require_staff_of(
    unit_parameter: str = "unit",
    *,
    conceal: bool = False,
) -> Callable[..., Coroutine[Any, Any, Caller]]:
    """A dependency giving the caller if they are staff at the unit named by the path parameter `unit_parameter`."""

    async def caller_at_unit(request: Request, caller: CurrentCaller) -> Caller:
        unit = request.path_params.get(unit_parameter)
        if unit is None:
            raise RuntimeError(f"require_staff_of: the route has no path parameter {{{unit_parameter}}}")
        ensure_staff_of(caller, unit, conceal=conceal)
        return caller

    return caller_at_unit
