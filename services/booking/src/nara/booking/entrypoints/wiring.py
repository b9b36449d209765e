"""Where the entrypoints get their adapters: the unit of work and the read side on the app's pool."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager

from fastapi import Request

from ..adapters.unit_of_work import PostgresUnitOfWork, Reads, reading


def unit_of_work(request: Request) -> PostgresUnitOfWork:
    return PostgresUnitOfWork(request.app.state.pool)


def reads(request: Request) -> AbstractAsyncContextManager[Reads]:
    return reading(request.app.state.pool)
