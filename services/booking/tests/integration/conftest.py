"""An in-process booking service with an injected clock, on its own schema of the real database."""

import pytest
from booking_support import PAGES_SECRET, in_process_booking


@pytest.fixture(scope="module")
async def booking(infrastructure):
    async with in_process_booking(infrastructure, database_pool_max=30) as booking:
        yield booking


@pytest.fixture(scope="module")
async def stub_triage():
    """A stand-in for the triage service: nobody has children, one reason; it keeps every search it was sent."""
    import asyncio

    import uvicorn
    from fastapi import FastAPI

    from nara.devstack.processes import free_port

    stub, searches = FastAPI(), []

    @stub.get("/api/v1/guardianships/mine")
    async def children() -> dict:
        return {"children": []}

    @stub.get("/api/v1/guidelines")
    async def guidelines(q: str = "") -> dict:
        searches.append(q)
        return {"version": "stub", "reasons": [{"code": "hosta", "title": "Hosta"}]}

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(stub, host="127.0.0.1", port=port, log_config=None, lifespan="off"))
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers only this flag to wait on
        await asyncio.sleep(0.02)
    stub.state.searches = searches
    yield stub, f"http://127.0.0.1:{port}"
    server.should_exit = True
    await task


@pytest.fixture(scope="module")
async def guarded_booking(infrastructure, stub_triage):
    """Like `booking`, with the pages' secret known (the flow cookie can be signed) and `stub_triage` behind it."""
    _, triage_url = stub_triage
    async with in_process_booking(
        infrastructure, prefix="guarded", triage_url=triage_url, pages_secret=PAGES_SECRET
    ) as booking:
        yield booking
