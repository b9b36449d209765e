"""nara-token: print a development token for a role and subject, for local runs and tests."""

from __future__ import annotations

import argparse
import logging
import sys
from datetime import timedelta

from pydantic import ValidationError

from .caller import InvalidClaims, Role
from .settings import IdentityConfigurationError, read_identity_settings
from .tokens import issue_dev_token

EXAMPLES = """examples:
  nara-token --role citizen --sub 19121212-1212
  nara-token --role reception --sub SE2321000131-P000000000001 \\
             --units SE2321000131-E000000000001,SE2321000131-E000000000002
  curl -H "Authorization: Bearer $(nara-token --role citizen --sub 19121212-1212)" ...
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nara-token",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Print a token signed with Nära's DEVELOPMENT key (refused when NARA_ENVIRONMENT=production).",
    )
    parser.add_argument("--role", required=True, choices=[role.value for role in Role])
    parser.add_argument("--sub", required=True, help="a citizen's personnummer, or a staff member's HSA-id")
    parser.add_argument("--units", default="", help="staff only: comma-separated unit HSA-ids")
    parser.add_argument("--ttl-minutes", type=int, default=480, help="lifetime of the token (default 480)")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.ttl_minutes <= 0:
        parser.error("--ttl-minutes must be a positive number of minutes")
    units = [unit.strip() for unit in args.units.split(",") if unit.strip()]
    # The settings' "accepting development tokens" warning is meant for services; here it would confuse.
    settings_log = logging.getLogger("nara.shared.identity.settings")
    level = settings_log.level
    settings_log.setLevel(logging.ERROR)
    try:
        settings = read_identity_settings()
    except (IdentityConfigurationError, ValidationError) as error:
        parser.error(f"the identity settings in the environment are not usable: {error}")
    finally:
        settings_log.setLevel(level)
    if settings.is_production:
        parser.error("development tokens are not issued when NARA_ENVIRONMENT is production")
    if not settings.uses_development_key:
        print(
            "nara-token: warning: NARA_JWT_PUBLIC_KEY(_FILE) is set, so services in this environment "
            "will not accept this development token",
            file=sys.stderr,
        )
    try:
        token = issue_dev_token(args.role, args.sub, units, ttl=timedelta(minutes=args.ttl_minutes), settings=settings)
    except InvalidClaims as error:
        parser.error(str(error))
    print(token)
    return 0


if __name__ == "__main__":
    sys.exit(main())
