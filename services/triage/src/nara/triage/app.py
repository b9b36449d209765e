"""Wires the triage service: settings, database, Kafka router and HTTP routes."""

from pathlib import Path

from fastapi import FastAPI

from nara.shared.service_app import build_service_app

from .settings import TriageSettings

MIGRATIONS = Path(__file__).resolve().parents[3] / "migrations"


def create_app(settings: TriageSettings | None = None) -> FastAPI:
    return build_service_app(settings or TriageSettings(), title="Nära triage", migrations_dir=MIGRATIONS)
