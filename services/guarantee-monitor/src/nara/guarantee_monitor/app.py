"""Wires the guarantee-monitor service: settings, database, Kafka router and HTTP routes."""

from pathlib import Path

from fastapi import FastAPI

from nara.shared.service_app import build_service_app

from .settings import GuaranteeMonitorSettings

MIGRATIONS = Path(__file__).resolve().parents[3] / "migrations"


def create_app(settings: GuaranteeMonitorSettings | None = None) -> FastAPI:
    return build_service_app(settings or GuaranteeMonitorSettings(), title="Nära guarantee monitor", migrations_dir=MIGRATIONS)
