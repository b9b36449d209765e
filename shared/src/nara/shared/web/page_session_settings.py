"""How long a page login lasts, and the check that several replicas can share one: settings read at start-up.

NARA_PAGE_SESSION_IDLE_MINUTES (default 30) and NARA_PAGE_SESSION_ABSOLUTE_HOURS (default 10), from the
environment or from files of those names in NARA_SETTINGS_DIR (a mounted ConfigMap or Secret).
"""

from __future__ import annotations

import logging
import os
from datetime import timedelta
from functools import cache

from pydantic import ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from nara.shared.identity import IdentitySettings

from . import oidc
from .page_sessions import SessionTimeouts

log = logging.getLogger(__name__)


class PageSessionConfigurationError(RuntimeError):
    """The page sessions cannot run as configured; the message says which setting to change."""


class PageSessionSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NARA_PAGE_SESSION_", extra="ignore")

    idle_minutes: float = 30
    absolute_hours: float = 10

    @model_validator(mode="after")
    def _sensible(self) -> PageSessionSettings:
        if self.idle_minutes <= 0 or self.absolute_hours <= 0:
            raise ValueError("NARA_PAGE_SESSION_IDLE_MINUTES and NARA_PAGE_SESSION_ABSOLUTE_HOURS must be positive")
        if self.idle_minutes > self.absolute_hours * 60:
            raise ValueError(
                "NARA_PAGE_SESSION_IDLE_MINUTES must not be longer than NARA_PAGE_SESSION_ABSOLUTE_HOURS "
                f"({self.idle_minutes:g} minutes > {self.absolute_hours:g} hours)"
            )
        return self

    @property
    def timeouts(self) -> SessionTimeouts:
        return SessionTimeouts(idle=timedelta(minutes=self.idle_minutes), absolute=timedelta(hours=self.absolute_hours))


def read_page_session_settings() -> PageSessionSettings:
    """From the environment, then from the files in NARA_SETTINGS_DIR; a clear error when they do not hold."""
    folder = os.environ.get("NARA_SETTINGS_DIR", "").strip()
    try:
        return PageSessionSettings(_secrets_dir=folder or None)
    except ValidationError as error:
        reasons = "; ".join(_reason(problem["loc"], str(problem["msg"])) for problem in error.errors())
        raise PageSessionConfigurationError(f"page session settings: {reasons}") from None


def _reason(where: tuple[int | str, ...], message: str) -> str:
    """A field's problem under the variable's name (the model's own checks name theirs already)."""
    if not where:
        return message.removeprefix("Value error, ")
    return f"NARA_PAGE_SESSION_{str(where[0]).upper()}: {message}"


@cache
def page_session_timeouts() -> SessionTimeouts:
    """The process's page session timeouts, read once (the service frame reads them at start-up)."""
    return read_page_session_settings().timeouts


def require_signing_key(variable: str, settings: IdentitySettings) -> None:
    """In production with the identity provider, an app's page signing key must be configured: a random key per
    process would make one replica refuse the cookies and CSRF tokens that another signed."""
    if settings.is_production and settings.uses_provider and not oidc.setting(variable):
        log.error("%s is not set: the pages' signing key must be one secret shared by every replica", variable)
        raise PageSessionConfigurationError(
            f"{variable} is not set: in production every replica of the app must sign its pages' cookies and "
            "CSRF tokens with the same key (set it from a Secret)"
        )
