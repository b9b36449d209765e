import sys

from nara.shared.service_cli import run_service_cli

from .app import MIGRATIONS
from .settings import GuaranteeMonitorSettings


def main() -> int:
    return run_service_cli(GuaranteeMonitorSettings, "nara.guarantee_monitor.app:create_app", MIGRATIONS)


if __name__ == "__main__":
    sys.exit(main())
