"""`python -m nara.triage.lint [folder]`: check a guideline set; exit 0 when clean, 1 with findings."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from nara.triage.adapters.guideline_files import SHIPPED_GUIDELINES_FOLDER, check_guidelines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nara.triage.lint", description=__doc__)
    parser.add_argument(
        "folder",
        nargs="?",
        default=str(SHIPPED_GUIDELINES_FOLDER),
        help="the guideline folder (default: the shipped guidelines)",
    )
    folder = parser.parse_args(argv).folder
    guidelines, findings = check_guidelines(folder)
    if findings or guidelines is None:
        for finding in findings:
            print(finding)
        print(f"\n{folder}: {len(findings)} finding(s); this guideline set must not be used.")
        return 1
    print(
        f"{folder}: version {guidelines.version}, {len(guidelines.reasons)} contact reasons,"
        f" {guidelines.red_flag_count} red flags, {guidelines.rule_count} rules: clean."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
