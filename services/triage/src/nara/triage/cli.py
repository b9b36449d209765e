import sys

from nara.shared.service_cli import run_service_cli

from .app import MIGRATIONS
from .settings import TriageSettings


def main() -> int:
    return run_service_cli(TriageSettings, "nara.triage.app:create_app", MIGRATIONS)


if __name__ == "__main__":
    sys.exit(main())
