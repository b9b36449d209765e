"""Settings every service shares, read from the environment."""

from __future__ import annotations

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    """A service subclasses this with its own env_prefix, e.g. BOOKING_, and its own defaults.

    The database URL and port carry the service's prefix (BOOKING_DATABASE_URL), so one shell can hold
    all three services' settings; what is common to all (Kafka, tracing) has one unprefixed name.
    """

    # A variable with a name of its own (KAFKA_BOOTSTRAP_SERVERS) lists the field's name among its choices too;
    # saying so here tells pydantic's type checker that the field can be set by name.
    model_config = SettingsConfigDict(extra="ignore", validate_by_name=True)

    service_name: str
    host: str = "127.0.0.1"
    port: int
    database_url: str
    database_pool_min: int = 2
    database_pool_max: int = 20
    kafka_bootstrap_servers: str = Field(
        default="127.0.0.1:9092", validation_alias=AliasChoices("KAFKA_BOOTSTRAP_SERVERS", "kafka_bootstrap_servers")
    )
    log_level: str = Field(default="INFO", validation_alias=AliasChoices("LOG_LEVEL", "log_level"))
    readiness_timeout_seconds: float = 2.0
    graceful_shutdown_seconds: float = 15.0
    # A log line per request costs the hot path time, and says less than the request metrics and traces do.
    access_log: bool = False
    # How long consumed event ids are kept against redelivery; every handler is idempotent besides (see
    # deploy/RUNBOOK.md, "Replaying a topic"), so an older event read again changes nothing either.
    consumed_events_retention_hours: int = Field(168, ge=1)
