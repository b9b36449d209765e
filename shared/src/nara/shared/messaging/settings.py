"""Where messages go: the SMTP server for e-mail, the SMS gateway's account. Read at start-up from the environment,
then from files of the same names in NARA_SETTINGS_DIR (a mounted Secret), like the other settings.

E-mail: NARA_SMTP_HOST (e-mail is off without it), NARA_SMTP_PORT (587), NARA_SMTP_USERNAME,
NARA_SMTP_PASSWORD or NARA_SMTP_PASSWORD_FILE, NARA_SMTP_STARTTLS (true), NARA_SMTP_FROM.
SMS through 46elks: NARA_SMS_USERNAME (SMS is off without it), NARA_SMS_PASSWORD or NARA_SMS_PASSWORD_FILE,
NARA_SMS_FROM (a text sender id of 3-11 letters and digits, or an E.164 number), NARA_SMS_API_URL.
"""

from __future__ import annotations

import os
import re
from email.utils import parseaddr
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .message import E164

TEXT_SENDER_ID = re.compile(r"[A-Za-z][A-Za-z0-9]{2,10}")


class MessagingConfigurationError(RuntimeError):
    """A message setting cannot work as given; the message names the variable."""


def _password(value: SecretStr, file: Path | None, variable: str) -> SecretStr:
    """The password given directly, or read from the file named by VARIABLE_FILE; not both."""
    if file is None:
        return value
    if value.get_secret_value():
        raise ValueError(f"set only one of {variable} and {variable}_FILE")
    try:
        return SecretStr(file.read_text().strip())
    except OSError as error:
        raise ValueError(f"{variable}_FILE cannot be read: {error.strerror}") from None


class SmtpSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NARA_SMTP_", extra="ignore", validate_by_name=True)

    host: str = ""
    port: int = Field(587, gt=0, lt=65536)
    username: str = ""
    password: SecretStr = SecretStr("")
    password_file: Path | None = None
    # On by default: a password and patients' messages never cross a network in clear. The local Mailpit, on
    # loopback, is the one server started without it.
    starttls: bool = True
    from_address: str = Field(
        "Nära <ingen-svarsadress@nara.localhost>", validation_alias=AliasChoices("NARA_SMTP_FROM", "from_address")
    )
    timeout_seconds: float = Field(15, gt=0)

    @property
    def enabled(self) -> bool:
        return bool(self.host.strip())

    @property
    def sender_address(self) -> str:
        return parseaddr(self.from_address)[1]

    @model_validator(mode="after")
    def _consistent(self) -> SmtpSettings:
        self.password = _password(self.password, self.password_file, "NARA_SMTP_PASSWORD")
        if self.sender_address.count("@") != 1:
            raise ValueError("NARA_SMTP_FROM must be an address, e.g. 'Nära <ingen-svarsadress@region.se>'")
        if self.password.get_secret_value() and not self.username:
            raise ValueError("NARA_SMTP_PASSWORD is set without NARA_SMTP_USERNAME")
        return self


class SmsSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NARA_SMS_", extra="ignore", validate_by_name=True)

    api_url: str = "https://api.46elks.com/a1"
    username: str = ""
    password: SecretStr = SecretStr("")
    password_file: Path | None = None
    sender: str = Field("Nara", validation_alias=AliasChoices("NARA_SMS_FROM", "sender"))
    timeout_seconds: float = Field(15, gt=0)
    # A reminder or an offer fits in two parts; more is a mistake in the text, refused before it costs anything.
    max_parts: int = Field(6, ge=1)
    # Ask the gateway not to keep the message's text in its logs (46elks' `dontlog=message`).
    dont_log_text: bool = True

    @property
    def enabled(self) -> bool:
        return bool(self.username.strip())

    @model_validator(mode="after")
    def _consistent(self) -> SmsSettings:
        self.password = _password(self.password, self.password_file, "NARA_SMS_PASSWORD")
        if self.enabled and not self.password.get_secret_value():
            raise ValueError("NARA_SMS_USERNAME is set without NARA_SMS_PASSWORD (or NARA_SMS_PASSWORD_FILE)")
        if not (TEXT_SENDER_ID.fullmatch(self.sender) or E164.fullmatch(self.sender)):
            raise ValueError("NARA_SMS_FROM must be 3-11 letters and digits starting with a letter, or an E.164 number")
        return self


def _settings_dir() -> str | None:
    return os.environ.get("NARA_SETTINGS_DIR", "").strip() or None


def read_smtp_settings() -> SmtpSettings:
    try:
        return SmtpSettings(_secrets_dir=_settings_dir())
    except ValidationError as error:
        raise MessagingConfigurationError(f"e-mail settings: {_reasons(error, 'NARA_SMTP_')}") from None


def read_sms_settings() -> SmsSettings:
    try:
        return SmsSettings(_secrets_dir=_settings_dir())
    except ValidationError as error:
        raise MessagingConfigurationError(f"SMS settings: {_reasons(error, 'NARA_SMS_')}") from None


def _reasons(error: ValidationError, prefix: str) -> str:
    # Never the input: it may be a password.
    reasons = []
    for problem in error.errors():
        message = str(problem["msg"]).removeprefix("Value error, ")
        if not problem["loc"]:
            reasons.append(message)
            continue
        name = str(problem["loc"][0]).upper()
        reasons.append(f"{name if name.startswith(prefix) else prefix + name}: {message}")
    return "; ".join(reasons)
