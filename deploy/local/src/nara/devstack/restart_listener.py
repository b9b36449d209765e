"""supervisord's event listener: counts each service's restarts for './nara status' and says so in the service's log.

supervisord restarts by itself but keeps no count; it tells a listener every state change on stdin
(http://supervisord.org/events.html). Run by supervisord only: stdout is that protocol, so nothing else prints there.
"""

from __future__ import annotations

import json
import os
import re
import sys
import traceback
from datetime import UTC, datetime
from pathlib import Path

from supervisor import childutils

LISTENER = "restarts"  # this listener's own name in supervisord.conf


class RestartBook:
    def __init__(self, folder: Path, logs: Path):
        self.file = folder / "restarts.json"
        self.logs = logs
        self.backoffs: dict[str, int] = {}  # quick exits in a row, as supervisord's back-off counts them

    def handle(self, event: str, fields: dict[str, str]) -> None:
        name = fields.get("processname")
        if name is None or name == LISTENER:
            return
        if event == "PROCESS_STATE_BACKOFF":
            self.backoffs[name] = self.backoffs.get(name, 0) + 1
        elif event == "PROCESS_STATE_RUNNING":
            self.backoffs[name] = 0
        elif event == "PROCESS_STATE_STARTING" and fields.get("from_state") in ("EXITED", "BACKOFF"):
            reason = self._exit_reason(name)
            count = self._count(name, reason)
            wait = self.backoffs.get(name, 0) if fields["from_state"] == "BACKOFF" else 0
            after = f" after a back-off of {wait} s" if wait else " at once"
            self._log(name, "WARNING", f"{name} exited ({reason}); supervisord restarted it{after}", restarts=count)
        elif event == "PROCESS_STATE_FATAL":
            self._log(
                name,
                "ERROR",
                f"{name} exited again and again right after starting; supervisord gave up on it. "
                "Fix the cause (see above), then './nara run' starts it again",
            )

    def _count(self, name: str, reason: str) -> int:
        try:
            book = json.loads(self.file.read_text())
        except (OSError, ValueError):
            book = {}
        entry = book.get(name, {"count": 0})
        entry = {"count": entry["count"] + 1, "last": datetime.now(UTC).isoformat(timespec="seconds"), "reason": reason}
        book[name] = entry
        partial = self.file.with_suffix(".partial")
        partial.write_text(json.dumps(book, indent=2))
        os.replace(partial, self.file)  # './nara status' never reads half a file
        return entry["count"]

    def _exit_reason(self, name: str) -> str:
        """supervisord logs how a program ended ('terminated by SIGKILL; not expected') but puts it in no event."""
        try:
            with open(self.logs / "supervisord.log", "rb") as log:
                log.seek(max(0, log.seek(0, os.SEEK_END) - 16384))
                tail = log.read().decode(errors="replace")
        except OSError:
            return "reason unknown"
        found = re.findall(rf"exited: {re.escape(name)} \((.*)\)", tail)
        return found[-1] if found else "reason unknown"

    def _log(self, name: str, level: str, message: str, **fields) -> None:
        # The services' own JSON-lines shape, so the line reads and filters like theirs.
        line = {
            "level": level,
            "logger": "nara.devstack.supervisor",
            "message": message,
            "service": name,
            **fields,
            "time": datetime.now(UTC).isoformat(),
        }
        with open(self.logs / f"{name}.log", "a") as log:
            log.write(json.dumps(line) + "\n")


def main() -> None:
    book = RestartBook(Path(sys.argv[1]), Path(sys.argv[2]))
    while True:
        headers, payload = childutils.listener.wait(sys.stdin, sys.stdout)
        try:
            book.handle(headers["eventname"], childutils.get_headers(payload.split("\n", 1)[0]))
        except Exception:  # a bad event must not stop the counting of the next ones
            traceback.print_exc(file=sys.stderr)
        childutils.listener.ok(sys.stdout)


if __name__ == "__main__":
    main()
