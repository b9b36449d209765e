"""Identity: who calls (the identity provider's access token, through one claim mapping, to a Caller), what
they may do (FastAPI dependencies), and the staff access log.

dev_key.pem is a DEVELOPMENT-ONLY key, committed so local runs need no set-up; production refuses it.
"""

from .access_log import (
    AccessLogRefused,
    StaffRead,
    reads_of_patient,
    record_repeated_staff_reads,
    record_staff_read,
)
from .caller import STAFF_ROLES, Caller, InvalidClaims, Role, parse_role
from .claims import ClaimMapping, NoNaraRole
from .dependencies import (
    CurrentCaller,
    current_caller,
    ensure_staff_of,
    identity_settings,
    request_time,
    require_roles,
    require_staff_of,
)
from .settings import IdentityConfigurationError, IdentitySettings, settings_from_environment
from .tokens import (
    BadSignature,
    ClaimsDoNotFit,
    ExpiredToken,
    MalformedToken,
    MissingToken,
    NoRole,
    ProviderUnreachable,
    TokenError,
    TokenNotYetValid,
    WrongAudience,
    WrongIssuer,
    issue_dev_token,
    verify_token,
)

__all__ = [
    "STAFF_ROLES",
    "AccessLogRefused",
    "BadSignature",
    "Caller",
    "ClaimMapping",
    "ClaimsDoNotFit",
    "CurrentCaller",
    "ExpiredToken",
    "IdentityConfigurationError",
    "IdentitySettings",
    "InvalidClaims",
    "MalformedToken",
    "MissingToken",
    "NoNaraRole",
    "NoRole",
    "ProviderUnreachable",
    "Role",
    "StaffRead",
    "TokenError",
    "TokenNotYetValid",
    "WrongAudience",
    "WrongIssuer",
    "current_caller",
    "ensure_staff_of",
    "identity_settings",
    "issue_dev_token",
    "parse_role",
    "reads_of_patient",
    "record_repeated_staff_reads",
    "record_staff_read",
    "request_time",
    "require_roles",
    "require_staff_of",
    "settings_from_environment",
    "verify_token",
]
