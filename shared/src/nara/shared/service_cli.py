"""The command line each service shares: 'serve' runs it, 'migrate' applies its migrations and exits."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable
from pathlib import Path

import asyncpg
import uvicorn

from .logging import configure_json_logging
from .migrations import SHARED_MIGRATIONS, apply_migrations
from .settings import ServiceSettings


def run_service_cli(
    settings_factory: Callable[[], ServiceSettings],
    app_factory: str,
    migrations_dir: Path,
    argv: list[str] | None = None,
) -> int:
    settings = settings_factory()
    parser = argparse.ArgumentParser(prog=f"nara-{settings.service_name}")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="run the service (HTTP and Kafka) until SIGTERM")
    commands.add_parser("migrate", help="apply the service's database migrations and exit")
    args = parser.parse_args(argv)
    configure_json_logging(settings.service_name, settings.log_level)
    if args.command == "migrate":
        applied = asyncio.run(
            _migrate(settings.database_url, {"shared": SHARED_MIGRATIONS, settings.service_name: migrations_dir})
        )
        print(f"applied {len(applied)} migration(s): {', '.join(applied) or 'none needed'}")
        return 0
    uvicorn.run(
        app_factory,
        factory=True,
        host=settings.host,
        port=settings.port,
        log_config=None,
        timeout_graceful_shutdown=int(settings.graceful_shutdown_seconds),
        access_log=settings.access_log,
    )
    return 0


async def _migrate(url: str, sets: dict[str, Path]) -> list[str]:
    connection = await asyncpg.connect(url)
    try:
        return await apply_migrations(connection, sets)
    finally:
        await connection.close()
