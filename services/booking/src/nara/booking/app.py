"""Wires the booking service: settings, database, Kafka router and HTTP routes."""

from pathlib import Path

from fastapi import FastAPI

from nara.shared.service_app import build_service_app

from .settings import BookingSettings

MIGRATIONS = Path(__file__).resolve().parents[3] / "migrations"


def create_app(settings: BookingSettings | None = None) -> FastAPI:
    return build_service_app(settings or BookingSettings(), title="Nära booking", migrations_dir=MIGRATIONS)
