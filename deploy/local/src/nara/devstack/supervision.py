"""The services under supervisord (PyPI `supervisor`), which restarts one that dies.

Why supervisord rather than a loop of our own or circus: it is mature and maintained, has no dependencies, brings
back-off (`startsecs`/`startretries`), `autorestart` and stop-with-grace, and an XML-RPC API and `supervisorctl`
for asking what runs. Its one gap, a restart count, is filled by our event listener (restart_listener.py).
"""

from __future__ import annotations

import hashlib
import json
import shlex
import sys
import tempfile
import xmlrpc.client
from pathlib import Path

from .errors import StackError
from .layout import StackLayout
from .processes import read_pid, start_detached, stop_group, wait_until

# Up this long counts as started: a service that dies sooner is retried after 1, 2, 3 s and given up on after
# START_RETRIES (FATAL), so one that cannot start does not spin. One that dies later is restarted at once.
# Triage lints its guidelines at start (15-30 s here), so less would let a triage that fails at start spin for ever.
START_SECONDS = 30
START_RETRIES = 3
# uvicorn finishes in-flight requests and messages on SIGTERM; 20 s covers the broker's graceful timeout.
STOP_SECONDS = 20
ALIVE_STATES = {"STARTING", "RUNNING", "BACKOFF"}


class Supervisor:
    def __init__(self, layout: StackLayout):
        self.layout = layout
        self.folder = layout.state_dir / "supervisor"
        self.config = self.folder / "supervisord.conf"
        self.socket = self.folder / "sock"
        if len(str(self.socket)) > 100:  # a Unix socket's path has at most 107 bytes
            digest = hashlib.sha256(str(self.folder).encode()).hexdigest()[:12]
            self.socket = Path(tempfile.gettempdir()) / f"nara-supervisor-{digest}.sock"
        self.pid_file = layout.pid_of("supervisord")
        self.restarts_file = self.folder / "restarts.json"

    def is_running(self) -> bool:
        return read_pid(self.pid_file) is not None

    def start(self, programs: list[str]) -> None:
        """Start supervisord with these programs configured (none started), unless it already runs."""
        if self.is_running():
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        self.restarts_file.unlink(missing_ok=True)  # counts are per supervisord run
        self.config.write_text(self._config_text(programs))
        start_detached(
            [sys.executable, "-m", "supervisor.supervisord", "-n", "-c", str(self.config)],
            log_file=self.layout.log_of("supervisord"),
            pid_file=self.pid_file,
        )
        wait_until(lambda: self._answers(programs[0]), timeout=20, interval=0.1, what="supervisord")

    def start_program(self, name: str, argv: list[str], env: dict[str, str]) -> None:
        """(Re)start one program with this command line and environment."""
        env_file = self.folder / f"{name}.env.json"
        env_file.touch(mode=0o600)  # it holds the database passwords
        env_file.write_text(json.dumps({"argv": argv, "env": env}))
        self._rpc().supervisor.startProcess(name, False)

    def stop_program(self, name: str) -> bool:
        if self.state_of(name) not in ALIVE_STATES:
            return False
        self._rpc().supervisor.stopProcess(name, True)
        return True

    def stop(self) -> bool:
        """supervisord stops its programs (SIGTERM, then SIGKILL after STOP_SECONDS each), then itself."""
        if self.is_running():
            try:  # all at once: on its own SIGTERM supervisord would stop them one after the other
                rpc = self._rpc()
                for program in rpc.supervisor.getAllProcessInfo():
                    if program["statename"] in ALIVE_STATES:
                        rpc.supervisor.stopProcess(program["name"], False)
            except (OSError, xmlrpc.client.Error):
                pass  # the SIGTERM below still stops them
        return stop_group(self.pid_file, grace_seconds=3 * STOP_SECONDS + 10)

    def info(self, name: str) -> dict | None:
        """supervisord's view of a program (statename, pid, ...), or None when supervisord does not answer."""
        if not self.is_running():
            return None
        try:
            return self._rpc().supervisor.getProcessInfo(name)
        except (OSError, xmlrpc.client.Error):
            return None

    def state_of(self, name: str) -> str | None:
        info = self.info(name)
        return info["statename"] if info else None

    def restarts(self, name: str) -> dict:
        """{"count": n, "last": ISO time, "reason": why it exited}, as the listener recorded them."""
        try:
            return json.loads(self.restarts_file.read_text()).get(name, {"count": 0})
        except (OSError, ValueError):
            return {"count": 0}

    def _answers(self, program: str) -> bool:
        if not self.is_running():
            raise StackError(f"supervisord exited while starting; see {self.layout.log_of('supervisord')}")
        return self.state_of(program) is not None

    def _rpc(self):
        from supervisor.xmlrpc import SupervisorTransport

        return xmlrpc.client.ServerProxy(
            "http://127.0.0.1", transport=SupervisorTransport(None, None, f"unix://{self.socket}")
        )

    def _config_text(self, programs: list[str]) -> str:
        python, logs = sys.executable, self.layout.logs
        sections = [
            f"[unix_http_server]\nfile={_path(self.socket)}\nchmod=0700\n",
            f"[supervisorctl]\nserverurl=unix://{_path(self.socket)}\n",
            "[rpcinterface:supervisor]\n"
            "supervisor.rpcinterface_factory=supervisor.rpcinterface:make_main_rpcinterface\n",
            # Foreground under our own pid file; its log is written by itself (silent: not twice through stdout).
            f"[supervisord]\nnodaemon=true\nsilent=true\nlogfile={_path(logs / 'supervisord.log')}\n"
            f"logfile_maxbytes=0\npidfile={_path(self.pid_file)}\nchildlogdir={_path(self.folder)}\n",
            # The listener's stdout is supervisord's event protocol, not worth keeping; its errors go to stderr.
            "[eventlistener:restarts]\n"
            f"command={_command(python, '-m', 'nara.devstack.restart_listener', str(self.folder), str(logs))}\n"
            f"events=PROCESS_STATE\nautorestart=true\nstdout_logfile=NONE\n"
            f"stderr_logfile={_path(logs / 'supervisord.log')}\nstderr_logfile_maxbytes=0\n",
        ]
        for name in programs:
            # The log is the one './nara logs' shows, appended to and never rotated, as before supervision.
            sections.append(
                f"[program:{name}]\n"
                f"command={_command(python, '-m', 'nara.devstack.supervised', str(self.folder / f'{name}.env.json'))}\n"
                f"autostart=false\nautorestart=true\nstartsecs={START_SECONDS}\nstartretries={START_RETRIES}\n"
                f"stopsignal=TERM\nstopwaitsecs={STOP_SECONDS}\nstopasgroup=true\nkillasgroup=true\n"
                f"redirect_stderr=true\nstdout_logfile={_path(logs / f'{name}.log')}\nstdout_logfile_maxbytes=0\n"
            )
        return "\n".join(sections)


def _path(path: Path) -> str:
    return str(path).replace("%", "%%")  # supervisord expands %(name)s in values


def _command(*argv: str) -> str:
    return shlex.join(argv).replace("%", "%%")
