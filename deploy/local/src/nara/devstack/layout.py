"""Where the stack keeps its state: one ignored folder per stack, and a cache shared by all of them."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[5]
KAFKA_POM = REPO_ROOT / "deploy" / "local" / "kafka" / "pom.xml"
KAFKA_LOG4J = REPO_ROOT / "deploy" / "local" / "kafka" / "log4j2.properties"
ZIPKIN_POM = REPO_ROOT / "deploy" / "local" / "zipkin" / "pom.xml"
KEYCLOAK_POM = REPO_ROOT / "deploy" / "local" / "keycloak" / "pom.xml"
# The realm `nara`: the same file for ./nara run, the tests and docker-compose.
KEYCLOAK_REALM = REPO_ROOT / "deploy" / "keycloak" / "nara-realm.json"


@dataclass(frozen=True)
class StackLayout:
    state_dir: Path
    cache_dir: Path

    @classmethod
    def default(cls) -> StackLayout:
        state = Path(os.environ.get("NARA_STATE_DIR", REPO_ROOT / ".state" / "stack"))
        cache = Path(os.environ.get("NARA_CACHE_DIR", REPO_ROOT / ".state" / "cache"))
        return cls(state.resolve(), cache.resolve())

    @property
    def logs(self) -> Path:
        return self.state_dir / "logs"

    @property
    def pids(self) -> Path:
        return self.state_dir / "run"

    @property
    def record_file(self) -> Path:
        return self.state_dir / "stack.json"

    def log_of(self, component: str) -> Path:
        return self.logs / f"{component}.log"

    def pid_of(self, component: str) -> Path:
        return self.pids / f"{component}.pid"

    def ensure(self) -> None:
        for folder in (self.state_dir, self.logs, self.pids, self.cache_dir):
            folder.mkdir(parents=True, exist_ok=True)

    def load_record(self) -> dict:
        try:
            return json.loads(self.record_file.read_text())
        except (OSError, ValueError):
            return {}

    def save_record(self, record: dict) -> None:
        self.record_file.write_text(json.dumps(record, indent=2))
        self.record_file.chmod(0o600)  # it holds the local database passwords
