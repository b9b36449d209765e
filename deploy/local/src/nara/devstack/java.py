"""Finding a JDK new enough for a server: JAVA_HOME first, then the JDKs installed under /usr/lib/jvm."""

from __future__ import annotations

import os
import re
from pathlib import Path

from .errors import StackError

JVM_FOLDER = Path("/usr/lib/jvm")


def java_major_version(java_home: Path) -> int | None:
    """The major version a JDK's `release` file states, or None when it is not a JDK with a java binary."""
    if not (java_home / "bin" / "java").is_file():
        return None
    try:
        release = (java_home / "release").read_text()
    except OSError:
        return None
    match = re.search(r'^JAVA_VERSION="(\d+)', release, re.MULTILINE)
    return int(match.group(1)) if match else None


def find_java_home(minimum: int, *, java_home: str | None, jvm_folder: Path = JVM_FOLDER) -> Path | None:
    """JAVA_HOME when it is new enough, else the newest JDK of at least `minimum` under `jvm_folder`."""
    if java_home and (java_major_version(Path(java_home)) or 0) >= minimum:
        return Path(java_home)
    candidates = [
        (version, folder)
        for folder in (sorted(jvm_folder.iterdir()) if jvm_folder.is_dir() else [])
        if (version := java_major_version(folder)) is not None and version >= minimum
    ]
    return max(candidates)[1] if candidates else None


def require_java_home(minimum: int, *, needed_by: str) -> str:
    found = find_java_home(minimum, java_home=os.environ.get("JAVA_HOME"), jvm_folder=JVM_FOLDER)
    if found is None:
        raise StackError(
            f"{needed_by} needs Java {minimum} or newer, and neither JAVA_HOME nor {JVM_FOLDER} has one. "
            f"Install one (e.g. 'apt-get install openjdk-{minimum}-jdk-headless', or Temurin {minimum}+), "
            f"or set JAVA_HOME to it; './nara run --no-idp' runs without {needed_by}, with the development login."
        )
    return str(found)
